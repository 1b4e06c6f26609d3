"""A gemeente next to its provincie, gemeenten of similar size and the country (the Gemeente page), and its
profile over the themes. The figures are the warehouse's (carried-back figures of gemeenten formed later
included); what is computed here are the comparisons themselves: means per gemeente, the peers' median."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl

from contract.derived import ZERO_FILL
from dashboard import metrics
from dashboard.db import Warehouse
from dashboard.lookup import (
    NATIONAL,
    POPULATION,
    TYPE_RANK,
    _per_warehouse,
    formed_after,
    indicator_info,
    periods,
    provincie_of,
    region_names,
    region_options,
    theme_indicators,
)
from dashboard.values import population, values


@dataclass
class Comparison:
    """A gemeente's value next to its provincie, gemeenten of similar size and the country."""

    indicator_id: str
    period: date
    period_type: str
    basis: str  # rate | pct | abs
    gemeente: float | None
    gemeente_abs: float | None
    provincie: float | None
    provincie_code: str | None
    peers: float | None
    peer_count: int
    peer_band: int | None
    peer_year: int | None
    national: float | None
    source_ids: list[str]
    population_source_ids: list[str]
    zero_filled: bool = False  # gemeenten the source does not list counted as 0, as in its totals
    # A gemeente that did not exist yet in the period's year: its value is built from the gemeenten it was
    # formed from (code, name, share of their area that lies in it), through the crosswalk.
    predecessors: list[tuple[str, str, float]] = field(default_factory=list)
    listed_only: bool = False  # a selection: means and peers are over the gemeenten the source names


def compare(wh: Warehouse, indicator_id: str, period: date, period_type: str, code: str) -> Comparison | None:
    info = indicator_info(wh, indicator_id)
    gm = values(wh, indicator_id, "gemeente", period, period_type)
    own = gm.filter(pl.col("code") == code)
    if gm.height == 0:
        return None
    region_year = int(own["year"][0]) if own.height else int(gm["year"].mode().sort()[0])
    pv_code = provincie_of(wh, region_year).get(code)
    pv = values(wh, indicator_id, "provincie", period, period_type)
    nl = values(wh, indicator_id, "land", period, period_type)
    pop_all, peer_year = _size_population(wh, region_year, period.year)
    pop_all, predecessors = _with_formed_later(wh, pop_all, peer_year, code)
    peer_codes = [c for c in metrics.peers(pop_all, code) if c not in predecessors]
    everyone = gm.select("code", "year", "value", "rate")
    # A complete list's 0 for the gemeenten it leaves out is in the warehouse (etl/derive.py): say so.
    zero_filled = bool((gm["computed_from"] == ZERO_FILL).any())
    # A selection (absence not declared zero) that leaves gemeenten out: its means and peers are over the
    # gemeenten it names, and the page says so.
    listed_only = (
        info.get("aggregation") == "sum"
        and not zero_filled
        and everyone.height < len(region_names(wh, "gemeente", region_year))
    )
    peer_rows = everyone.filter(pl.col("code").is_in(peer_codes))

    if info.get("per_1000") and gm["rate"].is_not_null().any():
        basis, column = "rate", "rate"
    elif info.get("unit") == "procent":
        basis, column = "pct", "value"
    else:
        basis, column = "abs", "value"

    def first(frame: pl.DataFrame, col: str) -> float | None:
        return frame[col][0] if frame.height and frame[col][0] is not None else None

    carried = _carried(wh, indicator_id, region_year, period, period_type, code) if own.height == 0 else None
    if carried is not None:
        own = pl.DataFrame(
            {"value": [carried.value], "rate": [carried.rate]}, schema={"value": pl.Float64, "rate": pl.Float64}
        )
        pv_code = pv_code or _provincie_today(wh, code)
    gemeente = first(own, column)
    provincie = first(pv.filter(pl.col("code") == pv_code), column) if pv_code else None
    national = first(nl.filter(pl.col("code") == NATIONAL), column)
    if basis == "abs":
        # An absolute total of a provincie is not comparable with one gemeente: use the mean per gemeente.
        parents = pl.DataFrame(list(provincie_of(wh, region_year).items()), schema=["code", "parent"], orient="row")
        in_pv = everyone.join(parents, on="code", how="left").filter(pl.col("parent") == pv_code)
        provincie = in_pv["value"].mean() if pv_code and in_pv.height else None
        national = everyone["value"].mean()
    peers = peer_rows[column].drop_nulls().median() if peer_rows.height else None
    sources = [s for s in dict.fromkeys(gm["source_id"].to_list()) if s]
    pop_sources = (
        [s for s in dict.fromkeys(gm["population_source_id"].drop_nulls().to_list()) if s] if basis == "rate" else []
    )
    band = metrics.size_band(first(pop_all.filter(pl.col("code") == code), "population")) if pop_all.height else None
    return Comparison(
        indicator_id,
        period,
        period_type,
        basis,
        gemeente,
        first(own, "value"),
        provincie,
        pv_code,
        peers,
        peer_rows[column].drop_nulls().len(),
        band,
        peer_year,
        national,
        sources,
        pop_sources,
        zero_filled,
        carried.predecessors if carried is not None else [],
        listed_only,
    )


