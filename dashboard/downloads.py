"""CSV downloads: exactly the rows behind a figure plus the columns that say where each value comes from."""

from __future__ import annotations

import polars as pl

SOURCE_COLUMNS = ("publisher", "title", "table_id", "reference_date", "licence", "url", "sha256")


def with_sources(
    frame: pl.DataFrame, sources: pl.DataFrame, id_column: str = "source_id", prefix: str = "source_"
) -> pl.DataFrame:
    """Append publisher, title, table id, reference date, licence, url and checksum of ``id_column``."""
    if id_column not in frame.columns:
        return frame
    columns = sources.select(pl.col("id").alias(id_column), *[pl.col(c).alias(f"{prefix}{c}") for c in SOURCE_COLUMNS])
    return frame.join(columns, on=id_column, how="left")


def values_export(
    frame: pl.DataFrame, indicator_id: str, period=None, period_type: str | None = None, rates: bool = True
) -> pl.DataFrame:
    """The columns of a download of ``values``/``series`` rows: what, where, when, the value (and the rate
    with its population where one is shown), its status and source. ``period`` fills in a single period
    for frames that do not carry one; ``computed_from`` is kept where a frame has it."""
    when = (
        [pl.lit(period).alias("period"), pl.lit(period_type).alias("period_type")]
        if period is not None
        else ["period", "period_type"]
    )
    return frame.select(
        pl.lit(indicator_id).alias("indicator_id"),
        "code",
        "year",
        "name",
        *when,
        "value",
        *(["population", "rate"] if rates else []),
        "status",
        "source_id",
        *(["population_source_id"] if rates else []),
        *(["computed_from"] if "computed_from" in frame.columns else []),
    )


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark so that spreadsheet programs read the accents right."""
    return b"\xef\xbb\xbf" + frame.write_csv().encode("utf-8")
