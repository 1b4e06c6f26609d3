"""Lookups over the warehouse's catalogue and indexes: indicators, periods, regions and their names, sources,
the crosswalk's new gemeenten. No figures are computed here (the ETL computes every figure once); each
function takes a ``Warehouse`` first and only plain, hashable arguments after it, so the UI layer can cache
each call by its arguments.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import date

import polars as pl

from contract.periods import period_end
from dashboard.db import Warehouse


def _per_warehouse(fn: Callable) -> Callable:
    """Remember ``fn(wh, *args)`` on the warehouse object: a gemeente profile asks for the same level-wide
    frames (values, populations, parents) for every indicator. Results are shared: callers never mutate."""

    @functools.wraps(fn)
    def remembered(wh: Warehouse, *args):
        return wh.remember(fn, *args)

    return remembered


POPULATION = "bevolking"


NATIONAL = "NL01"


def indicators(wh: Warehouse) -> pl.DataFrame:
    return wh.indicators()


@_per_warehouse
def catalogue(wh: Warehouse) -> dict[str, dict]:
    """indicator id -> its catalogue row."""
    return {row["id"]: row for row in wh.indicators().to_dicts()}


def indicator_info(wh: Warehouse, indicator_id: str) -> dict:
    return catalogue(wh).get(indicator_id, {})


@_per_warehouse
def availability(wh: Warehouse) -> pl.DataFrame:
    """indicator_id, level, period, period_type, region_year, n: what the warehouse holds (ratios included:
    the build computes them at every level)."""
    return wh.availability()


@_per_warehouse
def _period_index(wh: Warehouse) -> dict[tuple[str, str], list[tuple[date, str]]]:
    """(indicator, level) -> its (start, type) periods, oldest first: one pass over ``availability`` per
    warehouse, so the pages look periods up instead of filtering a frame on every run."""
    rows = availability(wh).select("indicator_id", "level", "period", "period_type").unique()
    index: dict[tuple[str, str], list[tuple[date, str]]] = {}
    for indicator_id, level, period, period_type in rows.sort("period", "period_type").iter_rows():
        index.setdefault((indicator_id, level), []).append((period, period_type))
    return index


def periods(wh: Warehouse, indicator_id: str, level: str) -> list[tuple[date, str]]:
    """The (start, type) periods of an indicator at a level, oldest first."""
    return list(_period_index(wh).get((indicator_id, level), ()))


@_per_warehouse
def theme_indicators(wh: Warehouse, theme: str, level: str) -> list[str]:
    """Indicators of a theme that hold data at ``level``, in catalogue order."""
    have = set(availability(wh).filter(pl.col("level") == level)["indicator_id"].to_list())
    return [i for i in wh.indicators().filter(pl.col("theme") == theme)["id"].to_list() if i in have]


@_per_warehouse
def region_options(wh: Warehouse, level: str) -> pl.DataFrame:
    """One row per region code at ``level``: its latest name, first and last year (for 'until 2015')."""
    regions = wh.regions(level)
    if regions.height == 0:
        return pl.DataFrame(
            schema={"code": pl.String, "name": pl.String, "first_year": pl.Int32, "last_year": pl.Int32}
        )
    latest_year = regions["year"].max()
    return (
        regions.sort("year")
        .group_by("code")
        .agg(
            pl.col("name").last().alias("name"),
            pl.col("year").min().alias("first_year"),
            pl.col("year").max().alias("last_year"),
        )
        .with_columns((pl.col("last_year") < latest_year).alias("former"))
        .sort("name", "code")
    )


@_per_warehouse
def provincie_of(wh: Warehouse, year: int) -> dict[str, str]:
    """gemeente code -> provincie code for one year."""
    parents = wh.parents("provincie").filter(pl.col("year") == year)
    return dict(parents.select("code", "parent_code").iter_rows())


@_per_warehouse
def region_names(wh: Warehouse, level: str, year: int) -> dict[str, str]:
    regions = wh.regions(level).filter(pl.col("year") == year)
    return dict(regions.select("code", "name").iter_rows())


def population_years(wh: Warehouse, level: str = "gemeente") -> list[int]:
    return sorted({p.year for p, _ in periods(wh, POPULATION, level)})


TYPE_RANK = {"year": 0, "half": 1, "quarter": 2, "month": 3, "day": 4}


def newest_period(options: list[tuple[date, str]]) -> tuple[date, str] | None:
    """The latest of some periods: the latest start, and on one start the longest type (a half-year before a month)."""
    if not options:
        return None
    return max(options, key=lambda p: (p[0], -TYPE_RANK.get(p[1], 9)))


def latest_period(wh: Warehouse, indicator_id: str, level: str, before: date | None = None) -> tuple[date, str] | None:
    """The latest period (on the same start date the longest period type: a half-year before its first month)."""
    options = periods(wh, indicator_id, level)
    if before is not None:
        options = [p for p in options if p[0] <= before]
    return newest_period(options)


def newest_year(wh: Warehouse, indicator_ids: Sequence[str], level: str) -> tuple[str, tuple[date, str] | None]:
    """Of several indicators that measure one thing, the one with the newest whole year at ``level``, and that year;
    the first indicator and None when none has a year."""
    years = [(i, p) for i in indicator_ids for p in periods(wh, i, level) if p[1] == "year"]
    return max(years, key=lambda pair: pair[1][0], default=(indicator_ids[0], None))


def period_in_year(wh: Warehouse, indicator_id: str, level: str, year: int | None) -> tuple[date, str] | None:
    """The latest period of an indicator (within ``year`` if given), preferring the longest period type."""
    options = periods(wh, indicator_id, level)
    if year is not None:
        options = [p for p in options if p[0].year == year]
    return newest_period(options)


@_per_warehouse
def data_years(wh: Warehouse, level: str) -> list[int]:
    """Every year in which the warehouse holds anything at ``level``."""
    return sorted({p.year for (_, at), held in _period_index(wh).items() if at == level for p, _ in held})


@_per_warehouse
def theme_latest(wh: Warehouse, theme: str, level: str | None = None) -> tuple[date, str, str, str] | None:
    """The newest figure of a theme (at ``level``, else at any level), by the day it describes: (start, type,
    indicator id, level), or None. The indicator and level let a page say what that figure is: the newest
    'opvang' figure may be a national count while the newest per gemeente is years older."""
    ids = set(wh.indicators().filter(pl.col("theme") == theme)["id"].to_list())
    held = [
        (*period, indicator_id, at)
        for (indicator_id, at), periods_ in _period_index(wh).items()
        if indicator_id in ids and (level is None or at == level)
        for period in periods_
    ]
    # On the same day, the finer level (a gemeente figure over the national one) says the most.
    finer = {"gemeente": 0, "provincie": 1, "land": 2}
    return max(held, key=lambda p: (period_end(p[0], p[1]), -finer.get(p[3], 3)), default=None)


@_per_warehouse
def theme_coverage(wh: Warehouse, theme: str) -> dict[str, list[tuple[date, str]]]:
    """The periods a theme holds per gemeente, and the periods it holds only for the country: what the coverage
    sentence on the home page says, computed from the warehouse instead of written by hand."""
    ids = set(wh.indicators().filter(pl.col("theme") == theme)["id"].to_list())
    index = _period_index(wh)
    gemeente = {p for (i, level), held in index.items() if i in ids and level == "gemeente" for p in held}
    land = {p for (i, level), held in index.items() if i in ids and level == "land" for p in held}
    return {"gemeente": sorted(gemeente), "land": sorted(land - gemeente)}


def theme_gemeente_count(wh: Warehouse, theme: str, period: date, period_type: str) -> int:
    """For how many gemeenten a theme holds a figure in one period (its best-covered indicator then)."""
    ids = set(wh.indicators().filter(pl.col("theme") == theme)["id"].to_list())
    held = availability(wh).filter(
        pl.col("indicator_id").is_in(list(ids))
        & (pl.col("level") == "gemeente")
        & (pl.col("period") == period)
        & (pl.col("period_type") == period_type)
    )
    return int(held["n"].max() or 0) if held.height else 0


def geometry_year(wh: Warehouse, level: str, year: int) -> int | None:
    """The year whose boundaries show regions of ``year``: the same year, else the nearest later one."""
    years = sorted(wh.geometry_years().filter(pl.col("level") == level)["year"].to_list())
    if not years:
        return None
    if year in years:
        return year
    later = [y for y in years if y > year]
    return later[0] if later else years[-1]


@_per_warehouse
def formed_after(wh: Warehouse, year: int) -> dict[str, list[tuple[str, str, float]]]:
    """Today's gemeenten that did not exist yet in ``year`` -> the gemeenten of ``year`` they were formed
    from (code, name, share of that gemeente's area now in it), largest share first."""
    latest = wh.crosswalk_years().get(year)
    if latest is None:
        return {}
    names = region_names(wh, "gemeente", year)
    out: dict[str, list[tuple[str, str, float]]] = {}
    for from_code, to_code, weight in wh.crosswalk(year, latest).sort("weight", descending=True).iter_rows():
        if to_code not in names:
            out.setdefault(to_code, []).append((from_code, names.get(from_code, from_code), weight))
    return out


def series_codes(wh: Warehouse, indicator_id: str, level: str) -> list[str]:
    """Codes that can be compared on an indicator."""
    return wh.indicator_codes(indicator_id, level)


# The chain on the Overzicht page: each theme's main indicator (None: the first the warehouse holds).
CHAIN: tuple[tuple[str, str | None], ...] = (
    ("opvang", "coa_plaatsen"),
    ("huisvesting", "realisatie_pct"),
    ("integratie", None),
)


def chain_indicator(wh: Warehouse, theme: str, level: str) -> str | None:
    preferred = dict(CHAIN).get(theme)
    held = theme_indicators(wh, theme, level)
    if preferred in held:
        return preferred
    return held[0] if held else None


def chain_years(wh: Warehouse, level: str) -> list[int]:
    """Years in which at least one theme of the chain has data at ``level``."""
    years: set[int] = set()
    for theme, _ in CHAIN:
        indicator_id = chain_indicator(wh, theme, level)
        if indicator_id:
            years |= {p.year for p, _ in periods(wh, indicator_id, level)}
    return sorted(years)


def gaps(wh: Warehouse, theme: str) -> pl.DataFrame:
    return wh.data_gaps().filter(pl.col("theme") == theme)


@_per_warehouse
def source_index(wh: Warehouse) -> dict[str, dict]:
    """source id -> its row, for the source line under every figure."""
    return {row["id"]: row for row in wh.sources().to_dicts()}


def sources(wh: Warehouse) -> pl.DataFrame:
    return wh.sources()


def build_info(wh: Warehouse) -> dict[str, str]:
    return wh.build_info()


def revisions(wh: Warehouse) -> pl.DataFrame:
    return wh.revisions()


def all_observations(wh: Warehouse) -> pl.DataFrame:
    return wh.all_observations()


def data_gaps(wh: Warehouse) -> pl.DataFrame:
    return wh.data_gaps()


def region_parents(wh: Warehouse) -> pl.DataFrame:
    """code, year, name, level, provincie code and name: the regions download on the Bronnen page."""
    regions = pl.concat([wh.regions(level) for level in ("gemeente", "provincie", "land")], how="vertical")
    parents = wh.parents("provincie").rename({"parent_code": "provincie_code"})
    names = wh.regions("provincie").select(
        pl.col("code").alias("provincie_code"), "year", pl.col("name").alias("provincie_name")
    )
    return (
        regions.join(parents, on=["code", "year"], how="left")
        .join(names, on=["provincie_code", "year"], how="left")
        .sort("level", "code", "year")
    )
