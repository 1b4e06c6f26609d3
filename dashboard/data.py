"""The frames the pages show, assembled from warehouse queries (no Streamlit, no formatting).

Every function takes a ``Warehouse`` first and only plain, hashable arguments after it, so the UI layer can
cache each call by its arguments.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from contract.periods import period_end
from dashboard import metrics
from dashboard.db import Warehouse

POPULATION = "bevolking"
NATIONAL = "NL01"
# Indicators that are a share of two summable ones; where the warehouse stores no value at a level (e.g. a
# provincie), the share is computed from the two sums there.
RATIOS: dict[str, tuple[str, str]] = {"realisatie_pct": ("realisatie", "taakstelling_gecorrigeerd")}
MAP_LEVELS = ("gemeente", "provincie")


def _per_warehouse(fn: Callable) -> Callable:
    """Remember ``fn(wh, *args)`` on the warehouse object: a gemeente profile asks for the same level-wide
    frames (values, populations, parents) for every indicator. Results are shared: callers never mutate."""

    @functools.wraps(fn)
    def remembered(wh: Warehouse, *args):
        return wh.remember(fn, *args)

    return remembered


# --- catalogue ---------------------------------------------------------------------------------------------


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
    """indicator_id, level, period, period_type, region_year, n — plus computable ratios at other levels."""
    avail = wh.availability()
    extra = []
    for ratio, (numerator, denominator) in RATIOS.items():
        have = avail.filter(pl.col("indicator_id") == ratio).select("level", "period", "period_type")
        parts = avail.filter(pl.col("indicator_id") == numerator).join(
            avail.filter(pl.col("indicator_id") == denominator).select("level", "period", "period_type"),
            on=["level", "period", "period_type"],
        )
        missing = parts.join(have, on=["level", "period", "period_type"], how="anti")
        extra.append(missing.with_columns(pl.lit(ratio).alias("indicator_id")).select(avail.columns))
    return pl.concat([avail, *extra], how="vertical").sort(["indicator_id", "level", "period"])


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


# --- population and rates ----------------------------------------------------------------------------------


@_per_warehouse
def population(wh: Warehouse, year: int, level: str) -> pl.DataFrame:
    """code, year (region year), population, population_source_id on 1 January of ``year``."""
    frame = wh.observations(POPULATION, level, date(year, 1, 1), "year")
    return frame.select(
        "code", "year", pl.col("value").alias("population"), pl.col("source_id").alias("population_source_id")
    )


def population_years(wh: Warehouse, level: str = "gemeente") -> list[int]:
    return sorted({p.year for p, _ in periods(wh, POPULATION, level)})


@_per_warehouse
def values(wh: Warehouse, indicator_id: str, level: str, period: date, period_type: str) -> pl.DataFrame:
    """code, year, name, value, source_id, status, population, population_source_id, rate.

    ``rate`` is per 1,000 inhabitants on 1 January of the period's year, only where the indicator is
    meant to be read per inhabitant and that population exists for the same region year.
    """
    frame = wh.observations(indicator_id, level, period, period_type)
    if frame.height == 0 and indicator_id in RATIOS:
        frame = _ratio(wh, indicator_id, level, period, period_type)
    info = indicator_info(wh, indicator_id)
    if info.get("per_1000"):
        frame = metrics.add_rates(frame, population(wh, period.year, level))
    else:
        frame = _without_rates(frame)
    return frame


def _without_rates(frame: pl.DataFrame) -> pl.DataFrame:
    """The population and rate columns of ``values``, empty: an indicator not read per inhabitant."""
    return frame.with_columns(
        pl.lit(None, dtype=pl.Float64).alias("population"),
        pl.lit(None, dtype=pl.String).alias("population_source_id"),
        pl.lit(None, dtype=pl.Float64).alias("rate"),
    )


def _ratio(wh: Warehouse, indicator_id: str, level: str, period: date, period_type: str) -> pl.DataFrame:
    numerator, denominator = RATIOS[indicator_id]
    top = wh.observations(numerator, level, period, period_type)
    bottom = wh.observations(denominator, level, period, period_type).select(
        "code", "year", pl.col("value").alias("_den")
    )
    return (
        top.join(bottom, on=["code", "year"])
        .filter(pl.col("_den") > 0)
        .with_columns((pl.col("value") / pl.col("_den") * 100.0).alias("value"), pl.lit("derived").alias("status"))
        .drop("_den")
    )


# --- maps --------------------------------------------------------------------------------------------------


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


def geometry_year(wh: Warehouse, level: str, year: int) -> int | None:
    """The year whose boundaries show regions of ``year``: the same year, else the nearest later one."""
    years = sorted(wh.geometry_years().filter(pl.col("level") == level)["year"].to_list())
    if not years:
        return None
    if year in years:
        return year
    later = [y for y in years if y > year]
    return later[0] if later else years[-1]


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


# --- single region -----------------------------------------------------------------------------------------

_TYPE_RANK = {"year": 0, "half": 1, "quarter": 2, "month": 3, "day": 4}


def _latest(options: list[tuple[date, str]]) -> tuple[date, str] | None:
    if not options:
        return None
    return max(options, key=lambda p: (p[0], -_TYPE_RANK.get(p[1], 9)))


def latest_period(wh: Warehouse, indicator_id: str, level: str, before: date | None = None) -> tuple[date, str] | None:
    """The latest period (on the same start date the longest period type: a half-year before its first month)."""
    options = periods(wh, indicator_id, level)
    if before is not None:
        options = [p for p in options if p[0] <= before]
    return _latest(options)


def series(wh: Warehouse, indicator_id: str, codes: tuple[str, ...], period_type: str | None = None) -> pl.DataFrame:
    """Every period of one indicator for the codes, with rates where a population exists for that year."""
    frame = wh.series(indicator_id, list(codes))
    if period_type:
        frame = frame.filter(pl.col("period_type") == period_type)
    info = indicator_info(wh, indicator_id)
    if info.get("per_1000") and frame.height:
        years = sorted({p.year for p in frame["period"].to_list()})
        pops = wh.series(POPULATION, list(codes)).filter(pl.col("period_type") == "year")
        pops = pops.filter(pl.col("period").dt.year().is_in(years)).select(
            "code", "year", pl.col("value").alias("population"), pl.col("source_id").alias("population_source_id")
        )
        frame = metrics.add_rates(frame, pops)
    else:
        frame = _without_rates(frame)
    return frame


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
    everyone = _complete(wh, gm, info, region_year, period.year)
    zero_filled = everyone.height > gm.height
    peer_rows = everyone.filter(pl.col("code").is_in(peer_codes))

    if info.get("per_1000") and gm["rate"].is_not_null().any():
        basis, column = "rate", "rate"
    elif info.get("unit") == "procent":
        basis, column = "pct", "value"
    else:
        basis, column = "abs", "value"

    def first(frame: pl.DataFrame, col: str) -> float | None:
        return frame[col][0] if frame.height and frame[col][0] is not None else None

    if own.height == 0 and zero_filled:
        own = everyone.filter(pl.col("code") == code)  # listed nowhere in the source: 0, as in its totals
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
    )


def values_for(
    wh: Warehouse, indicator_id: str, level: str, period: date, period_type: str, codes: tuple[str, ...]
) -> pl.DataFrame:
    """``values`` for the chosen ``codes``; at gemeente level, a gemeente formed after the period's year gets
    its predecessors' figure (status ``derived``, ``computed_from`` lists them). One that existed but is
    absent from the source stays without a row ("no data")."""
    frame = values(wh, indicator_id, level, period, period_type).filter(pl.col("code").is_in(list(codes)))
    frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias("computed_from"))
    gm = values(wh, indicator_id, "gemeente", period, period_type)
    if level != "gemeente" or gm.height == 0:
        return frame
    region_year = int(gm["year"].mode().sort()[0])
    people = population(wh, period.year, "gemeente")
    listed = set(gm["code"].to_list())
    extra = []
    absent = [c for c in codes if c not in set(frame["code"].to_list())]
    for code, name, last_year in (
        region_options(wh, "gemeente")
        .filter(pl.col("code").is_in(absent))
        .select("code", "name", "last_year")
        .iter_rows()
    ):
        carried = _carried(wh, indicator_id, region_year, period, period_type, code)
        if carried is None or carried.value is None or not listed & {c for c, _, _ in carried.predecessors}:
            continue  # as for a gemeente that existed: none of its predecessors in the source is no data
        extra.append(
            {
                "code": code,
                "year": last_year,
                "name": name,
                "value": carried.value,
                "source_id": gm["source_id"][0],
                "status": "derived",
                "population": carried.population,
                "population_source_id": people["population_source_id"][0] if carried.population is not None else None,
                "rate": carried.rate,
                "computed_from": ";".join(f"{c}:{w:.3f}" for c, _, w in carried.predecessors),
            }
        )
    return pl.concat([frame, pl.DataFrame(extra, schema=frame.schema)], how="vertical") if extra else frame


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


@dataclass(frozen=True)
class Carried:
    """The figure of a gemeente formed after the period's year, carried back from the gemeenten it was
    formed from: ``links`` (from_code, weight) and ``predecessors`` (code, name, share of their area)."""

    value: float | None
    rate: float | None
    population: float | None  # the shared population behind ``rate``
    links: pl.DataFrame
    predecessors: list[tuple[str, str, float]]


def _carried(
    wh: Warehouse, indicator_id: str, region_year: int, period: date, period_type: str, code: str
) -> Carried | None:
    """None unless ``code`` is a gemeente formed after ``region_year`` that the crosswalk links to gemeenten
    of that year. Sums add up their shares; a rate divides the shared sum by the shared population; a ratio
    (percentage realised) divides the shared numerator by the shared denominator; other indicators have no
    carried value."""
    predecessors = formed_after(wh, region_year).get(code)
    if not predecessors:
        return None  # it existed then (its own figure, or none, never its neighbours'), or no crosswalk
    links = _links(predecessors)

    def shared(indicator: str, column: str = "value") -> float | None:
        complete = _complete(
            wh,
            values(wh, indicator, "gemeente", period, period_type),
            indicator_info(wh, indicator),
            region_year,
            period.year,
        )
        return _shared_sum(links, complete, column)

    value = rate = people = None
    info = indicator_info(wh, indicator_id)
    if indicator_id in RATIOS:
        numerator, denominator = (shared(part) for part in RATIOS[indicator_id])
        value = numerator / denominator * 100.0 if numerator is not None and denominator else None
    elif info.get("aggregation") == "sum":
        value = shared(indicator_id)
        if value is not None and info.get("per_1000"):
            people = _shared_sum(links, population(wh, period.year, "gemeente"), "population")
            rate = value / people * 1000.0 if people else None
    return Carried(value, rate, people if rate is not None else None, links, predecessors)


def _shared_sum(links: pl.DataFrame, frame: pl.DataFrame, column: str) -> float | None:
    """Sum of ``frame[column]`` over the predecessors in ``links`` (from_code, weight), each times its share;
    None when a predecessor has no figure (no honest total)."""
    joined = links.join(frame.select(pl.col("code").alias("from_code"), column), on="from_code", how="inner")
    if joined.height < links.height or joined[column].is_null().any():
        return None
    return float((joined["weight"] * joined[column]).sum())


def _links(parts: list[tuple[str, str, float]]) -> pl.DataFrame:
    """Predecessors (code, name, share) as the from_code, weight frame ``_shared_sum`` adds up over."""
    return pl.DataFrame(
        [(c, w) for c, _, w in parts], schema={"from_code": pl.String, "weight": pl.Float64}, orient="row"
    )


def _with_formed_later(
    wh: Warehouse, pop_all: pl.DataFrame, year: int | None, code: str
) -> tuple[pl.DataFrame, set[str]]:
    """``pop_all`` (the size-class populations of ``year``) plus ``code`` if it was formed after that year:
    its size is that of its predecessors together, who are then no peers of it. Returns the frame and the
    predecessors' codes."""
    if year is None or code in set(pop_all["code"].to_list()):
        return pop_all, set()
    parts = formed_after(wh, year).get(code)
    if not parts:
        return pop_all, set()
    links = _links(parts)
    shared = _shared_sum(links, pop_all, "population")
    if shared is None:
        return pop_all, set()
    extra = pl.DataFrame({"code": [code], "population": [shared]}, schema=pop_all.schema)
    return pl.concat([pop_all, extra]), set(links["from_code"].to_list())


