"""CBS gemeente code lists: the gemeenten (and provincies) of 2015, 2018, 2021, 2022 and 2023 (+2024 parents).

Two kinds of file: StatLine "Gebieden in Nederland" exports (82949NED for 2015, 83859NED for 2018; codes and
names only) and the CBS "gemeenten alfabetisch" lists (2021-2023; gemeente -> provincie). Each parse checks the
codes against the official gemeente count of its year and against that year's CBS boundary file.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import polars as pl

from etl.errors import InputError
from etl.model import ParseResult
from etl.readers import read_csv, require_unique, strip
from etl.sources import ParseContext, SourceSpec

PATH_2015 = "stats/cbs/gebieden_in_nederland_2015_82949NED_codes_grootteklasse_stedelijkheid.csv"
PATH_2018 = "stats/cbs/gebieden_in_nederland_2018_83859NED_codes_labels.csv"
PATH_ALFABETISCH = {
    2021: "stats/cbs/gemeenten_alfabetisch_2021_codes.csv",
    2022: "stats/cbs/gemeenten_alfabetisch_2022_codes_en.csv",
    2023: "stats/cbs/gemeenten_alfabetisch_2023_codes.csv",
}

# Number of gemeenten on 1 January (CBS); a list with another count is incomplete or of another year.
GEMEENTE_COUNT = {2015: 393, 2018: 380, 2021: 352, 2022: 345, 2023: 342}
PROVINCIE_COUNT = 12
GM_CODE = re.compile(r"^GM\d{4}$")
PV_CODE = re.compile(r"^PV\d{2}$")

CODE_2018 = "Codes en namen van gemeenten/Code (code)"
NAAM_2018 = "Codes en namen van gemeenten/Naam (naam)"

# The CBS headers of the alfabetisch lists; the 2022 copy has them translated to English by its repository owner.
COLUMNS_NL = ("Gemeentecode", "GemeentecodeGM", "Gemeentenaam", "Provinciecode", "ProvinciecodePV", "Provincienaam")
COLUMNS_EN = (
    "MunicipalCode",
    "MunicipalCodeGM",
    "MunicipalName",
    "ProvincialCode",
    "ProvincialCodePV",
    "ProvincialName",
)
ALFABETISCH = {  # year -> (separator, header)
    2021: (",", COLUMNS_NL),
    2022: (";", COLUMNS_EN),
    2023: (",", COLUMNS_NL),
}
# The 2022 copy lost the circumflex of "Fryslân" (SOURCES.md caveat); restore the CBS spelling the 2021 and 2023
# lists and the boundary files use. Only these exact spellings are touched.
SPELLING_2022 = {
    "Fryslan": "Fryslân",
    "Noardeast-Fryslan": "Noardeast-Fryslân",
    "Súdwest-Fryslan": "Súdwest-Fryslân",
}

CBS_LICENCE = "CC BY 4.0"
STATLINE = "https://opendata.cbs.nl/statline/#/CBS/nl/dataset/{}/table"
INDELING = (
    "https://www.cbs.nl/nl-nl/onze-diensten/methoden/classificaties/overig/gemeentelijke-indelingen-per-jaar/"
    "indeling-per-jaar/gemeentelijke-indeling-op-1-januari-{}"
)
ALFABETISCH_NOTES = {
    2021: "Copy from GitHub edugis-repo/cbsbuurtwijkgemeente 'gemeenten-alfabetisch-2021.csv' @ 9a312728.",
    2022: "Copy from GitHub menus12/DAwR-2024-covid 'Datafiles/municipalities_alphabetically_2022.csv' @ 6ae2fa36; "
    "headers translated to English and 'Fryslân' written 'Fryslan' by the repository owner (restored here).",
    2023: "Copy from GitHub edugis-repo/cbsbuurtwijkgemeente 'gemeenten-alfabetisch-2023.csv' @ 9a312728; "
    "also gives the 2024 gemeente -> provincie links (no mergers on 1-1-2024, checked against the 2024 boundaries).",
}


def sources(snapshot: Path) -> list[SourceSpec]:
    specs = [
        SourceSpec(
            id="cbs_82949ned",
            path=PATH_2015,
            publisher="CBS",
            title="Gebieden in Nederland 2015",
            table_id="82949NED",
            url=STATLINE.format("82949NED"),
            licence=CBS_LICENCE,
            reference_date=date(2015, 1, 1),
            status="official",
            parse=parse_82949,
            notes="Copy from GitHub Thdegraaff/migration_gravity "
            "'data/src/Gebieden_in_Nederland_2015_21012019_152433.csv' @ cb997ef7 (CSV met labels, 21-01-2019).",
        ),
        SourceSpec(
            id="cbs_83859ned",
            path=PATH_2018,
            publisher="CBS",
            title="Gebieden in Nederland 2018",
            table_id="83859NED",
            url=STATLINE.format("83859NED"),
            licence=CBS_LICENCE,
            reference_date=date(2018, 1, 1),
            status="official",
            parse=parse_83859,
            notes="Copy from GitHub Thdegraaff/migration_gravity "
            "'data/src/2018/Gebieden_in_Nederland_2018_10022020_174721.csv' @ 774324f4 (CSV met labels, 10-02-2020).",
        ),
    ]
    for year, path in PATH_ALFABETISCH.items():
        specs.append(
            SourceSpec(
                id=f"cbs_gemeenten_alfabetisch_{year}",
                path=path,
                publisher="CBS",
                title=f"Gemeentelijke indeling op 1 januari {year}",
                table_id=f"gemeenten-alfabetisch-{year}",
                url=INDELING.format(year),
                licence=CBS_LICENCE,
                reference_date=date(year, 1, 1),
                status="official",
                parse=_alfabetisch_parser(year),
                notes=ALFABETISCH_NOTES[year],
            )
        )
    return specs


def _alfabetisch_parser(year: int):
    # A plain function of this module (not functools.partial): the build ranks sources by ``parse.__module__``.
    def parse(path: Path, ctx: ParseContext) -> ParseResult:
        return parse_alfabetisch(path, ctx, year=year)

    parse.__qualname__ = parse.__name__ = f"parse_alfabetisch_{year}"
    return parse


def parse_82949(path: Path, ctx: ParseContext) -> ParseResult:
    """2015: the label column keeps the spaces the export stripped from 'naam'; the label minus a CBS suffix
    such as ' (gemeente)' or ' (L.)' is the official name whenever 'naam' has no suffix."""
    frame = read_csv(path, separator=";", required=["Regio's", "code", "naam"], skip_lines=4, drop_trailing=("Bron:",))
    frame = frame.with_columns(strip(frame, "code").alias("code"))
    names = [
        _name_2015(label.strip(), naam.strip(), path, line)
        for label, naam, line in frame.select("Regio's", "naam", "_line").iter_rows()
    ]
    frame = frame.with_columns(pl.Series("name", names, dtype=pl.String))
    _check_gemeenten(frame, "code", path, 2015, ctx)
    return ParseResult(regions=_regions(frame, "code", "name", 2015, "gemeente"))


_SUFFIX = re.compile(r"\s*\([^()]*\)$")


def _name_2015(label: str, naam: str, path: Path, line: int) -> str:
    for candidate in (label, _SUFFIX.sub("", label)):
        if candidate.replace(" ", "") == naam.replace(" ", ""):
            return candidate
    raise InputError(path, f"label {label!r} does not match naam {naam!r}", line=line, column="Regio's")


def parse_83859(path: Path, ctx: ParseContext) -> ParseResult:
    frame = read_csv(path, separator=";", required=["Regio's", CODE_2018, NAAM_2018])
    frame = frame.with_columns(strip(frame, CODE_2018).alias("code"), strip(frame, NAAM_2018).alias("name"))
    _check_gemeenten(frame, "code", path, 2018, ctx, column=CODE_2018)
    _check_filled(frame, "name", path, NAAM_2018)
    return ParseResult(regions=_regions(frame, "code", "name", 2018, "gemeente"))


def parse_alfabetisch(path: Path, ctx: ParseContext, *, year: int) -> ParseResult:
    separator, header = ALFABETISCH[year]
    frame = read_csv(path, separator=separator, required=header)
    frame = frame.select(*(strip(frame, c).alias(n) for c, n in zip(header, COLUMNS_NL, strict=True)), "_line")
    if year == 2022:
        frame = frame.with_columns(pl.col("Gemeentenaam", "Provincienaam").replace(SPELLING_2022))
    _check_filled(frame, "Gemeentenaam", path, header[2])
    _check_filled(frame, "Provincienaam", path, header[5])
    _check_gemeenten(frame, "GemeentecodeGM", path, year, ctx, column=header[1])
    _check_pattern(frame, "ProvinciecodePV", PV_CODE, path, header[4])
    # The plain number columns must repeat the prefixed codes: catches shifted or swapped columns.
    _check_same_number(frame, "Gemeentecode", "GemeentecodeGM", path, header[0])
    _check_same_number(frame, "Provinciecode", "ProvinciecodePV", path, header[3])
    provincies = frame.unique(["ProvinciecodePV", "Provincienaam"], keep="first", maintain_order=True)
    clash = provincies.filter(pl.col("ProvinciecodePV").is_duplicated())
    if clash.height:
        raise InputError(
            path,
            f"provincie code with two names: {clash.select('ProvinciecodePV', 'Provincienaam').rows()}",
            line=clash["_line"][1],
            column=header[5],
        )
    if provincies.height != PROVINCIE_COUNT:
        raise InputError(path, f"{provincies.height} provincies, expected {PROVINCIE_COUNT}", column=header[4])
    regions = pl.concat(
        [
            _regions(frame, "GemeentecodeGM", "Gemeentenaam", year, "gemeente"),
            _regions(provincies, "ProvinciecodePV", "Provincienaam", year, "provincie"),
        ]
    )
    parent_years = [year]
    # No municipal mergers took effect on 1-1-2024, so the 2023 list also holds for 2024; we emit the 2024 links
    # only after checking that its 342 codes are exactly the codes of the 2024 boundary file.
    if year == 2023 and set(frame["GemeentecodeGM"]) == _reference_codes(ctx, 2024):
        parent_years.append(2024)
    parents = pl.concat(
        [
            frame.select(
                pl.col("GemeentecodeGM").alias("code"),
                pl.lit(y, dtype=pl.Int32).alias("year"),
                pl.col("ProvinciecodePV").alias("parent_code"),
                pl.lit("provincie").alias("parent_level"),
            )
            for y in parent_years
        ]
    )
    return ParseResult(regions=regions, region_parents=parents)


def _reference_codes(ctx: ParseContext, year: int) -> set[str]:
    try:
        return set(ctx.gemeente_reference(year)["code"])
    except InputError:  # no boundary file for that year: nothing to check against
        return set()


def _check_gemeenten(
    frame: pl.DataFrame, code_col: str, path: Path, year: int, ctx: ParseContext, column: str | None = None
) -> None:
    """Codes well-formed, unique, as many as CBS counts for ``year``, and all in that year's boundary file."""
    column = column or code_col
    _check_pattern(frame, code_col, GM_CODE, path, column)
    require_unique(frame, [code_col], path)
    if frame.height != GEMEENTE_COUNT[year]:
        raise InputError(path, f"{frame.height} gemeenten, expected {GEMEENTE_COUNT[year]} for {year}", column=column)
    if year == 2015:  # no boundary file for 2015 in the snapshot
        return
    known = set(ctx.gemeente_reference(year)["code"])
    unknown = frame.filter(~pl.col(code_col).is_in(known))
    if unknown.height:
        raise InputError(
            path,
            f"{unknown.height} code(s) not among the {year} gemeente boundaries: {unknown[code_col].to_list()}",
            line=unknown["_line"][0],
            column=column,
        )


