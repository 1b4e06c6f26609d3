"""CBS population per gemeente (the per-1,000 denominators) and the regional divisions in the same files.

What the generic recipe readers cannot read yet stays here (the labelled 70072NED exports of 2020-2023 and 2025,
84378NED 2019, 84721NED 2020 and 85755NED 2024 are recipes: ``recipes/cbs_*.toml``):

- 70072NED 2015 (untyped, codes): population of NL01, provincies and gemeenten on 1-1-2015, plus the 2015
  gemeente -> provincie / arbeidsmarktregio / COROP / GGD / veiligheidsregio classification with those regions'
  names. It has no gemeente names, so it adds no gemeente regions.
- 85984NED KWB 2024: herkomst "buiten Europa" per gemeente. The herkomst file has names only; its codes come
  from the sex/age file of the same table, joined by row position after checking the rows match.

Population is a stock on 1 January; it is stored as period = 1 January of the year, period_type 'year'.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from contract.periods import parse_cbs_period
from etl.errors import InputError
from etl.model import REGION, REGION_PARENT, ParseResult
from etl.readers import numbers, read_csv, require_unique
from etl.sources import ParseContext, SourceSpec

PATH_70072_2015 = "stats/cbs/70072NED_regionale_kerncijfers_2015_untyped_regios_codes.csv"
PATH_KWB_CODES = "stats/cbs/85984NED_kwb_2024_bevolking_geslacht_leeftijd_codes.csv"
PATH_KWB_HERKOMST = "stats/cbs/85984NED_kwb_2024_bevolking_herkomst_labels.csv"

POPULATION = "bevolking"
OUTSIDE_EUROPE = "herkomst_buiten_europa"
LAND = "NL01"


# Division level -> the code prefix that proves a column holds that division.
PREFIX = {
    "provincie": "PV",
    "arbeidsmarktregio": "AM",
    "coropgebied": "CR",
    "ggdregio": "GG",
    "veiligheidsregio": "VR",
}
# (code column, name column) per level in the 70072NED 2015 untyped export and in 85755NED 2024.
DIVISIONS_2015 = {
    "provincie": ("Code_293", "Naam_294"),
    "arbeidsmarktregio": ("Code_271", "Naam_272"),
    "coropgebied": ("Code_275", "Naam_276"),
    "ggdregio": ("Code_281", "Naam_282"),
    "veiligheidsregio": ("Code_303", "Naam_304"),
}

KWB_AREA = "Wijken en buurten"
KWB_GEMEENTE = "Regioaanduiding/Gemeentenaam (naam)"
KWB_KIND = "Regioaanduiding/Soort regio (omschrijving)"
KWB_CODE = "Regioaanduiding/Codering (code)"
KWB_POPULATION = "Bevolking/Aantal inwoners (aantal)"
# CBS's own header, with the double space before the unit.
KWB_OUTSIDE_EUROPE = "Bevolking/Bevolking naar herkomst/Herkomstland/Buiten Europa  (aantal)"
KWB_LAND_CODE = "NL00"  # the KWB tables code the country NL00; everywhere else it is NL01

_CBS = "CBS"
_LICENCE = "CC BY 4.0"


def _odata(table: str) -> str:
    return f"https://opendata.cbs.nl/ODataApi/OData/{table}"


def sources(snapshot: Path) -> list[SourceSpec]:
    return [
        SourceSpec(
            id="cbs_70072ned_2015",
            path=PATH_70072_2015,
            publisher=_CBS,
            title="Regionale kerncijfers Nederland (onbewerkte dataset, 2015)",
            table_id="70072NED",
            url=_odata("70072NED"),
            licence=_LICENCE,
            reference_date=date(2015, 1, 1),
            status="official",
            parse=parse_70072_2015,
            notes="Copy from GitHub rubennaatje/R-datascience-project- @ 441ec550 (export of 06-06-2018). "
            "Codes only: no gemeente names (those come from 82949NED).",
        ),
        SourceSpec(
            id="cbs_85984ned_2024_codes",
            path=PATH_KWB_CODES,
            publisher=_CBS,
            title="Kerncijfers wijken en buurten 2024: bevolking naar geslacht en leeftijd",
            table_id="85984NED",
            url=_odata("85984NED"),
            licence=_LICENCE,
            reference_date=date(2024, 1, 1),
            status="official",
            parse=parse_kwb_codes,
            notes="Copy from GitHub Swienn/ScientificDataAnalysisProject @ 41308216. Used only for the region "
            "codes of the herkomst export; its population duplicates 85755NED and is not loaded.",
        ),
        SourceSpec(
            id="cbs_85984ned_2024_herkomst",
            path=PATH_KWB_HERKOMST,
            publisher=_CBS,
            title="Kerncijfers wijken en buurten 2024: bevolking naar herkomst",
            table_id="85984NED",
            url=_odata("85984NED"),
            licence=_LICENCE,
            reference_date=date(2024, 1, 1),
            status="official",
            parse=parse_kwb_herkomst,
            notes="Copy from GitHub Swienn/ScientificDataAnalysisProject @ c12a6a0b (export 11-12-2025). Names "
            f"only; codes joined by row position from {PATH_KWB_CODES} after checking names and populations.",
        ),
    ]


# --- shared helpers ---------------------------------------------------------------------------------------


def _trim(frame: pl.DataFrame) -> pl.DataFrame:
    """Strip the padding CBS puts around codes, names and numbers."""
    return frame.with_columns(pl.col(c).str.strip_chars() for c in frame.columns if c != "_line")


def _observations(
    codes: list[str], values: list[float], region_year: int, indicator: str = POPULATION, status: str = "official"
) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "indicator_id": [indicator] * len(codes),
            "region_code": codes,
            "region_year": [region_year] * len(codes),
            "period": [date(region_year, 1, 1)] * len(codes),
            "period_type": ["year"] * len(codes),
            "value": values,
            "status": [status] * len(codes),
        },
        schema={
            "indicator_id": pl.String,
            "region_code": pl.String,
            "region_year": pl.Int32,
            "period": pl.Date,
            "period_type": pl.String,
            "value": pl.Float64,
            "status": pl.String,
        },
    )


def _check_gemeente_codes(
    frame: pl.DataFrame, column: str, year: int, ctx: ParseContext, path: Path, shown: str | None = None
) -> None:
    """Every code must be a gemeente of ``year`` (the boundary file of that year is the reference), and every
    gemeente of that year must be there: a file cut off at a line boundary is otherwise silently short."""
    known = set(ctx.gemeente_reference(year)["code"].to_list())
    bad = frame.filter(~pl.col(column).is_in(list(known)))
    if bad.height:
        row = bad.row(0, named=True)
        raise InputError(
            path,
            f"{row[column]!r} is not a gemeente code of {year} ({bad.height} such row(s))",
            line=row["_line"],
            column=column,
        )
    absent = sorted(known - set(frame[column].to_list()))
    if absent:
        raise InputError(
            path,
            f"{len(absent)} of the {len(known)} gemeenten of {year} have no row with a value "
            f"(first: {absent[:5]}); is the file truncated?",
            column=shown or column,
        )


def _divisions(
    frame: pl.DataFrame, child_col: str, divisions: dict[str, tuple[str, str | None]], year: int, path: Path
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(region_parents, regions) for gemeente -> each division; checks prefixes and one name per code.

    A name column of ``None`` means the file's names are unusable: the regions get no name.
    """
    parents, regions = [], []
    for level, (code_col, name_col) in divisions.items():
        prefix = PREFIX[level]
        bad = frame.filter(~pl.col(code_col).str.contains(rf"^{prefix}\d+$"))
        if bad.height:
            row = bad.row(0, named=True)
            raise InputError(
                path,
                f"expected a {level} code ({prefix}..), found {row[code_col]!r}",
                line=row["_line"],
                column=code_col,
            )
        parents.append(
            frame.select(
                pl.col(child_col).alias("code"),
                pl.lit(year, pl.Int32).alias("year"),
                pl.col(code_col).alias("parent_code"),
                pl.lit(level).alias("parent_level"),
            )
        )
        if name_col is None:
            pairs = frame.select(pl.col(code_col).alias("code"), pl.lit(None, pl.String).alias("name")).unique()
        else:
            pairs = frame.select(pl.col(code_col).alias("code"), pl.col(name_col).alias("name")).unique()
            clash = pairs.filter(pl.col("code").is_duplicated())
            if clash.height:
                code = clash["code"].sort()[0]
                names = sorted(clash.filter(pl.col("code") == code)["name"].to_list())
                raise InputError(path, f"{level} {code} has more than one name: {names}", column=name_col)
        regions.append(pairs.select("code", pl.lit(year, pl.Int32).alias("year"), "name", pl.lit(level).alias("level")))
    region_parents = pl.concat(parents).cast(REGION_PARENT)
    region_frame = pl.concat(regions).sort("level", "code").cast(REGION)
    return region_parents, region_frame


