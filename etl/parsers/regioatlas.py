"""regioatlas.nl (BZK), early 2016: gemeente -> arbeidsmarktregio / veiligheidsregio / GGD region.

The files name the regions but give no codes, so each name is given its CBS code from the 2015 regional
classification in 70072NED (the Code_/Naam_ pairs at the end of that table). That file is read here as a
lookup only; its figures are loaded by another parser. Membership is regioatlas's own (2016): it differs
from CBS 2015 for two gemeenten, Renkum (Food Valley, CBS 2015 Midden-Gelderland) and Zuidplas (Rijnmond,
CBS 2015 Midden-Holland).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import polars as pl

from etl.errors import InputError
from etl.model import ParseResult
from etl.names import normalise
from etl.readers import read_csv, require_unique, strip
from etl.sources import ParseContext, SourceSpec

YEAR = 2016
CLASSIFICATION = "stats/cbs/70072NED_regionale_kerncijfers_2015_untyped_regios_codes.csv"
GEMEENTE_COLUMN = "Gemeente"
CODE_COLUMN = "CBS"
POPULATION_COLUMN = "Inwoneraantal van regio"  # of the region, reference date unknown: not loaded


@dataclass(frozen=True)
class Division:
    level: str
    path: str
    column: str  # region name column in the regioatlas file
    code: str  # Code_/Naam_ pair of this division in the 2015 classification
    name: str
    prefix: str  # CBS code prefix, checked so a renumbered column cannot slip in another division
    count: int  # regions in 2016 (SOURCES.md)
    repo_path: str
    # regioatlas name -> the CBS 2015 name of the same region (names are compared normalised, so hyphens and
    # case need no entry). Each pair was checked by membership: every 2015 gemeente of the regioatlas region
    # lies in the CBS region of that name, and vice versa.
    aliases: dict[str, str]


DIVISIONS = {
    "arbeidsmarktregio": Division(
        "arbeidsmarktregio",
        "stats/cbs/regioatlas_2016_gemeente_arbeidsmarktregio.csv",
        "Arbeidsmarktregio's",
        "Code_271",
        "Naam_272",
        "AM",
        35,
        "Sociaal/arbeidsmarktregios.csv",
        {"Zuid-Kennemerland en IJmond": "Zuid-Kennemerland"},
    ),
    "veiligheidsregio": Division(
        "veiligheidsregio",
        "stats/cbs/regioatlas_2016_gemeente_veiligheidsregio.csv",
        "Veiligheidsregio's",
        "Code_303",
        "Naam_304",
        "VR",
        25,
        "Veiligheid/veiligheidsregios.csv",
        {},
    ),
    "ggdregio": Division(
        "ggdregio",
        "stats/cbs/regioatlas_2016_gemeente_ggd.csv",
        "GGD's",
        "Code_281",
        "Naam_282",
        "GG",
        25,
        "Sociaal/ggds.csv",
        {
            "Dienst Gezondheid & Jeugd Zuid-Holland Zuid": "GGD Zuid-Holland-Zuid",
            "GGD Midden-Nederland": "GGD Regio Utrecht",
            "Hulpverlening Gelderland-Midden": "Veiligheids- en Gezondheidsregio Gelderland-Midden",
        },
    ),
}
# regioatlas gemeente spellings the 2016 boundary names do not cover (used only to cross-check name and code).
GEMEENTE_ALIASES = {"Hengelo (O)": "Hengelo"}


def sources(snapshot: Path) -> list[SourceSpec]:
    return [
        SourceSpec(
            id=f"regioatlas_{YEAR}_{d.level}",
            path=d.path,
            publisher="Ministerie van BZK, regioatlas.nl (export Open State Foundation)",
            title=f"Regioatlas: gemeenten en hun {d.level} ({YEAR})",
            table_id=None,
            url="https://www.regioatlas.nl/",
            licence="none stated (government website content, open government data; cite regioatlas.nl)",
            reference_date=date(YEAR, 1, 1),
            status="unofficial",
            parse=_parser(d),
            notes=f"Copy from GitHub openstate/datasets 'gemeenschappelijke_regelingen/regioatlas/{d.repo_path}' "
            "@ 7096b761 (scrape of about February 2016). Names only: region codes from the CBS 2015 "
            "classification in 70072NED.",
        )
        for d in DIVISIONS.values()
    ]


def _parser(division: Division):
    # A plain function of this module (not functools.partial): the build ranks sources by ``parse.__module__``.
    def parse(path: Path, ctx: ParseContext) -> ParseResult:
        return parse_regioatlas(path, ctx, division=division)

    parse.__qualname__ = parse.__name__ = f"parse_regioatlas_{division.level}"
    return parse


def parse_regioatlas(path: Path, ctx: ParseContext, *, division: Division) -> ParseResult:
    d = division
    frame = read_csv(path, separator=";", required=[GEMEENTE_COLUMN, CODE_COLUMN, d.column, POPULATION_COLUMN])
    frame = frame.with_columns(
        strip(frame, GEMEENTE_COLUMN).alias("gemeente"),
        strip(frame, CODE_COLUMN).alias("cbs"),
        strip(frame, d.column).alias("region"),
    )
    bad = frame.filter(~pl.col("cbs").str.contains(r"^\d{4}$"))
    if bad.height:
        row = bad.row(0, named=True)
        raise InputError(path, f"not a 4-digit gemeentecode: {row['cbs']!r}", line=row["_line"], column=CODE_COLUMN)
    require_unique(frame, ["cbs"], path)
    frame = frame.with_columns(("GM" + pl.col("cbs")).alias("code"))
    _check_gemeenten(frame, path, ctx)

    lookup = _classification(ctx.dependency(CLASSIFICATION), d)
    regions = frame.group_by("region", maintain_order=True).agg(pl.col("_line").first())
    codes = [lookup.get(normalise(d.aliases.get(name, name))) for name in regions["region"]]
    regions = regions.with_columns(pl.Series("region_code", codes, dtype=pl.String))
    unknown = regions.filter(pl.col("region_code").is_null())
    if unknown.height:
        raise InputError(
            path,
            f"{unknown.height} {d.level} name(s) not in the CBS 2015 classification: "
            + "; ".join(repr(n) for n in unknown["region"]),
            line=unknown["_line"][0],
            column=d.column,
        )
    clash = regions.filter(pl.col("region_code").is_duplicated())
    if clash.height:
        raise InputError(
            path,
            f"two names for one {d.level} code: {clash.select('region', 'region_code').rows()}",
            line=clash["_line"][1],
            column=d.column,
        )
    if regions.height != d.count:
        raise InputError(path, f"{regions.height} {d.level} regions, expected {d.count}", column=d.column)

    frame = frame.join(regions.select("region", "region_code"), on="region", how="left")
    return ParseResult(
        # The names are regioatlas's (the 2016 names), the codes CBS's.
        regions=regions.select(
            pl.col("region_code").alias("code"),
            pl.lit(YEAR, dtype=pl.Int32).alias("year"),
            pl.col("region").alias("name"),
            pl.lit(d.level).alias("level"),
        ),
        region_parents=frame.select(
            "code",
            pl.lit(YEAR, dtype=pl.Int32).alias("year"),
            pl.col("region_code").alias("parent_code"),
            pl.lit(d.level).alias("parent_level"),
        ),
    )


def _check_gemeenten(frame: pl.DataFrame, path: Path, ctx: ParseContext) -> None:
    """The codes are exactly the 2016 gemeenten, and each row's name belongs to its code."""
    reference = ctx.gemeente_reference(YEAR)
    unknown = frame.filter(~pl.col("code").is_in(reference["code"].to_list()))
    if unknown.height:
        raise InputError(
            path,
            f"{unknown.height} code(s) not among the {YEAR} gemeente boundaries: {unknown['cbs'].to_list()}",
            line=unknown["_line"][0],
            column=CODE_COLUMN,
        )
    if frame.height != reference.height:
        message = f"{frame.height} gemeenten, expected the {reference.height} of {YEAR}"
        raise InputError(path, message, column=CODE_COLUMN)
    resolver = ctx.resolver(YEAR, aliases=GEMEENTE_ALIASES)
    resolved = resolver.resolve(frame["gemeente"], path)
    wrong = frame.filter(pl.Series(resolved) != pl.col("code"))
    if wrong.height:
        row = wrong.row(0, named=True)
        raise InputError(
            path,
            f"gemeente {row['gemeente']!r} does not have code {row['cbs']!r}",
            line=row["_line"],
            column=CODE_COLUMN,
        )


