"""Derived figures are computed once, by the build (etl/derive.py): totals, declared ratios, rates per 1,000
inhabitants and figures of gemeenten formed later, carried back through the crosswalk. Small frames prove
each rule; the built warehouse proves the rules hold on the real data and that the dashboard reads them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from etl import derive
from etl.model import OBSERVATION

H1 = date(2016, 1, 1)
Y2015 = date(2015, 1, 1)


def obs(rows: list[tuple]) -> pl.DataFrame:
    """(indicator, code, region_year, period, period_type, value[, status]) -> observations as the build has them
    before deriving (the parsers' schema plus source_id and computed_from)."""
    full = [(*r, "official") if len(r) == 6 else r for r in rows]
    frame = pl.DataFrame(full, schema=OBSERVATION, orient="row")
    return frame.with_columns(pl.lit("src").alias("source_id"), pl.lit(None, dtype=pl.String).alias("computed_from"))


def test_a_ratio_is_made_where_both_parts_exist_and_the_denominator_is_positive() -> None:
    frame = obs(
        [
            ("realisatie", "GM0001", 2016, H1, "half", 50.0),
            ("taakstelling_gecorrigeerd", "GM0001", 2016, H1, "half", 200.0),
            ("realisatie", "GM0002", 2016, H1, "half", 5.0),
            ("taakstelling_gecorrigeerd", "GM0002", 2016, H1, "half", 0.0),  # no meaningful share
            ("realisatie", "GM0003", 2016, H1, "half", 5.0),  # no target at all
        ]
    )
    shares = derive.ratios(frame)
    assert shares.select("region_code", "value").rows() == [("GM0001", 25.0)]
    assert shares["status"].to_list() == ["derived"]
    assert shares["source_id"].to_list() == ["src"]  # the numerator's provenance
    assert shares["computed_from"].to_list() == ["realisatie / taakstelling_gecorrigeerd x 100"]


def test_a_published_ratio_wins_over_a_computed_one() -> None:
    frame = obs(
        [
            ("realisatie", "GM0001", 2016, H1, "half", 50.0),
            ("taakstelling_gecorrigeerd", "GM0001", 2016, H1, "half", 200.0),
            ("realisatie_pct", "GM0001", 2016, H1, "half", 26.0),
        ]
    )
    assert derive.ratios(frame).height == 0


def test_totals_add_up_listed_gemeenten_and_skip_published_totals() -> None:
    frame = obs(
        [
            ("coa_plaatsen", "GM0001", 2015, Y2015, "year", 100.0),
            ("coa_plaatsen", "GM0002", 2015, Y2015, "year", 50.0),
            ("coa_plaatsen", "GM0003", 2015, Y2015, "year", 7.0),
            ("coa_plaatsen", "PV21", 2015, Y2015, "year", 999.0),  # published: kept, not recomputed
        ]
    )
    parents = pl.DataFrame(
        {
            "code": ["GM0001", "GM0002", "GM0003"],
            "year": [2015, 2015, 2015],
            "parent_code": ["PV20", "PV20", "PV21"],
            "parent_level": ["provincie"] * 3,
        },
        schema_overrides={"year": pl.Int32},
    )
    totals = {r["region_code"]: r["value"] for r in derive.totals(frame, parents).iter_rows(named=True)}
    assert totals == {"PV20": 150.0, "NL01": 157.0}


def regions(rows: list[tuple[str, int]]) -> pl.DataFrame:
    return pl.DataFrame(
        [(c, y, c, "gemeente") for c, y in rows],
        schema={"code": pl.String, "year": pl.Int32, "name": pl.String, "level": pl.String},
        orient="row",
    )


# GM0001 and a third of GM0002 (2015) became GM9999 (2020); the rest of GM0002 went to GM0003.
CROSSWALK = pl.DataFrame(
    {
        "from_code": ["GM0001", "GM0002", "GM0002", "GM0003"],
        "from_year": [2015] * 4,
        "to_code": ["GM9999", "GM9999", "GM0003", "GM0003"],
        "to_year": [2020] * 4,
        "weight": [1.0, 1 / 3, 2 / 3, 1.0],
    },
    schema_overrides={"from_year": pl.Int32, "to_year": pl.Int32},
)
REGIONS = regions([("GM0001", 2015), ("GM0002", 2015), ("GM0003", 2015), ("GM9999", 2020), ("GM0003", 2020)])


def test_a_gemeente_formed_later_gets_its_predecessors_shares_with_their_population_and_rate() -> None:
    """A source that declares absence zero (a complete list): an unlisted predecessor adds 0."""
    frame = obs(
        [
            ("coa_plaatsen", "GM0001", 2015, Y2015, "year", 30.0),  # GM0002 not listed: 0, as in the totals
            ("bevolking", "GM0001", 2015, Y2015, "year", 10_000.0),
            ("bevolking", "GM0002", 2015, Y2015, "year", 30_000.0),
            ("bevolking", "GM0003", 2015, Y2015, "year", 5_000.0),
        ]
    )
    carried = derive.carried(frame, REGIONS, CROSSWALK, {"src"})
    assert set(carried["region_code"]) == {"GM9999"}  # GM0003 existed in 2015: never its neighbours' figure
    places = carried.filter(pl.col("indicator_id") == "coa_plaatsen").row(0, named=True)
    assert places["value"] == pytest.approx(30.0)
    assert (places["inputs"], places["inputs_listed"]) == (2, 1)
    assert places["population"] == pytest.approx(20_000.0)  # 10,000 + a third of 30,000
    assert places["rate"] == pytest.approx(1.5)
    assert places["computed_from"] == "GM0001 x 1.0 + GM0002 x 0.333"
    assert (places["region_year"], places["from_year"]) == (2020, 2015)


def test_no_carried_rate_when_a_predecessor_has_no_population() -> None:
    frame = obs(
        [
            ("coa_plaatsen", "GM0001", 2015, Y2015, "year", 30.0),
            ("bevolking", "GM0001", 2015, Y2015, "year", 10_000.0),
        ]
    )
    places = derive.carried(frame, REGIONS, CROSSWALK, {"src"}).filter(pl.col("indicator_id") == "coa_plaatsen")
    assert places["value"].to_list() == [pytest.approx(30.0)]
    assert places["rate"].to_list() == [None]


def test_a_selection_that_leaves_a_predecessor_out_gives_no_carried_figure() -> None:
    """Absence is zero only where the source says so: from a selection, GM9999's figure is unknown."""
    frame = obs(
        [
            ("coa_plaatsen", "GM0001", 2015, Y2015, "year", 30.0),
            ("bevolking", "GM0001", 2015, Y2015, "year", 10_000.0),
            ("bevolking", "GM0002", 2015, Y2015, "year", 30_000.0),
        ]
    )
    carried = derive.carried(frame, REGIONS, CROSSWALK)  # no source declared zero
    assert carried.filter(pl.col("indicator_id") == "coa_plaatsen").height == 0
    assert carried.filter(pl.col("indicator_id") == "bevolking")["value"].to_list() == [pytest.approx(20_000.0)]


def test_a_carried_ratio_divides_the_carried_parts() -> None:
    frame = obs(
        [
            ("realisatie", "GM0001", 2015, H1, "half", 10.0),
            ("realisatie", "GM0002", 2015, H1, "half", 30.0),
            ("taakstelling_gecorrigeerd", "GM0001", 2015, H1, "half", 40.0),
            ("taakstelling_gecorrigeerd", "GM0002", 2015, H1, "half", 60.0),
        ]
    )
    carried = derive.carried(frame, REGIONS, CROSSWALK)
    share = carried.filter(pl.col("indicator_id") == "realisatie_pct")["value"].to_list()
    assert share == [pytest.approx((10 + 30 / 3) / (40 + 60 / 3) * 100)]


def test_rates_use_the_population_of_the_same_region_year_on_1_january() -> None:
    frame = obs(
        [
            ("coa_plaatsen", "GM0001", 2015, date(2015, 11, 3), "day", 30.0),
            ("coa_plaatsen", "GM0002", 2015, date(2015, 11, 3), "day", 8.0),  # no population: no rate
            ("bevolking", "GM0001", 2015, Y2015, "year", 15_000.0),
            ("bevolking", "GM0002", 2016, date(2016, 1, 1), "year", 1_000.0),  # another year
            ("realisatie_pct", "GM0001", 2015, Y2015, "year", 30.0),  # not read per inhabitant
        ]
    )
    rates = derive.rates(frame)
    assert rates.select("indicator_id", "region_code", "rate").rows() == [("coa_plaatsen", "GM0001", 2.0)]


# --- the built warehouse ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def con(built_warehouse: Path):
    with duckdb.connect(str(built_warehouse), read_only=True) as connection:
        yield connection


def test_every_rate_is_value_per_1000_inhabitants(con) -> None:
    rows = con.execute(
        """SELECT count(*), max(abs(x.rate - o.value / x.population * 1000)),
                  count(*) FILTER (WHERE p.value IS DISTINCT FROM x.population)
           FROM observation_rate x
           JOIN observation o USING (indicator_id, region_code, region_year, period, period_type)
           LEFT JOIN observation p ON p.indicator_id = 'bevolking' AND p.region_code = x.region_code
                AND p.region_year = x.region_year AND p.period = make_date(year(x.period), 1, 1)
                AND p.period_type = 'year'"""
    ).fetchall()[0]
    assert rows[0] > 300 and rows[1] < 1e-9 and rows[2] == 0


def test_provincie_share_realised_is_the_ratio_of_the_sums(con) -> None:
    sums = dict(
        con.execute(
            """SELECT indicator_id, value FROM observation WHERE region_code = 'PV27' AND period = '2016-01-01'
               AND period_type = 'half' AND indicator_id IN ('realisatie', 'taakstelling_gecorrigeerd',
               'realisatie_pct')"""
        ).fetchall()
    )
    assert sums["realisatie_pct"] == pytest.approx(sums["realisatie"] / sums["taakstelling_gecorrigeerd"] * 100)


def test_every_derived_figure_says_how_it_was_computed(con) -> None:
    missing = con.execute(
        "SELECT count(*) FROM observation WHERE status = 'derived' AND computed_from IS NULL"
    ).fetchall()[0][0]
    assert missing == 0
    published = con.execute(
        "SELECT count(*) FROM observation WHERE status <> 'derived' AND computed_from IS NOT NULL"
    ).fetchall()[0][0]
    assert published == 0


def test_westerwolde_2015_places_are_carried_and_dijk_en_waard_has_none(con) -> None:
    """TNO's list of COA locations is a selection (absence unknown). Westerwolde (GM1950, 2018) was formed from
    Bellingwedde (GM0007) and Vlagtwedde (GM0048), both listed: its November 2015 places are theirs, with a rate
    over their population. Dijk en Waard (GM1980): Langedijk is not listed, so no figure at all."""
    value, rate, population, computed_from = con.execute(
        """SELECT value, rate, population, computed_from FROM observation_carried
           WHERE indicator_id = 'coa_plaatsen' AND region_code = 'GM1950' AND from_year = 2015"""
    ).fetchall()[0]
    parts = con.execute(
        """SELECT sum(o.value * c.weight), sum(p.value * c.weight), count(o.value), count(*)
           FROM crosswalk c
           LEFT JOIN observation o ON o.region_code = c.from_code AND o.region_year = 2015
                AND o.indicator_id = 'coa_plaatsen'
           JOIN observation p ON p.region_code = c.from_code AND p.region_year = 2015
                AND p.indicator_id = 'bevolking' AND p.period = '2015-01-01'
           WHERE c.from_year = 2015 AND c.to_code = 'GM1950'"""
    ).fetchall()[0]
    assert parts[2] == parts[3] == 2
    assert value == pytest.approx(parts[0]) and population == pytest.approx(parts[1])
    assert rate == pytest.approx(value / population * 1000)
    assert computed_from == "GM0007 x 1.0 + GM0048 x 1.0"
    assert con.execute("SELECT absent FROM source WHERE id = 'tno_coa_locaties_2015'").fetchall() == [("unknown",)]
    none = con.execute(
        "SELECT count(*) FROM observation_carried WHERE indicator_id = 'coa_plaatsen' AND region_code = 'GM1980'"
    ).fetchall()[0][0]
    assert none == 0


def test_a_complete_list_gets_a_zero_for_each_gemeente_it_leaves_out_and_a_selection_does_not() -> None:
    """absent = "zero": every gemeente of the region year that the list leaves out gets a derived 0 for its 'sum'
    indicators, unless another source has a figure; a percentage gets none, nor does a selection."""
    from contract.derived import ZERO_FILL

    frame = obs(
        [
            ("coa_plaatsen", "GM0001", 2015, Y2015, "year", 30.0),
            ("coa_plaatsen", "GM0003", 2015, Y2015, "year", 7.0),  # from another source, below
            ("realisatie_pct", "GM0001", 2015, Y2015, "year", 50.0),  # a share: does not add up
            ("coa_plaatsen", "GM0001", 2015, date(2015, 7, 1), "half", 3.0),  # a selection's figure
        ]
    ).with_columns(
        pl.when(pl.col("region_code") == "GM0003")
        .then(pl.lit("other"))
        .when(pl.col("period_type") == "half")
        .then(pl.lit("selection"))
        .otherwise(pl.col("source_id"))
        .alias("source_id")
    )
    zeros = derive.zero_filled(frame, REGIONS, {"src"})
    assert zeros.select("indicator_id", "region_code", "region_year", "period", "value").rows() == [
        ("coa_plaatsen", "GM0002", 2015, Y2015, 0.0)
    ]
    assert (zeros["status"][0], zeros["computed_from"][0], zeros["source_id"][0]) == ("derived", ZERO_FILL, "src")
    assert derive.zero_filled(frame, REGIONS, set()).height == 0  # nothing declared zero


def test_two_complete_lists_that_leave_a_gemeente_out_give_it_one_zero_from_the_winning_source() -> None:
    """A corrected copy (rank 1) next to the original (rank 2), both complete lists of one period: a gemeente
    neither lists gets one 0, credited to the copy, which wins ties; the build's key stays unique."""
    frame = obs([("coa_plaatsen", "GM0001", 2015, Y2015, "year", 30.0)])
    copy = frame.with_columns(pl.lit("copy").alias("source_id"), pl.lit("GM0003").alias("region_code"))
    zeros = derive.zero_filled(pl.concat([frame, copy]), REGIONS, {"src": 2, "copy": 1})
    assert zeros.select("region_code", "source_id").rows() == [("GM0002", "copy")]
