"""Semantic harmonisation: merge what every parser produced into one consistent set of tables.

- one name per (region code, year), preferring the highest-priority source;
- the country (NL01) exists in every year that anything refers to;
- one observation per (indicator, region, period), preferring the highest-priority source;
- provincie and land totals of 'sum' indicators, derived from gemeenten where no source publishes them.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from etl.catalogue import INDICATORS

NATIONAL = ("NL01", "Nederland")


@dataclass
class Tagged:
    """A parser's frame with its source id and priority (lower rank wins a tie on the key)."""

    source_id: str
    rank: int
    frame: pl.DataFrame


def _stack(parts: list[Tagged]) -> pl.DataFrame | None:
    frames = [
        p.frame.with_columns(pl.lit(p.source_id).alias("source_id"), pl.lit(p.rank).alias("_rank"))
        for p in parts
        if p.frame.height
    ]
    return pl.concat(frames, how="vertical") if frames else None


def first_by_rank(parts: list[Tagged], key: list[str], empty: pl.DataFrame) -> pl.DataFrame:
    stacked = _stack(parts)
    if stacked is None:
        return empty.with_columns(pl.lit(None, dtype=pl.String).alias("source_id"))
    return (
        stacked.sort("_rank", maintain_order=True).unique(subset=key, keep="first", maintain_order=True).drop("_rank")
    )


def add_national_regions(regions: pl.DataFrame, years: set[int]) -> pl.DataFrame:
    have = set(regions.filter(pl.col("code") == NATIONAL[0])["year"].to_list())
    extra = pl.DataFrame(
        {"code": NATIONAL[0], "year": sorted(years - have), "name": NATIONAL[1], "level": "land"},
        schema={"code": pl.String, "year": pl.Int32, "name": pl.String, "level": pl.String},
    )
    return pl.concat([regions.select(extra.columns), extra], how="vertical")


def aggregate_totals(observations: pl.DataFrame, parents: pl.DataFrame) -> pl.DataFrame:
    """Provincie and land sums of gemeente values for 'sum' indicators, where no source gives the total.

    A gemeente without a row adds nothing, so sparse indicators (e.g. COA places, listed only where a
    location exists) add up to what the source lists. A gemeente without a provincie for its year is
    left out of the provincie totals but still counts for the land.
    """
    summable = [i.id for i in INDICATORS if i.aggregation == "sum"]
    gemeente = observations.filter(pl.col("indicator_id").is_in(summable) & pl.col("region_code").str.starts_with("GM"))
    provincie_of = parents.filter(pl.col("parent_level") == "provincie").select(
        pl.col("code").alias("region_code"), pl.col("year").alias("region_year"), pl.col("parent_code")
    )
    keys = ["indicator_id", "region_year", "period", "period_type"]
    with_parent = gemeente.join(provincie_of, on=["region_code", "region_year"], how="left")
    provincie = (
        with_parent.drop_nulls("parent_code")
        .group_by([*keys, "parent_code"])
        .agg(pl.col("value").sum(), pl.col("source_id").first())
        .rename({"parent_code": "region_code"})
    )
    land = (
        gemeente.group_by(keys)
        .agg(pl.col("value").sum(), pl.col("source_id").first())
        .with_columns(pl.lit(NATIONAL[0]).alias("region_code"))
    )
    # A total keeps the source of the gemeente values it adds up; its status says it was derived.
    totals = pl.concat([provincie.select(land.columns), land], how="vertical").with_columns(
        pl.lit("derived").alias("status")
    )
    existing = observations.select("indicator_id", "region_code", "region_year", "period", "period_type")
    totals = totals.join(
        existing, on=["indicator_id", "region_code", "region_year", "period", "period_type"], how="anti"
    )
    return totals.select(observations.columns)