def _check_pattern(frame: pl.DataFrame, code_col: str, pattern: re.Pattern[str], path: Path, column: str) -> None:
    bad = frame.filter(~pl.col(code_col).str.contains(pattern.pattern))
    if bad.height:
        row = bad.row(0, named=True)
        message = f"not a code like {pattern.pattern}: {row[code_col]!r}"
        raise InputError(path, message, line=row["_line"], column=column)


def _check_filled(frame: pl.DataFrame, col: str, path: Path, column: str) -> None:
    empty = frame.filter(pl.col(col).is_null() | (pl.col(col) == ""))
    if empty.height:
        raise InputError(path, "empty name", line=empty["_line"][0], column=column)


def _check_same_number(frame: pl.DataFrame, number_col: str, code_col: str, path: Path, column: str) -> None:
    digits = pl.col(code_col).str.slice(2)
    bad = frame.filter(
        ~pl.col(number_col).str.contains(r"^\d+$")
        | (pl.col(number_col).cast(pl.Int64, strict=False) != digits.cast(pl.Int64, strict=False))
    )
    if bad.height:
        row = bad.row(0, named=True)
        raise InputError(
            path, f"{row[number_col]!r} does not match code {row[code_col]!r}", line=row["_line"], column=column
        )


def _regions(frame: pl.DataFrame, code_col: str, name_col: str, year: int, level: str) -> pl.DataFrame:
    return frame.select(
        pl.col(code_col).alias("code"),
        pl.lit(year, dtype=pl.Int32).alias("year"),
        pl.col(name_col).alias("name"),
        pl.lit(level).alias("level"),
    )
