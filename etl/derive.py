"""Every figure the warehouse can compute from the published ones, computed once per build (the dashboard
only reads them):

- a 0 for each gemeente that a complete list (``absent = "zero"``) leaves out;
- provincie and land totals of 'sum' indicators, where no source publishes them;
- ratios the catalogue declares (``Indicator.ratio_of``), at every level where both parts exist;
- rates per 1,000 inhabitants for ``per_1000`` indicators, where the population of the same region and
  region year on 1 January of the period's year exists (table ``observation_rate``);
- figures of gemeenten formed after a period's year, carried back from the gemeenten they were formed from
  through the crosswalk, with their rate (table ``observation_carried``, kept apart from ``observation`` so
  no level-wide table or total counts them twice).

Every derived row keeps the source of the figures it was computed from and says how (``computed_from``).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import polars as pl

from contract.derived import ZERO_FILL
from etl.catalogue import INDICATORS, Indicator

NATIONAL = "NL01"
POPULATION = "bevolking"
KEY = ["indicator_id", "region_code", "region_year", "period", "period_type"]
RATIOS = {i.id: i.ratio_of for i in INDICATORS if i.ratio_of}


# The catalogue the build passes in: the project's indicators plus those its recipes declare.
def _summable(indicators: Sequence[Indicator]) -> list[str]:
    return [i.id for i in indicators if i.aggregation == "sum"]


def _per_1000(indicators: Sequence[Indicator]) -> list[str]:
    return [i.id for i in indicators if i.per_1000]


RATE = pl.Schema(
    {
        "indicator_id": pl.String,
        "region_code": pl.String,
        "region_year": pl.Int32,
        "period": pl.Date,
        "period_type": pl.String,
        "population": pl.Float64,
        "population_source_id": pl.String,
        "rate": pl.Float64,
    }
)
CARRIED = pl.Schema(
    {
        "indicator_id": pl.String,
        "region_code": pl.String,
        "region_year": pl.Int32,
        "from_year": pl.Int32,
        "period": pl.Date,
        "period_type": pl.String,
        "value": pl.Float64,
        "inputs": pl.Int32,
        "inputs_listed": pl.Int32,
        "source_id": pl.String,
        "computed_from": pl.String,
        "population": pl.Float64,
        "population_source_id": pl.String,
        "rate": pl.Float64,
    }
)
_CARRIED_VALUE = CARRIED.names()[:-3]


def zero_filled(
    observations: pl.DataFrame,
    regions: pl.DataFrame,
    zero_sources: dict[str, int] | set[str],
    indicators: Sequence[Indicator] = INDICATORS,
) -> pl.DataFrame:
    """A 0 for every gemeente of the region year that a source declaring absence as zero (a complete list) leaves
    out, for its 'sum' indicators, where no other source has a figure: written once here, so maps, tables,
    downloads, totals and the Gemeente page all show the same 0. A selection (absence unknown) gets nothing.
    ``zero_sources`` maps each such source to its rank: where two complete lists of one period leave a gemeente
    out, its 0 is credited to the one that wins ties (lower rank), once."""
    rank = zero_sources if isinstance(zero_sources, dict) else dict.fromkeys(zero_sources, 0)
    listed = observations.filter(
        pl.col("source_id").is_in(list(rank))
        & pl.col("indicator_id").is_in(_summable(indicators))
        & pl.col("region_code").str.starts_with("GM")
    )
    if listed.height == 0:
        return observations.clear()
    groups = listed.select("indicator_id", "region_year", "period", "period_type", "source_id").unique()
    gemeenten = regions.filter(pl.col("level") == "gemeente").select(
        pl.col("code").alias("region_code"), pl.col("year").alias("region_year")
    )
    missing = (
        groups.join(gemeenten, on="region_year")
        .join(observations.select(KEY), on=KEY, how="anti")
        .sort(pl.col("source_id").replace_strict(rank, return_dtype=pl.Int64), "source_id")
        .unique(subset=KEY, keep="first")
    )
    return (
        missing.with_columns(
            pl.lit(0.0).alias("value"), pl.lit("derived").alias("status"), pl.lit(ZERO_FILL).alias("computed_from")
        )
        .select(observations.columns)
        .cast(dict(observations.schema))
        .sort(KEY)
    )


def totals(
    observations: pl.DataFrame, parents: pl.DataFrame, indicators: Sequence[Indicator] = INDICATORS
) -> pl.DataFrame:
    """Provincie and land sums of gemeente values for 'sum' indicators, where no source gives the total.

    A gemeente without a row adds nothing, so sparse indicators (e.g. COA places, listed only where a
    location exists) add up to what the source lists. A gemeente without a provincie for its year is
    left out of the provincie totals but still counts for the land.
    """
    summable = _summable(indicators)
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
        .with_columns(pl.lit("sum of its gemeenten").alias("computed_from"))
    )
    land = (
        gemeente.group_by(keys)
        .agg(pl.col("value").sum(), pl.col("source_id").first())
        .with_columns(pl.lit(NATIONAL).alias("region_code"), pl.lit("sum of all gemeenten").alias("computed_from"))
    )
    # A total keeps the source of the gemeente values it adds up; its status says it was derived.
    found = pl.concat([provincie.select(land.columns), land], how="vertical").with_columns(
        pl.lit("derived").alias("status")
    )
    return found.join(observations.select(KEY), on=KEY, how="anti").select(observations.columns)


def _shares(frame: pl.DataFrame, keys: list[str], extra: dict[str, str] | None = None) -> list[pl.DataFrame]:
    """For every declared ratio: the numerator's rows of ``frame`` joined on ``keys`` with the denominator's
    value (``_d``, plus each ``extra`` column under its new name), where the denominator is above zero, with
    ``value`` = numerator / denominator x 100 and ``indicator_id`` the ratio's."""
    extra = extra or {}
    out = []
    for ratio, (numerator, denominator) in RATIOS.items():
        top = frame.filter(pl.col("indicator_id") == numerator)
        bottom = frame.filter(pl.col("indicator_id") == denominator).select(
            *keys, pl.col("value").alias("_d"), *(pl.col(c).alias(a) for c, a in extra.items())
        )
        out.append(
            top.join(bottom, on=keys)
            .filter(pl.col("_d") > 0)
            .with_columns(
                pl.lit(ratio).alias("indicator_id"),
                (pl.col("value") / pl.col("_d") * 100.0).alias("value"),
                pl.lit(f"{numerator} / {denominator} x 100").alias("_how"),
            )
        )
    return out