def _provincie_today(wh: Warehouse, code: str) -> str | None:
    years = region_options(wh, "gemeente").filter(pl.col("code") == code)["last_year"].to_list()
    return provincie_of(wh, years[0]).get(code) if years else None


def _complete(wh: Warehouse, gm: pl.DataFrame, info: dict, region_year: int, year: int) -> pl.DataFrame:
    """For a 'sum' indicator, every gemeente of the region year, 0 where the source lists none.

    The provincie and land totals are sums in which an unlisted gemeente adds nothing; peers and means are
    taken over the same complete set so all four numbers on the Gemeente page agree with each other.
    """
    if info.get("aggregation") != "sum":
        return gm
    names = region_names(wh, "gemeente", region_year)
    missing = sorted(set(names) - set(gm["code"].to_list()))
    if not missing:
        return gm
    extra = pl.DataFrame(
        {"code": missing, "year": [region_year] * len(missing), "value": [0.0] * len(missing)},
        schema={"code": pl.String, "year": pl.Int32, "value": pl.Float64},
    )
    if info.get("per_1000"):
        extra = metrics.add_rates(extra, population(wh, year, "gemeente"))
    else:
        extra = extra.with_columns(pl.lit(None, dtype=pl.Float64).alias("rate"))
    return pl.concat([gm.select("code", "year", "value", "rate"), extra.select("code", "year", "value", "rate")])


