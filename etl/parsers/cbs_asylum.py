"""CBS 80059NED: asylum requests and family reunification per nationality, yearly 1975-2018 (national).

Kept as code, not a recipe: besides the national totals it fills the ``asylum_nationality`` table (one row per
nationality and year), a dimension the recipes' region x period x indicator observations do not have.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from contract.periods import parse_cbs_period
from etl.errors import InputError
from etl.model import ParseResult
from etl.readers import numbers, read_csv, require_unique, strip
from etl.sources import ParseContext, SourceSpec

PATH_80059 = "stats/cbs/80059NED_asielverzoeken_nareizigers_nationaliteit_jaar_1975-2018.csv"
MEASURE = "TotaalAsielverzoekenEnNareizigers_1"
TOTAL_NATIONALITY = "T001059"


def sources(snapshot: Path) -> list[SourceSpec]:
    return [
        SourceSpec(
            id="cbs_80059ned",
            path=PATH_80059,
            publisher="CBS",
            title="Asielverzoeken en nareizigers; nationaliteit (onbewerkte dataset)",
            table_id="80059NED",
            url="https://opendata.cbs.nl/ODataApi/OData/80059NED",
            licence="CC BY 4.0",
            reference_date=date(2018, 12, 31),
            status="official",
            parse=parse_80059,
            notes=(
                "Copy from GitHub Jo11jo/Liberal-Artists 'Asylum NL.csv' @ d355b268; "
                "table id inferred from its columns."
            ),
        )
    ]


def parse_80059(path: Path, ctx: ParseContext) -> ParseResult:
    frame = read_csv(path, separator=";", required=["Nationaliteit", "Perioden", MEASURE])
    frame = frame.with_columns(
        strip(frame, "Nationaliteit").alias("Nationaliteit"), strip(frame, "Perioden").alias("Perioden")
    )
    require_unique(frame, ["Nationaliteit", "Perioden"], path)
    values = numbers(frame, MEASURE, path)
    periods = []
    for code, line in frame.select("Perioden", "_line").iter_rows():
        try:
            start, kind = parse_cbs_period(code)
        except ValueError as exc:
            raise InputError(path, str(exc), line=line, column="Perioden") from exc
        periods.append((start, kind))
    tidy = pl.DataFrame(
        {
            "nationality_code": frame["Nationaliteit"],
            "period": [p[0] for p in periods],
            "period_type": [p[1] for p in periods],
            "value": values,
        },
        schema={"nationality_code": pl.String, "period": pl.Date, "period_type": pl.String, "value": pl.Float64},
    ).drop_nulls("value")
    if tidy.filter(pl.col("nationality_code") == TOTAL_NATIONALITY).height == 0:
        raise InputError(path, f"no rows for the all-nationalities total {TOTAL_NATIONALITY}", column="Nationaliteit")
    national = tidy.filter(pl.col("nationality_code") == TOTAL_NATIONALITY).select(
        pl.lit("asielverzoeken_en_nareizigers").alias("indicator_id"),
        pl.lit("NL01").alias("region_code"),
        pl.col("period").dt.year().cast(pl.Int32).alias("region_year"),
        "period",
        "period_type",
        "value",
        pl.lit("official").alias("status"),
    )
    return ParseResult(
        observations=national,
        asylum_nationality=tidy.filter(pl.col("nationality_code") != TOTAL_NATIONALITY),
    )
