"""The frames the pages show, checked against SQL on the same freshly built warehouse."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from dashboard import data, geo, maps, metrics
from dashboard.db import Warehouse
from dashboard.downloads import csv_bytes, with_sources
from dashboard.sources import source_line
from tests.conftest import sql


@pytest.fixture(scope="module")
def wh(built_warehouse: Path):
    warehouse = Warehouse(built_warehouse)
    yield warehouse
    warehouse.close()


def _coa_period(wh: Warehouse) -> tuple[date, str]:
    period = data.latest_period(wh, "coa_plaatsen", "gemeente")
    assert period is not None
    return period


def test_rates_equal_value_over_population_times_1000(wh: Warehouse, built_warehouse: Path) -> None:
    period, kind = _coa_period(wh)
    frame = data.values(wh, "coa_plaatsen", "gemeente", period, kind)
    expected = sql(
        built_warehouse,
        """SELECT o.region_code, o.value, p.value, o.value / p.value * 1000
           FROM observation o JOIN observation p ON p.region_code = o.region_code AND p.region_year = o.region_year
            AND p.indicator_id = 'bevolking' AND p.period = make_date(year(o.period), 1, 1) AND p.period_type = 'year'
           WHERE o.indicator_id = 'coa_plaatsen' AND o.period = ? AND o.period_type = ?
             AND o.region_code LIKE 'GM%'""",
        [period, kind],
    )
    assert len(expected) > 20
    rates = dict(frame.select("code", "rate").iter_rows())
    for code, value, population, rate in expected:
        assert rates[code] == pytest.approx(rate)
        assert rates[code] == pytest.approx(value / population * 1000)


def test_no_rate_without_a_population_for_that_year(wh: Warehouse) -> None:
    period = data.latest_period(wh, "taakstelling", "gemeente")
    assert period is not None
    frame = data.values(wh, "taakstelling", "gemeente", *period)
    if period[0].year not in data.population_years(wh):
        assert frame.height > 300 and frame["rate"].is_null().all()


def test_map_moves_2015_values_onto_the_first_year_with_boundaries(wh: Warehouse, built_warehouse: Path) -> None:
    period, kind = _coa_period(wh)
    md = data.map_data(wh, "coa_plaatsen", "gemeente", period, kind)
    geometry_years = [
        y for (y,) in sql(built_warehouse, "SELECT DISTINCT year FROM region_geometry WHERE level = 'gemeente'")
    ]
    assert md.region_year == period.year
    if md.region_year in geometry_years:
        assert not md.mapped
    else:
        assert md.mapped and md.geometry_year == min(y for y in geometry_years if y > md.region_year)
    # Nothing is lost or double counted on the way (the listed places all land on a drawn shape).
    assert md.shapes["value"].sum() + sum(
        md.table.filter(pl.col("name").is_in(md.unmapped))["value"].to_list()
    ) == pytest.approx(md.table["value"].sum())
    drawn = set(geo.codes(geo.feature_collection(data.geometry_rows(wh, "gemeente", md.geometry_year))))
    assert set(md.shapes["code"].to_list()) <= drawn


def test_ratio_is_computed_where_the_warehouse_stores_none(wh: Warehouse, built_warehouse: Path) -> None:
    period = data.latest_period(wh, "realisatie_pct", "gemeente")
    frame = data.values(wh, "realisatie_pct", "provincie", *period)
    expected = sql(
        built_warehouse,
        """SELECT r.region_code, r.value / g.value * 100
           FROM observation r JOIN observation g USING (region_code, region_year, period, period_type)
           WHERE r.indicator_id = 'realisatie' AND g.indicator_id = 'taakstelling_gecorrigeerd'
             AND r.period = ? AND r.period_type = ? AND r.region_code LIKE 'PV%' AND g.value > 0""",
        list(period),
    )
    assert len(expected) == 12
    got = dict(frame.select("code", "value").iter_rows())
    for code, pct in expected:
        assert got[code] == pytest.approx(pct)
    assert set(frame["status"].to_list()) == {"derived"}


def test_compare_uses_the_stored_gemeente_value(wh: Warehouse, built_warehouse: Path) -> None:
    period = data.latest_period(wh, "realisatie_pct", "gemeente")
    code, value = sql(
        built_warehouse,
        """SELECT region_code, value FROM observation WHERE indicator_id = 'realisatie_pct' AND period = ?
           AND period_type = ? ORDER BY region_code LIMIT 1""",
        list(period),
    )[0]
    c = data.compare(wh, "realisatie_pct", period[0], period[1], code)
    assert c is not None and c.basis == "pct"
    assert c.gemeente == pytest.approx(value)
    assert c.provincie is not None and c.national is not None and c.peer_count >= 0


def test_housing_months_add_up_to_the_half_year(wh: Warehouse, built_warehouse: Path) -> None:
    code, half, corrected = sql(
        built_warehouse,
        """SELECT r.region_code, r.value, g.value FROM observation r JOIN observation g
           USING (region_code, region_year, period, period_type)
           WHERE r.indicator_id = 'realisatie' AND g.indicator_id = 'taakstelling_gecorrigeerd'
             AND r.period_type = 'half' AND r.region_code LIKE 'GM%' ORDER BY r.region_code LIMIT 1""",
    )[0]
    months = data.housing_months(wh, code)
    assert months.height == 6
    assert months["cumulative"][-1] == pytest.approx(half)
    assert months["monthly"].sum() == pytest.approx(half)
    assert months["target"][-1] == pytest.approx(corrected)
    assert months["target"][0] == pytest.approx(corrected / 6)


def test_province_totals_are_the_derived_sums(wh: Warehouse, built_warehouse: Path) -> None:
    period = data.latest_period(wh, "taakstelling", "provincie")
    totals = data.province_totals(wh, period[0], period[1], ("taakstelling", "realisatie"))
    national = totals.filter(pl.col("code") == data.NATIONAL).to_dicts()[0]
    gemeente_sum = sql(
        built_warehouse,
        "SELECT sum(value) FROM observation WHERE indicator_id = 'taakstelling' AND period = ? AND period_type = ? "
        "AND region_code LIKE 'GM%'",
        list(period),
    )[0][0]
    assert national["taakstelling"] == pytest.approx(gemeente_sum)
    assert totals.height == 13


def test_geometry_is_one_feature_per_region_and_small(wh: Warehouse, built_warehouse: Path) -> None:
    for (year,) in sql(built_warehouse, "SELECT DISTINCT year FROM region_geometry WHERE level = 'gemeente'"):
        rows = data.geometry_rows(wh, "gemeente", year)
        collection = geo.feature_collection(rows)
        codes = geo.codes(collection)
        assert len(codes) == len(set(codes)) == rows.height
        assert len(json.dumps(collection)) < 260_000


def test_choropleth_draws_each_region_once(wh: Warehouse) -> None:
    period, kind = _coa_period(wh)
    md = data.map_data(wh, "coa_plaatsen", "gemeente", period, kind)
    collection = geo.feature_collection(data.geometry_rows(wh, "gemeente", md.geometry_year))
    shapes = md.shapes.with_columns(pl.lit("x").alias("_abs"))
    fig = maps.choropleth(collection, shapes, color="rate", hover=[("a", "_abs")], colorbar_title="r")
    drawn = [code for trace in fig.data for code in trace.locations]
    assert sorted(drawn) == sorted(geo.codes(collection))
    assert len(fig.data) == 2  # values and a grey no-data trace (TNO's layer has gemeenten without places)
    # Each shape is sent once, in the trace that draws it, with nothing but its id and geometry.
    for trace in fig.data:
        assert [f["id"] for f in trace.geojson["features"]] == [
            c for c in geo.codes(collection) if c in trace.locations
        ]
        assert all(set(f) == {"type", "id", "geometry"} for f in trace.geojson["features"])
    spec = json.loads(fig.to_json())
    assert sum(len(t["geojson"]["features"]) for t in spec["data"]) == len(geo.codes(collection))
    assert fig.layout.geo.fitbounds == "locations" and fig.layout.geo.visible is False


def test_source_line_names_publisher_table_and_reference_date(wh: Warehouse) -> None:
    sources = data.source_index(wh)
    line = source_line(["cbs_80059ned"], sources, "nl")
    row = sources["cbs_80059ned"]
    assert line.startswith("Bron: ")
    assert row["publisher"] in line and row["table_id"] in line
    assert str(row["reference_date"].year) in line and "peildatum" in line
    assert "reference date" in source_line(["cbs_80059ned"], sources, "en")
    assert source_line([], sources, "nl") == "" and source_line(["no_such_source"], sources, "nl") == ""


def test_csv_download_has_source_columns(wh: Warehouse) -> None:
    period, kind = _coa_period(wh)
    frame = data.values(wh, "coa_plaatsen", "gemeente", period, kind)
    out = with_sources(frame, data.sources(wh))
    assert {"source_publisher", "source_title", "source_reference_date", "source_licence"} <= set(out.columns)
    assert out["source_publisher"].is_not_null().all()
    text = csv_bytes(out)
    assert text.startswith(b"\xef\xbb\xbf") and b"source_publisher" in text.splitlines()[0]


def test_profile_covers_every_theme_the_warehouse_holds(wh: Warehouse) -> None:
    code = data.largest_gemeente(wh)
    rows = data.profile(wh, code)
    themes = {r["theme"] for r in rows}
    held = {t for t in data.PROFILE_THEMES if data.theme_indicators(wh, t, "gemeente")}
    assert themes == held
    realisatie = [r for r in rows if r["indicator_id"] == "realisatie"]
    assert not realisatie or realisatie[0]["period_type"] == "half"


def test_a_gemeente_a_selection_does_not_name_has_no_figure(wh: Warehouse, built_warehouse: Path) -> None:
    """TNO's COA list is a selection (absent: unknown): a gemeente it does not name gets no figure, not 0; the
    country's rate is still the listed total over all inhabitants."""
    period, kind = _coa_period(wh)
    code, year = sql(
        built_warehouse,
        """SELECT r.code, r.year FROM region r WHERE r.level = 'gemeente' AND r.year = ?
           AND r.code NOT IN (SELECT region_code FROM observation WHERE indicator_id = 'coa_plaatsen')
           ORDER BY r.code LIMIT 1""",
        [period.year],
    )[0]
    c = data.compare(wh, "coa_plaatsen", period, kind, code)
    assert not c.zero_filled and c.listed_only
    assert c.gemeente is None and c.gemeente_abs is None
    total, population = sql(
        built_warehouse,
        """SELECT o.value, p.value FROM observation o JOIN observation p ON p.region_code = o.region_code
           AND p.indicator_id = 'bevolking' AND p.period = make_date(?, 1, 1)
           WHERE o.indicator_id = 'coa_plaatsen' AND o.region_code = 'NL01' AND o.period = ?""",
        [period.year, period],
    )[0]
    assert c.national == pytest.approx(total / population * 1000)