# --- 70072NED -----------------------------------------------------------------------------------------------


def parse_70072_2015(path: Path, ctx: ParseContext) -> ParseResult:
    value_col = "TotaleBevolking_1"
    division_cols = [c for pair in DIVISIONS_2015.values() for c in pair]
    frame = _trim(read_csv(path, separator=";", required=["RegioS", "Perioden", value_col, *division_cols]))
    require_unique(frame, ["RegioS", "Perioden"], path)
    periods = set()
    for code, line in frame.select("Perioden", "_line").unique("Perioden").iter_rows():
        try:
            start, kind = parse_cbs_period(code)
        except ValueError as exc:
            raise InputError(path, str(exc), line=line, column="Perioden") from exc
        if kind != "year":
            raise InputError(path, f"expected a yearly period, found {code!r}", line=line, column="Perioden")
        periods.add(start.year)
    if len(periods) != 1:
        raise InputError(path, f"expected one year, found {sorted(periods)}", column="Perioden")
    (year,) = periods
    frame = frame.with_columns(numbers(frame, value_col, path).alias("_value"))
    kept = frame.filter(
        pl.col("_value").is_not_null()
        & ((pl.col("RegioS") == LAND) | pl.col("RegioS").str.contains(r"^(PV\d{2}|GM\d{4})$"))
    )
    if kept.filter(pl.col("RegioS") == LAND).height != 1:
        raise InputError(path, f"no population for {LAND}", column=value_col)
    observations = _observations(kept["RegioS"].to_list(), kept["_value"].to_list(), year)
    gemeenten = kept.filter(pl.col("RegioS").str.starts_with("GM"))
    # No boundary file of this year to check completeness against; the gemeenten must add up to the country.
    total = kept.filter(pl.col("RegioS") == LAND)["_value"][0]
    if gemeenten["_value"].sum() != total:
        raise InputError(
            path,
            f"the {gemeenten.height} gemeenten sum to {gemeenten['_value'].sum():.0f}, not the {LAND} total "
            f"{total:.0f}; is the file truncated?",
            column=value_col,
        )
    region_parents, regions = _divisions(gemeenten, "RegioS", DIVISIONS_2015, year, path)
    # The untyped export has codes only, so it adds no gemeente regions: their 2015 names come from 82949NED
    # (recipes/cbs_82949ned.toml) and the country row from the harmonise step (region names may not be empty).
    return ParseResult(regions=regions, region_parents=region_parents, observations=observations)