@_per_warehouse
def _size_population(wh: Warehouse, region_year: int, year: int) -> tuple[pl.DataFrame, int | None]:
    """Populations to find similar-size gemeenten: the period's year, else the nearest year that has one."""
    years = sorted({p.year for p in wh.series(POPULATION, [NATIONAL])["period"].to_list()})
    if not years:
        return pl.DataFrame(schema={"code": pl.String, "population": pl.Float64}), None
    best = min(years, key=lambda y: (abs(y - year), y > year))
    return population(wh, best, "gemeente").select("code", "population"), best


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


def largest_gemeente(wh: Warehouse) -> str | None:
    """The most populous gemeente in the latest population year: a neutral default for ``gm``."""
    years = population_years(wh)
    if not years:
        return None
    frame = population(wh, years[-1], "gemeente").sort("population", descending=True)
    return frame["code"][0] if frame.height else None


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


def period_in_year(wh: Warehouse, indicator_id: str, level: str, year: int | None) -> tuple[date, str] | None:
    """The latest period of an indicator (within ``year`` if given), preferring the longest period type."""
    options = periods(wh, indicator_id, level)
    if year is not None:
        options = [p for p in options if p[0].year == year]
    return _latest(options)


def chain_years(wh: Warehouse, level: str) -> list[int]:
    """Years in which at least one theme of the chain has data at ``level``."""
    years: set[int] = set()
    for theme, _ in CHAIN:
        indicator_id = chain_indicator(wh, theme, level)
        if indicator_id:
            years |= {p.year for p, _ in periods(wh, indicator_id, level)}
    return sorted(years)


