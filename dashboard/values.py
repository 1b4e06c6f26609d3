"""The frames the pages show, read from the warehouse: one indicator at a level and period (with the build's
rates), series, map data, the half-year's months, provincie totals. No Streamlit, no formatting, and no
figure computed here that the warehouse holds (``etl/derive.py`` computes them once)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl

from dashboard import metrics
from dashboard.db import Warehouse
from dashboard.lookup import (
    NATIONAL,
    POPULATION,
    _per_warehouse,
    geometry_year,
    population_years,
    region_names,
    region_options,
)

MAP_LEVELS = ("gemeente", "provincie")


@_per_warehouse
def population(wh: Warehouse, year: int, level: str) -> pl.DataFrame:
    """code, year (region year), population, population_source_id on 1 January of ``year``."""
    frame = wh.observations(POPULATION, level, date(year, 1, 1), "year")
    return frame.select(
        "code", "year", pl.col("value").alias("population"), pl.col("source_id").alias("population_source_id")
    )


@_per_warehouse
def values(wh: Warehouse, indicator_id: str, level: str, period: date, period_type: str) -> pl.DataFrame:
    """code, year, name, value, source_id, status, computed_from, population, population_source_id, rate.

    ``rate`` is per 1,000 inhabitants on 1 January of the period's year, as the build computed it: only for an
    indicator meant to be read per inhabitant, where that population exists for the same region year.
    """
    return wh.observations(indicator_id, level, period, period_type)


@dataclass
class MapData:
    """What a choropleth needs: the regions' own values (for the table) and the values on the boundaries
    that are drawn (the same rows unless the region year has no boundaries and the crosswalk was used)."""

    table: pl.DataFrame
    shapes: pl.DataFrame
    region_year: int | None
    geometry_year: int | None
    has_rates: bool
    unmapped: list[str] = field(default_factory=list)

    @property
    def mapped(self) -> bool:
        return (
            self.region_year is not None and self.geometry_year is not None and self.region_year != self.geometry_year
        )


def map_data(wh: Warehouse, indicator_id: str, level: str, period: date, period_type: str) -> MapData:
    table = values(wh, indicator_id, level, period, period_type)
    has_rates = table["rate"].is_not_null().any() if table.height else False
    if table.height == 0:
        return MapData(table, table, None, None, False)
    region_year = int(table["year"].mode().sort()[0])
    target = geometry_year(wh, level, region_year)
    if target is None or target == region_year:
        return MapData(table, table.with_columns(pl.col("name").alias("from_names")), region_year, target, has_rates)
    target_names = region_names(wh, level, target)
    crosswalk = wh.crosswalk(region_year, target)
    moved = metrics.to_year(table, crosswalk, set(target_names))
    moved = moved.with_columns(pl.col("code").replace_strict(target_names, default=pl.col("code")).alias("name"))
    if "population" not in moved.columns:
        moved = moved.with_columns(
            pl.lit(None, dtype=pl.Float64).alias("population"), pl.lit(None, dtype=pl.Float64).alias("rate")
        )
    moved = moved.with_columns(
        pl.lit(table["source_id"][0]).alias("source_id"),
        pl.lit(table["status"][0]).alias("status"),
    )
    listed = set(crosswalk["from_code"].to_list()) | set(target_names)
    unmapped = sorted(table.filter(~pl.col("code").is_in(list(listed)))["name"].to_list())
    return MapData(table, moved, region_year, target, has_rates, unmapped)


def geometry_rows(wh: Warehouse, level: str, year: int) -> pl.DataFrame:
    return wh.geometries(level, year)


def series(wh: Warehouse, indicator_id: str, codes: tuple[str, ...], period_type: str | None = None) -> pl.DataFrame:
    """Every period of one indicator for the codes, with the build's rates where it made them."""
    frame = wh.series(indicator_id, list(codes))
    return frame.filter(pl.col("period_type") == period_type) if period_type else frame