def test_rate_of_a_merged_gemeente_divides_shared_sums(wh: Warehouse, built_warehouse: Path) -> None:
    """Westerwolde (2018) in the 2015 COA snapshot: places and population of its two predecessors, both listed,
    then per 1,000 inhabitants; provincie from today's division."""
    period, kind = sql(
        built_warehouse, "SELECT DISTINCT period, period_type FROM observation WHERE indicator_id = 'coa_plaatsen'"
    )[0]
    c = data.compare(wh, "coa_plaatsen", period, kind, "GM1950")
    places, people = sql(
        built_warehouse,
        """SELECT sum(x.weight * o.value), sum(x.weight * p.value) FROM crosswalk x
           JOIN observation o ON o.region_code = x.from_code AND o.region_year = x.from_year
                AND o.indicator_id = 'coa_plaatsen'
           JOIN observation p ON p.region_code = x.from_code AND p.region_year = x.from_year
                AND p.indicator_id = 'bevolking' AND p.period = DATE '2015-01-01'
           WHERE x.to_code = 'GM1950' AND x.from_year = 2015""",
    )[0]
    assert places > 0
    assert c.basis == "rate" and c.gemeente_abs == pytest.approx(places)
    assert c.gemeente == pytest.approx(places / people * 1000)
    assert c.provincie_code == "PV20" and c.provincie is not None
    assert {name for _, name, _ in c.predecessors} == {"Bellingwedde", "Vlagtwedde"}
    # Similar gemeenten: the size class of the predecessors together, the predecessors themselves excluded.
    band = metrics.size_band(people)
    assert c.peer_band == band and c.peer_count > 0
    # Peers among the gemeenten the selection names (it is no complete list).
    listed = {
        code
        for (code,) in sql(
            built_warehouse,
            "SELECT region_code FROM observation WHERE indicator_id = 'coa_plaatsen' AND region_code LIKE 'GM%'",
        )
    }
    peers_2015 = sql(
        built_warehouse,
        "SELECT region_code, value FROM observation WHERE indicator_id = 'bevolking' AND period = DATE '2015-01-01' "
        "AND region_code LIKE 'GM%'",
    )
    predecessors = {"GM0007", "GM0048"}
    assert c.peer_count == sum(
        1 for code, pop in peers_2015 if metrics.size_band(pop) == band and code in listed - predecessors
    )
    # A gemeente that existed keeps its own figure: no predecessors.
    assert data.compare(wh, "coa_plaatsen", period, kind, "GM0268").predecessors == []


