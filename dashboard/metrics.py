"""Comparison helpers: pro-rata targets, size classes and peer groups, rankings, and moving a year's values onto
another year's boundaries for drawing a map (the figures themselves come from the warehouse)."""

from __future__ import annotations

import polars as pl

# CBS gemeentegrootteklassen (inhabitants): the lower bound of each class.
SIZE_BANDS: tuple[tuple[int, int | None], ...] = (
    (0, 10_000),
    (10_000, 20_000),
    (20_000, 50_000),
    (50_000, 100_000),
    (100_000, 150_000),
    (150_000, 250_000),
    (250_000, None),
)


def pro_rata(target: float, months: int = 6) -> list[float]:
    """The cumulative target at the end of each month when ``target`` is spread evenly over ``months``."""
    return [target * k / months for k in range(1, months + 1)]


def size_band(population: float | None) -> int | None:
    """Index into SIZE_BANDS, or None for an unknown population."""
    if population is None:
        return None
    for index, (low, high) in enumerate(SIZE_BANDS):
        if population >= low and (high is None or population < high):
            return index
    return None


def band_label(index: int, lang: str = "nl") -> str:
    from dashboard.i18n import fmt_number

    low, high = SIZE_BANDS[index]
    if high is None:
        return f"≥ {fmt_number(low, lang)}"
    return f"{fmt_number(low, lang)}–{fmt_number(high, lang)}"


def peers(population: pl.DataFrame, code: str) -> list[str]:
    """Other gemeenten in the same size class as ``code`` (population frame: code, population)."""
    own = population.filter(pl.col("code") == code)["population"]
    band = size_band(own[0]) if own.len() else None
    if band is None:
        return []
    return [c for c, p in population.select("code", "population").iter_rows() if c != code and size_band(p) == band]


def to_year(frame: pl.DataFrame, crosswalk: pl.DataFrame, target_codes: set[str]) -> pl.DataFrame:
    """Move sum-like values (``value``, ``population``) from their regions onto target regions.

    ``crosswalk`` has from_code, to_code, weight (each from_code's weights add up to one). A code the
    crosswalk does not list but that exists among ``target_codes`` maps to itself. Returns code, value,
    population (null if any part lacks one), rate and ``from_names`` (the source regions, for hover text).
    """
    cw = crosswalk.select("from_code", "to_code", "weight")
    listed = set(cw["from_code"].to_list())
    identity = pl.DataFrame(
        {"from_code": [c for c in frame["code"].to_list() if c not in listed and c in target_codes]},
        schema={"from_code": pl.String},
    ).with_columns(pl.col("from_code").alias("to_code"), pl.lit(1.0).alias("weight"))
    mapping = pl.concat([cw, identity], how="vertical")
    has_pop = "population" in frame.columns
    base = frame.select("code", "name", "value", *(["population"] if has_pop else []))
    moved = base.join(mapping, left_on="code", right_on="from_code", how="inner").filter(
        pl.col("to_code").is_in(list(target_codes))
    )
    aggs = [
        (pl.col("value") * pl.col("weight")).sum().alias("value"),
        pl.col("name").unique(maintain_order=True).str.join(", ").alias("from_names"),
    ]
    if has_pop:
        aggs.append(
            pl.when(pl.col("population").is_null().any())
            .then(None)
            .otherwise((pl.col("population") * pl.col("weight")).sum())
            .alias("population")
        )
    out = moved.group_by("to_code", maintain_order=True).agg(aggs).rename({"to_code": "code"})
    if has_pop:
        out = out.with_columns(
            pl.when(pl.col("population") > 0)
            .then(pl.col("value") / pl.col("population") * 1000.0)
            .otherwise(None)
            .alias("rate")
        )
    return out.sort("code")


def ranking(frame: pl.DataFrame, column: str, descending: bool = True) -> pl.DataFrame:
    """Rank regions on ``column`` (ties share the best rank); rows without a value go last, unranked."""
    ranked = frame.with_columns(pl.col(column).rank(method="min", descending=descending).cast(pl.Int64).alias("rank"))
    return ranked.sort(["rank", "name"], nulls_last=True)