# --- 85984NED Kerncijfers wijken en buurten 2024 ----------------------------------------------------------


def _read_kwb_codes(path: Path, ctx: ParseContext) -> pl.DataFrame:
    frame = read_csv(path, separator=";", required=[KWB_AREA, KWB_GEMEENTE, KWB_KIND, KWB_CODE, KWB_POPULATION])
    frame = frame.with_columns(pl.col(KWB_AREA, KWB_GEMEENTE, KWB_KIND, KWB_CODE).str.strip_chars())
    require_unique(frame, [KWB_CODE], path)
    numbers(frame, KWB_POPULATION, path)
    top = frame.filter(pl.col(KWB_KIND).is_in(["Land", "Gemeente"]))
    land = top.filter(pl.col(KWB_KIND) == "Land")
    if land.height != 1 or land[KWB_CODE][0] != KWB_LAND_CODE:
        raise InputError(path, f"expected one 'Land' row coded {KWB_LAND_CODE}", column=KWB_CODE)
    _check_gemeente_codes(top.filter(pl.col(KWB_KIND) == "Gemeente"), KWB_CODE, 2024, ctx, path)
    return frame


def parse_kwb_codes(path: Path, ctx: ParseContext) -> ParseResult:
    """Checked for provenance only: the codes feed the herkomst file, the population is in 85755NED."""
    _read_kwb_codes(path, ctx)
    return ParseResult()


def parse_kwb_herkomst(path: Path, ctx: ParseContext) -> ParseResult:
    return parse_kwb_pair(path, ctx.dependency(PATH_KWB_CODES), ctx)


def parse_kwb_pair(herkomst_path: Path, codes_path: Path, ctx: ParseContext) -> ParseResult:
    codes = _read_kwb_codes(codes_path, ctx)
    frame = read_csv(
        herkomst_path, separator=";", required=[KWB_AREA, KWB_GEMEENTE, KWB_POPULATION, KWB_OUTSIDE_EUROPE]
    )
    frame = frame.with_columns(pl.col(KWB_AREA, KWB_GEMEENTE).str.strip_chars())
    if frame.height != codes.height:
        raise InputError(
            herkomst_path,
            f"{frame.height} data rows, but {codes_path.name} has {codes.height}; "
            "the files cannot be joined by row position",
        )
    # The herkomst file has no codes: rows are joined by position, so every row must be the same area.
    for column in (KWB_AREA, KWB_GEMEENTE, KWB_POPULATION):
        differ = frame.filter(frame[column] != codes[column])
        if differ.height:
            line = differ["_line"][0]
            position = frame["_line"].to_list().index(line)
            other = codes.row(position, named=True)
            raise InputError(
                herkomst_path,
                f"row does not match {codes_path.name} line {other['_line']} ({differ[column][0]!r} vs "
                f"{other[column]!r}); cannot join codes by row position",
                line=line,
                column=column,
            )
    frame = frame.with_columns(
        codes[KWB_KIND].alias("_kind"),
        codes[KWB_CODE].alias("_code"),
        numbers(frame, KWB_OUTSIDE_EUROPE, herkomst_path).alias("_value"),
    ).filter(pl.col("_kind").is_in(["Land", "Gemeente"]))
    missing = frame.filter(pl.col("_value").is_null())
    if missing.height:
        raise InputError(
            herkomst_path, "land or gemeente without a value", line=missing["_line"][0], column=KWB_OUTSIDE_EUROPE
        )
    region_codes = [LAND if c == KWB_LAND_CODE else c for c in frame["_code"]]
    return ParseResult(observations=_observations(region_codes, frame["_value"].to_list(), 2024, OUTSIDE_EUROPE))
