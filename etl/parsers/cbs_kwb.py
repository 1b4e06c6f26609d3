"""CBS Kerncijfers wijken en buurten 2024 (85984NED): herkomst "buiten Europa" per gemeente.

Two exports of one table: the herkomst file has names only; its codes come from the sex/age file, joined by row
position after checking that every row names the same area with the same population. That join across two
files is what keeps this a parser rather than a recipe (the other CBS population and division files are recipes:
``recipes/cbs_*.toml``).

Population is a stock on 1 January; it is stored as period = 1 January of the year, period_type 'year'.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from etl.errors import InputError
from etl.model import OBSERVATION, ParseResult
from etl.readers import numbers, read_csv, require_unique
from etl.sources import ParseContext, SourceSpec

PATH_KWB_CODES = "stats/cbs/85984NED_kwb_2024_bevolking_geslacht_leeftijd_codes.csv"
PATH_KWB_HERKOMST = "stats/cbs/85984NED_kwb_2024_bevolking_herkomst_labels.csv"

OUTSIDE_EUROPE = "herkomst_buiten_europa"
LAND = "NL01"


KWB_AREA = "Wijken en buurten"
KWB_GEMEENTE = "Regioaanduiding/Gemeentenaam (naam)"
KWB_KIND = "Regioaanduiding/Soort regio (omschrijving)"
KWB_CODE = "Regioaanduiding/Codering (code)"
KWB_POPULATION = "Bevolking/Aantal inwoners (aantal)"
# CBS's own header, with the double space before the unit.
KWB_OUTSIDE_EUROPE = "Bevolking/Bevolking naar herkomst/Herkomstland/Buiten Europa  (aantal)"
KWB_LAND_CODE = "NL00"  # the KWB tables code the country NL00; everywhere else it is NL01


def sources(snapshot: Path) -> list[SourceSpec]:
    codes_note = (
        "Copy from GitHub Swienn/ScientificDataAnalysisProject @ 41308216. Used only for the region codes of the "
        "herkomst export; its population duplicates 85755NED and is not loaded."
    )
    herkomst_note = (
        "Copy from GitHub Swienn/ScientificDataAnalysisProject @ c12a6a0b (export 11-12-2025). Names only; codes "
        f"joined by row position from {PATH_KWB_CODES} after checking names and populations."
    )
    return [
        _spec("cbs_85984ned_2024_codes", PATH_KWB_CODES, "geslacht en leeftijd", parse_kwb_codes, codes_note),
        _spec("cbs_85984ned_2024_herkomst", PATH_KWB_HERKOMST, "herkomst", parse_kwb_herkomst, herkomst_note),
    ]


def _spec(source_id: str, path: str, subject: str, parse, notes: str) -> SourceSpec:
    """One of the two exports of 85984NED (Kerncijfers wijken en buurten 2024)."""
    return SourceSpec(
        id=source_id,
        path=path,
        publisher="CBS",
        title=f"Kerncijfers wijken en buurten 2024: bevolking naar {subject}",
        table_id="85984NED",
        url="https://opendata.cbs.nl/ODataApi/OData/85984NED",
        licence="CC BY 4.0",
        reference_date=date(2024, 1, 1),
        status="official",
        parse=parse,
        notes=notes,
    )


# --- helpers ---------------------------------------------------------------------------------------------


def _check_gemeente_codes(frame: pl.DataFrame, column: str, year: int, ctx: ParseContext, path: Path) -> None:
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
            column=column,
        )


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
    # A stock on 1 January 2024, stored as that year.
    values = frame["_value"].to_list()
    rows = [
        (OUTSIDE_EUROPE, code, 2024, date(2024, 1, 1), "year", value, "official")
        for code, value in zip(region_codes, values, strict=True)
    ]
    return ParseResult(observations=pl.DataFrame(rows, schema=OBSERVATION, orient="row"))