def test_a_gemeente_that_existed_is_never_filled_from_its_neighbours(wh: Warehouse, built_warehouse: Path) -> None:
    """Schiermonnikoog had a corrected target of 0 in 2016, so no percentage realised: it stays without one,
    and nothing is carried over from other gemeenten (Amsterdam's crosswalk row includes part of Muiden)."""
    target = sql(
        built_warehouse,
        "SELECT value FROM observation WHERE indicator_id = 'taakstelling_gecorrigeerd' AND region_code = 'GM0088'",
    )[0][0]
    assert target == 0
    period, kind = data.latest_period(wh, "realisatie_pct", "gemeente")
    c = data.compare(wh, "realisatie_pct", period, kind, "GM0088")
    assert c.gemeente is None and c.predecessors == []
    coa_period = sql(built_warehouse, "SELECT DISTINCT period FROM observation WHERE indicator_id = 'coa_plaatsen'")[0][
        0
    ]
    assert data.compare(wh, "coa_plaatsen", coa_period, "day", "GM0363").predecessors == []
    shown = data.values_for(wh, "realisatie_pct", "gemeente", period, kind, ("GM0088", "GM1982"))
    assert shown["code"].to_list() == ["GM1982"] and shown["status"].to_list() == ["derived"]


def test_a_gemeente_formed_later_than_the_size_year_gets_peers(wh: Warehouse, built_warehouse: Path) -> None:
    """Gooise Meren (2016) on the 2016 target: CBS has no 2016 population per gemeente, so size classes come
    from 2015, when it did not exist; its predecessors' 2015 population together sets its class."""
    period, kind = data.latest_period(wh, "taakstelling", "gemeente")
    c = data.compare(wh, "taakstelling", period, kind, "GM1942")
    assert c.peer_year == 2015 and c.predecessors == []  # its own 2016 figure
    together = sql(
        built_warehouse,
        """SELECT sum(x.weight * p.value) FROM crosswalk x JOIN observation p ON p.region_code = x.from_code
             AND p.region_year = 2015 AND p.indicator_id = 'bevolking' AND p.period = DATE '2015-01-01'
           WHERE x.to_code = 'GM1942' AND x.from_year = 2015""",
    )[0][0]
    assert c.peer_band == metrics.size_band(together) and c.peer_count > 0


def test_a_diverging_map_marks_both_ends_where_values_lie_beyond_its_scale(wh: Warehouse) -> None:
    """The backlog map stops its colours near the 5th and 95th percentile: Amsterdam's 1,015 and a backlog of
    53 share the darkest colour, so the bar must say '≥' at the top and '≤' at the bottom."""
    period, kind = data.periods(wh, "huisvesting_saldo", "gemeente")[0]
    md = data.map_data(wh, "huisvesting_saldo", "gemeente", period, kind)
    collection = geo.feature_collection(data.geometry_rows(wh, "gemeente", md.geometry_year))
    fig = maps.indicator_map(md, collection, "huisvesting_saldo", "personen", "nl")
    trace = fig.data[0]
    bar = trace.colorbar
    assert max(trace.z) > trace.zmax and min(trace.z) < trace.zmin
    assert bar.ticktext[-1].startswith("≥ ") and bar.tickvals[-1] == trace.zmax
    assert bar.ticktext[0].startswith("≤ ") and bar.tickvals[0] == trace.zmin