@dataclass(frozen=True)
class Carried:
    """The figure the build carried back to a gemeente formed after the period's year (table
    ``observation_carried``), and the gemeenten it was formed from (code, name, share of their area)."""

    value: float | None
    rate: float | None
    predecessors: list[tuple[str, str, float]]


def _carried(
    wh: Warehouse, indicator_id: str, region_year: int, period: date, period_type: str, code: str
) -> Carried | None:
    """None unless ``code`` is a gemeente formed after ``region_year`` that the crosswalk links to gemeenten
    of that year; then its carried figure (None where the build could make none: an indicator that does not
    add up, or no figures in that year)."""
    predecessors = formed_after(wh, region_year).get(code)
    if not predecessors:
        return None  # it existed then (its own figure, or none, never its neighbours'), or no crosswalk
    row = _carried_row(wh, indicator_id, period, period_type, code, region_year)
    return Carried(row.get("value"), row.get("rate"), predecessors)


def _carried_row(wh: Warehouse, indicator_id: str, period: date, period_type: str, code: str, year: int) -> dict:
    rows = wh.carried(indicator_id, period, period_type).filter(
        (pl.col("code") == code) & (pl.col("from_year") == year)
    )
    return rows.row(0, named=True) if rows.height else {}


def _with_formed_later(
    wh: Warehouse, pop_all: pl.DataFrame, year: int | None, code: str
) -> tuple[pl.DataFrame, set[str]]:
    """``pop_all`` (the size-class populations of ``year``) plus ``code`` if it was formed after that year:
    its size is that of its predecessors together (carried back by the build, only where every predecessor
    has a population), who are then no peers of it. Returns the frame and the predecessors' codes."""
    if year is None or code in set(pop_all["code"].to_list()):
        return pop_all, set()
    parts = formed_after(wh, year).get(code)
    row = _carried_row(wh, POPULATION, date(year, 1, 1), "year", code, year) if parts else {}
    if not row or row["inputs_listed"] < row["inputs"]:
        return pop_all, set()
    extra = pl.DataFrame({"code": [code], "population": [row["value"]]}, schema=pop_all.schema)
    return pl.concat([pop_all, extra]), {c for c, _, _ in parts}


def _provincie_today(wh: Warehouse, code: str) -> str | None:
    years = region_options(wh, "gemeente").filter(pl.col("code") == code)["last_year"].to_list()
    return provincie_of(wh, years[0]).get(code) if years else None


@_per_warehouse
def _size_population(wh: Warehouse, region_year: int, year: int) -> tuple[pl.DataFrame, int | None]:
    """Populations to find similar-size gemeenten: the period's year, else the nearest year that has one."""
    years = sorted({p.year for p in wh.series(POPULATION, [NATIONAL])["period"].to_list()})
    if not years:
        return pl.DataFrame(schema={"code": pl.String, "population": pl.Float64}), None
    best = min(years, key=lambda y: (abs(y - year), y > year))
    return population(wh, best, "gemeente").select("code", "population"), best


PROFILE_THEMES = ("context", "opvang", "huisvesting", "integratie")


def profile_period(wh: Warehouse, indicator_id: str, code_periods: list[tuple[date, str]]) -> tuple[date, str] | None:
    """The period a profile shows: the longest period type the indicator has at gemeente level (a half-year
    total rather than its months), latest first; the gemeente's own periods win when it has any."""
    options = periods(wh, indicator_id, "gemeente")
    own = [p for p in options if p in set(code_periods)]
    pool = own or options
    if not pool:
        return None
    best_type = min({k for _, k in pool}, key=lambda k: TYPE_RANK.get(k, 9))
    return max(p for p in pool if p[1] == best_type)


def profile(wh: Warehouse, code: str) -> list[dict]:
    """One row per theme indicator for a gemeente: its period and the comparison (None if no data at all)."""
    own = wh.region_observations(code)
    rows = []
    for theme in PROFILE_THEMES:
        for indicator_id in theme_indicators(wh, theme, "gemeente"):
            code_periods = list(
                own.filter(pl.col("indicator_id") == indicator_id).select("period", "period_type").iter_rows()
            )
            period = profile_period(wh, indicator_id, code_periods)
            if period is None:
                continue
            rows.append(
                {
                    "theme": theme,
                    "indicator_id": indicator_id,
                    "period": period[0],
                    "period_type": period[1],
                    "comparison": compare(wh, indicator_id, period[0], period[1], code),
                }
            )
    return rows