def largest(wh: Warehouse, level: str, n: int) -> list[str]:
    """The ``n`` most populous regions at ``level`` in the latest population year (a default selection)."""
    years = population_years(wh, level)
    if not years:
        return []
    frame = population(wh, years[-1], level).sort("population", descending=True)
    return frame["code"].head(n).to_list()


@_per_warehouse
def data_years(wh: Warehouse, level: str) -> list[int]:
    """Every year in which the warehouse holds anything at ``level``."""
    return sorted({p.year for (_, at), held in _period_index(wh).items() if at == level for p, _ in held})


PROFILE_THEMES = ("context", "opvang", "huisvesting", "integratie")


@_per_warehouse
def theme_latest(wh: Warehouse, theme: str) -> tuple[date, str] | None:
    """The newest period a theme holds at any level, by the day its figure describes: (start, type) or None."""
    ids = set(wh.indicators().filter(pl.col("theme") == theme)["id"].to_list())
    held = [
        period
        for (indicator_id, _), periods_ in _period_index(wh).items()
        if indicator_id in ids
        for period in periods_
    ]
    return max(held, key=lambda p: period_end(*p), default=None)


def profile_period(wh: Warehouse, indicator_id: str, code_periods: list[tuple[date, str]]) -> tuple[date, str] | None:
    """The period a profile shows: the longest period type the indicator has at gemeente level (a half-year
    total rather than its months), latest first; the gemeente's own periods win when it has any."""
    options = periods(wh, indicator_id, "gemeente")
    own = [p for p in options if p in set(code_periods)]
    pool = own or options
    if not pool:
        return None
    best_type = min({k for _, k in pool}, key=lambda k: _TYPE_RANK.get(k, 9))
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


def series_codes(wh: Warehouse, indicator_id: str, level: str) -> list[str]:
    """Codes that can be compared on an indicator (computed ratios: the codes of their numerator)."""
    codes = wh.indicator_codes(indicator_id, level)
    if not codes and indicator_id in RATIOS:
        codes = wh.indicator_codes(RATIOS[indicator_id][0], level)
    return codes