def _classification(path: Path, d: Division) -> dict[str, str]:
    """normalised CBS 2015 name -> code for one division, from the gemeente rows of 70072NED (2015)."""
    frame = _read_classification(path)
    for column in ("RegioS", d.code, d.name):
        if column not in frame.columns:
            raise InputError(path, f"missing column {column!r} ({d.level} classification)", line=1)
    frame = frame.select(
        strip(frame, "RegioS").alias("regio"),
        strip(frame, d.code).alias("code"),
        strip(frame, d.name).alias("name"),
        "_line",
    ).filter(pl.col("regio").str.starts_with("GM") & (pl.col("code") != ""))
    if frame.height == 0:
        raise InputError(path, f"no gemeente rows with a {d.level} code", column=d.code)
    bad = frame.filter(~pl.col("code").str.contains(rf"^{d.prefix}\d+$"))
    if bad.height:
        row = bad.row(0, named=True)
        message = f"{row['code']!r} is not a {d.level} code ({d.prefix}..)"
        raise InputError(path, message, line=row["_line"], column=d.code)
    lookup: dict[str, str] = {}
    pairs = frame.unique(["code", "name"], keep="first", maintain_order=True)
    for code, name, line in pairs.select("code", "name", "_line").iter_rows():
        if lookup.setdefault(normalise(name), code) != code:
            raise InputError(path, f"{d.level} name {name!r} has two codes", line=line, column=d.name)
    return lookup


@cache
def _read_classification(path: Path) -> pl.DataFrame:
    # 770 rows x 315 columns: read once for the three divisions.
    return read_csv(path, separator=";", required=["RegioS"])