def ratios(observations: pl.DataFrame) -> pl.DataFrame:
    """numerator / denominator x 100 for every declared ratio, wherever both exist, the denominator is above
    zero and no source publishes the ratio itself."""
    frames = [
        share.with_columns(pl.lit("derived").alias("status"), pl.col("_how").alias("computed_from")).select(
            observations.columns
        )
        for share in _shares(observations, KEY[1:])
    ]
    found = pl.concat(frames, how="vertical") if frames else observations.clear()
    return found.join(observations.select(KEY), on=KEY, how="anti")


def carried(
    observations: pl.DataFrame,
    regions: pl.DataFrame,
    crosswalk: pl.DataFrame,
    zero_sources: Collection[str] = frozenset(),  # ids (a dict of id -> rank serves too)
    indicators: Sequence[Indicator] = INDICATORS,
) -> pl.DataFrame:
    """Figures of gemeenten that did not exist yet in a period's region year, built from the gemeenten of that
    year they were formed from: the sum of each predecessor's value times the share of its area that lies in
    the new gemeente. A predecessor the source does not list counts as 0 only where the source declares that
    absence means zero (``zero_sources``; ``inputs_listed`` says how many it lists); otherwise the new gemeente
    gets no figure. A declared ratio divides the carried numerator by the carried denominator."""
    gemeenten = regions.filter(pl.col("level") == "gemeente").select(
        pl.col("code").alias("to_code"), pl.col("year").alias("from_year")
    )
    # Links from a code of the old year to a code the old year did not have.
    links = crosswalk.join(gemeenten, on=["to_code", "from_year"], how="anti")
    if links.height == 0:
        return pl.DataFrame(schema=CARRIED)
    found = _carried_values(observations, links, _summable(indicators))
    honest = found.filter(pl.col("source_id").is_in(list(zero_sources)) | (pl.col("inputs_listed") == pl.col("inputs")))
    return _with_rates(honest, _per_1000(indicators))