def values_for(
    wh: Warehouse, indicator_id: str, level: str, period: date, period_type: str, codes: tuple[str, ...]
) -> pl.DataFrame:
    """``values`` for the chosen ``codes`` with a ``formed_later`` flag; at gemeente level, a gemeente formed after
    the period's year gets the figure the build carried back from its predecessors (``formed_later``, status
    ``derived``, ``computed_from`` lists them) where it made one: when the source lists every predecessor, or
    declares that a gemeente it leaves out has 0 (then also 0 when it lists none of them, as the Gemeente page
    shows). One that existed but is absent from the source stays without a row ("no data")."""
    frame = values(wh, indicator_id, level, period, period_type).filter(pl.col("code").is_in(list(codes)))
    # Which rows are a later gemeente's figure carried back (not every derived row: totals are derived too).
    frame = frame.with_columns(pl.lit(False).alias("formed_later"))
    if level != "gemeente":
        return frame
    absent = [c for c in codes if c not in set(frame["code"].to_list())]
    carried = (
        wh.carried(indicator_id, period, period_type)
        .filter(pl.col("code").is_in(absent))
        .unique("code", keep="first", maintain_order=True)
    )
    if carried.height == 0:
        return frame
    names = region_options(wh, "gemeente").select("code", "name", pl.col("last_year").alias("_last"))
    extra = (
        carried.join(names, on="code")
        .with_columns(
            pl.col("_last").cast(pl.Int32).alias("year"),
            pl.lit("derived").alias("status"),
            pl.lit(True).alias("formed_later"),
        )
        .select(frame.columns)
    )
    return pl.concat([frame, extra.cast(dict(frame.schema))], how="vertical")


def housing_months(wh: Warehouse, code: str) -> pl.DataFrame:
    """A gemeente's monthly realisation in the half-year with its cumulative total and pro-rata target.

    Columns: period, monthly, cumulative, target (cumulative pro-rata share of the corrected target).
    """
    monthly = wh.series("realisatie", [code]).filter(pl.col("period_type") == "month").sort("period")
    if monthly.height == 0:
        return pl.DataFrame()
    halves = wh.series("taakstelling_gecorrigeerd", [code]).filter(pl.col("period_type") == "half")
    rows = []
    for half_start, target in halves.select("period", "value").iter_rows():
        schedule = metrics.pro_rata(target, 6)
        cumulative = 0.0
        for period, value, source_id in monthly.select("period", "value", "source_id").iter_rows():
            index = (period.year - half_start.year) * 12 + period.month - half_start.month
            if not 0 <= index < 6:
                continue
            cumulative += value
            rows.append(
                {
                    "code": code,
                    "period": period,
                    "monthly": value,
                    "cumulative": cumulative,
                    "target": schedule[index],
                    "corrected_target": target,
                    "source_id": source_id,
                }
            )
    return pl.DataFrame(rows) if rows else pl.DataFrame()


def province_totals(wh: Warehouse, period: date, period_type: str, indicator_ids: tuple[str, ...]) -> pl.DataFrame:
    """One row per provincie with the given sum indicators side by side, plus the country."""
    frames = []
    for indicator_id in indicator_ids:
        for level in ("provincie", "land"):
            part = wh.observations(indicator_id, level, period, period_type).select(
                "code", "name", "value", "source_id", "status"
            )
            frames.append(part.with_columns(pl.lit(indicator_id).alias("indicator_id")))
    if not frames:
        return pl.DataFrame()
    long = pl.concat(frames, how="vertical")
    if long.height == 0:
        return long
    wide = long.pivot(on="indicator_id", index=["code", "name"], values="value")
    meta = long.group_by("code").agg(pl.col("source_id").first(), pl.col("status").first())
    return wide.join(meta, on="code").sort(pl.col("code") == NATIONAL, "name")


def coa_locations(wh: Warehouse) -> pl.DataFrame:
    return wh.coa_locations()


def national_series(wh: Warehouse, indicator_id: str) -> pl.DataFrame:
    return wh.series(indicator_id, [NATIONAL]).sort("period")


def largest_gemeente(wh: Warehouse) -> str | None:
    """The most populous gemeente in the latest population year: a neutral default for ``gm``."""
    years = population_years(wh)
    if not years:
        return None
    frame = population(wh, years[-1], "gemeente").sort("population", descending=True)
    return frame["code"][0] if frame.height else None


def largest(wh: Warehouse, level: str, n: int) -> list[str]:
    """The ``n`` most populous regions at ``level`` in the latest population year (a default selection)."""
    years = population_years(wh, level)
    if not years:
        return []
    frame = population(wh, years[-1], level).sort("population", descending=True)
    return frame["code"].head(n).to_list()
