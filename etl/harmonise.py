"""Semantic harmonisation: merge what every parser produced into one consistent set of tables.

- one name per (region code, year), preferring the highest-priority source;
- one parent per (region, year, division), which every source that gives one must agree on;
- the country (NL01) exists in every year that anything refers to;
- one observation per (indicator, region, period), preferring the highest-priority source.

Totals, ratios, rates and carried-back figures are computed afterwards, in ``etl/derive.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

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


def conflicting_parents(parts: list[Tagged]) -> pl.DataFrame:
    """Every (code, year, parent_level, parent_code, source_id) of a region that two sources place in different
    regions of one division in the same year. Ranking would silently pick one of them; which is right is not
    known, so the build refuses (and says which sources disagree)."""
    stacked = _stack(parts)
    key = ["code", "year", "parent_level"]
    if stacked is None:
        return pl.DataFrame(schema={**dict.fromkeys(key, pl.String), "parent_code": pl.String, "source_id": pl.String})
    return (
        stacked.filter(pl.col("parent_code").n_unique().over(key) > 1)
        .select(*key, "parent_code", "source_id")
        .unique()
        .sort(*key, "parent_code", "source_id")
    )


def add_national_regions(regions: pl.DataFrame, years: set[int]) -> pl.DataFrame:
    have = set(regions.filter(pl.col("code") == NATIONAL[0])["year"].to_list())
    extra = pl.DataFrame(
        {"code": NATIONAL[0], "year": sorted(years - have), "name": NATIONAL[1], "level": "land"},
        schema={"code": pl.String, "year": pl.Int32, "name": pl.String, "level": pl.String},
    )
    return pl.concat([regions.select(extra.columns), extra], how="vertical")