def _carried_values(observations: pl.DataFrame, links: pl.DataFrame, summable: list[str]) -> pl.DataFrame:
    # The build's own zeros are left out: ``inputs_listed`` counts what the source lists, and a zero adds nothing.
    gemeente = observations.filter(
        pl.col("indicator_id").is_in(summable)
        & pl.col("region_code").str.starts_with("GM")
        & pl.col("computed_from").ne_missing(ZERO_FILL)
    )
    # Each (indicator, period, year) of gemeente figures, with the source they come from.
    groups = gemeente.group_by("indicator_id", "period", "period_type", pl.col("region_year").alias("from_year")).agg(
        pl.col("source_id").first()
    )
    expanded = groups.join(links, on="from_year").join(
        gemeente.select(
            "indicator_id",
            "period",
            "period_type",
            pl.col("region_year").alias("from_year"),
            pl.col("region_code").alias("from_code"),
            "value",
        ),
        on=["indicator_id", "period", "period_type", "from_year", "from_code"],
        how="left",
    )
    sums = (
        expanded.sort("weight", "from_code", descending=[True, False])
        .group_by("indicator_id", "to_code", "to_year", "from_year", "period", "period_type")
        .agg(
            (pl.col("value").fill_null(0.0) * pl.col("weight")).sum().alias("value"),
            pl.len().cast(pl.Int32).alias("inputs"),
            pl.col("value").is_not_null().sum().cast(pl.Int32).alias("inputs_listed"),
            pl.col("source_id").first(),
            pl.format("{} x {}", "from_code", pl.col("weight").round(3)).str.join(" + ").alias("computed_from"),
        )
        .rename({"to_code": "region_code", "to_year": "region_year"})
        .with_columns(pl.col("region_year").cast(pl.Int32), pl.col("from_year").cast(pl.Int32))
    )
    keys = ["region_code", "region_year", "from_year", "period", "period_type"]
    shares = [
        share.with_columns(
            pl.max_horizontal("inputs_listed", "_dl").alias("inputs_listed"),
            pl.format("{} of ({})", "_how", "computed_from").alias("computed_from"),
        )
        for share in _shares(sums, keys, {"inputs_listed": "_dl"})
    ]
    found = pl.concat([sums.select(_CARRIED_VALUE), *(s.select(_CARRIED_VALUE) for s in shares)], how="vertical")
    return found.sort(["indicator_id", "region_code", "period", "period_type", "from_year"])


def _people(observations: pl.DataFrame) -> pl.DataFrame:
    """region_code, region_year, _year, population, population_source_id: 1 January populations."""
    return observations.filter((pl.col("indicator_id") == POPULATION) & (pl.col("period_type") == "year")).select(
        "region_code",
        "region_year",
        pl.col("period").dt.year().alias("_year"),
        pl.col("value").alias("population"),
        pl.col("source_id").alias("population_source_id"),
    )


def rates(observations: pl.DataFrame, indicators: Sequence[Indicator] = INDICATORS) -> pl.DataFrame:
    """Per 1,000 inhabitants for ``per_1000`` indicators: the population is that of the same region code and
    region year on 1 January of the period's year."""
    own = observations.filter(pl.col("indicator_id").is_in(_per_1000(indicators))).with_columns(
        pl.col("period").dt.year().alias("_year")
    )
    return (
        own.join(_people(observations), on=["region_code", "region_year", "_year"])
        .filter(pl.col("population") > 0)
        .with_columns((pl.col("value") / pl.col("population") * 1000.0).alias("rate"))
        .select(RATE.names())
        .cast(dict(RATE))
    )


def _with_rates(carried_rows: pl.DataFrame, per_1000_ids: list[str]) -> pl.DataFrame:
    """Carried figures with population, population_source_id and rate: a carried ``per_1000`` figure divided by
    its predecessors' carried population, only where every predecessor has one."""
    people = carried_rows.filter(
        (pl.col("indicator_id") == POPULATION)
        & (pl.col("period_type") == "year")
        & (pl.col("inputs_listed") == pl.col("inputs"))
    ).select(
        "region_code",
        "from_year",
        pl.col("period").dt.year().alias("_year"),
        pl.col("value").alias("population"),
        pl.col("source_id").alias("population_source_id"),
    )
    joined = carried_rows.with_columns(pl.col("period").dt.year().alias("_year")).join(
        people, on=["region_code", "from_year", "_year"], how="left"
    )
    per_1000 = pl.col("indicator_id").is_in(per_1000_ids) & (pl.col("population") > 0)
    return (
        joined.with_columns(
            pl.when(per_1000).then(pl.col("population")).alias("population"),
            pl.when(per_1000).then(pl.col("population_source_id")).alias("population_source_id"),
            pl.when(per_1000).then(pl.col("value") / pl.col("population") * 1000.0).alias("rate"),
        )
        .select(CARRIED.names())
        .cast(dict(CARRIED))
    )
