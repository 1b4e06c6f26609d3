"""AppTest of every page against a freshly built warehouse: what is shown equals what the warehouse holds,
URLs round-trip, and bad parameters give a message and a default, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import navigation
from dashboard.i18n import fmt_number, fmt_value
from tests.conftest import REPO, sql

PAGES = navigation.PATHS


def open_page(stem: str, embedded: bool = False, **params: str) -> AppTest:
    """Like opening ``/<stem>?<params>`` in a new browser session (``embedded``: inside an iframe)."""
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.context["is_embedded"] = embedded
    if stem == "overzicht":
        at.query_params.update(params)
        return at.run()
    at.run()
    at.switch_page(f"pages/{stem}.py")
    at.query_params.clear()
    at.query_params.update(params)
    return at.run()


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def plotly_specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def qp(at: AppTest) -> dict[str, str]:
    return {k: (v if isinstance(v, str) else v[-1]) for k, v in at.query_params.items()}


@pytest.fixture(autouse=True)
def _warehouse(built_warehouse: Path) -> Path:
    return built_warehouse


@pytest.mark.parametrize("stem", PAGES)
def test_every_page_runs_with_sources_and_table_alternatives(stem: str) -> None:
    at = open_page(stem)
    assert_clean(at)
    if stem not in ("bronnen", "toegankelijkheid"):  # pages without figures
        assert any(c.startswith("Bron: ") for c in captions(at)), stem
    maps = [s for s in plotly_specs(at) if any(d["type"] == "choropleth" for d in s["data"])]
    # Every map has a table next to it (the "Tabel" tab).
    assert len(at.dataframe) >= len(maps)
    for spec in maps:
        assert spec["layout"]["geo"]["fitbounds"] == "locations"
        assert spec["layout"]["geo"]["visible"] is False


@pytest.mark.parametrize("stem", ["opvang", "gemeente", "bronnen"])
def test_pages_run_inside_the_frame(stem: str) -> None:
    """Opened directly, a page still runs through app.py: the language switch is in the sidebar."""
    at = open_page(stem)
    assert_clean(at)
    assert len(at.sidebar.toggle) == 1


def test_embedded_view_has_no_controls() -> None:
    at = open_page("embed", embedded=True, view="map", indicator="coa_plaatsen")
    assert_clean(at)
    assert len(at.sidebar.toggle) == 0
    assert not at.selectbox and not at.multiselect


def test_overzicht_headlines_equal_the_warehouse(built_warehouse: Path) -> None:
    at = open_page("overzicht")
    assert_clean(at)
    asylum = sql(
        built_warehouse,
        "SELECT value FROM observation WHERE indicator_id = 'asielverzoeken_en_nareizigers' AND region_code = 'NL01' "
        "ORDER BY period DESC LIMIT 1",
    )[0][0]
    places = sql(
        built_warehouse,
        "SELECT value FROM observation WHERE indicator_id = 'coa_plaatsen' AND region_code = 'NL01' "
        "ORDER BY period DESC "
        "LIMIT 1",
    )[0][0]
    values = [m.value for m in at.metric]
    assert fmt_number(asylum) in values
    assert fmt_number(places) in values
    assert "–" in values  # integration: no open data, and the page says who would publish it
    assert any("DUO" in c for c in captions(at))


def coa_day(path: Path) -> str:
    return str(sql(path, "SELECT max(period) FROM observation WHERE indicator_id = 'coa_plaatsen'")[0][0])


def test_opvang_url_round_trip_and_rates(built_warehouse: Path) -> None:
    day = coa_day(built_warehouse)
    params = {"indicator": "coa_plaatsen", "period": day, "pv": "PV25", "measure": "rate"}
    at = open_page("opvang", **params)
    assert_clean(at)
    assert qp(at) == params
    assert at.selectbox(key="w_opvang_indicator").value == "coa_plaatsen"
    assert at.selectbox(key="w_opvang_pv").value == "PV25"
    expected = sql(
        built_warehouse,
        """SELECT o.region_code, o.value, p.value FROM observation o
           JOIN observation p ON p.region_code = o.region_code AND p.region_year = o.region_year
            AND p.indicator_id = 'bevolking' AND p.period = make_date(year(o.period), 1, 1)
           JOIN region_parent rp ON rp.code = o.region_code AND rp.year = o.region_year
            AND rp.parent_level = 'provincie'
           WHERE o.indicator_id = 'coa_plaatsen' AND o.period = ? AND rp.parent_code = 'PV25'""",
        [day],
    )
    table = at.dataframe[0].value
    shown = {row["code"]: row for row in table.to_dict("records")}
    assert set(shown) == {code for code, _, _ in expected}
    for code, value, population in expected:
        assert shown[code]["value"] == value
        assert shown[code]["rate"] == pytest.approx(round(value / population * 1000, 2))
    # The map colours rates; hover carries the absolute number.
    choropleth = [d for d in plotly_specs(at)[0]["data"] if d["type"] == "choropleth"][0]
    z = dict(zip(choropleth["locations"], choropleth["z"], strict=True))
    for code, value, population in expected:
        if code in z:
            assert z[code] == pytest.approx(value / population * 1000)
    points = [d for d in plotly_specs(at)[0]["data"] if d["type"] == "scattergeo"]
    assert points, "COA locations are drawn as points"
    # The grey gemeenten without a figure (not 0) are named in the legend, for readers who cannot hover.
    grey = [d for d in plotly_specs(at)[0]["data"] if d["type"] == "choropleth" and d.get("showlegend")]
    assert [d["name"] for d in grey] == ["geen gegevens"] and set(grey[0]["locations"]).isdisjoint(z)
    # One legend entry per group, in Dutch; the head office is listed in the table but not drawn.
    legend = {d["name"] for d in points}
    assert {"azc", "noodopvang", "procesopvang (COL/POL)"} <= legend
    assert not legend & {"other", "kantoor", "hoofdkantoor (geen opvang)"}
    drawn = sum(len(d["lat"]) for d in points)
    reception = sql(
        built_warehouse,
        """SELECT count(*) FROM coa_location c JOIN region_parent rp ON rp.code = c.gemeente_code
             AND rp.year = c.gemeente_year AND rp.parent_level = 'provincie' AND rp.parent_code = 'PV25'
           WHERE c.places IS NOT NULL AND c.type_group <> 'kantoor'""",
    )[0][0]
    assert drawn == reception > 0  # the province filter (Gelderland) applies to the points too
    kinds = {row["category"] for row in at.dataframe[1].value.to_dict("records")}
    assert "noodopvang" in kinds and "azc" in kinds
    everywhere = open_page("opvang", indicator="coa_plaatsen", period=day)
    kinds = {row["category"] for row in everywhere.dataframe[1].value.to_dict("records")}
    assert "hoofdkantoor (geen opvang)" in kinds  # listed as in the file, but not drawn on the map


def test_opvang_widget_change_updates_the_url() -> None:
    at = open_page("opvang", indicator="coa_plaatsen")
    at.selectbox(key="w_opvang_indicator").set_value("noodopvang_plaatsen").run()
    assert_clean(at)
    assert qp(at)["indicator"] == "noodopvang_plaatsen"
    at.selectbox(key="w_opvang_pv").set_value("PV30").run()
    assert qp(at)["pv"] == "PV30" and qp(at)["indicator"] == "noodopvang_plaatsen"


def test_gemeente_page_value_equals_the_observation(built_warehouse: Path) -> None:
    at = open_page("gemeente", gm="GM0599")
    assert_clean(at)
    assert at.selectbox(key="w_gemeente_gm").value == "GM0599"
    assert qp(at) == {"gm": "GM0599"}
    name = sql(built_warehouse, "SELECT name FROM region WHERE code = 'GM0599' ORDER BY year DESC LIMIT 1")[0][0]
    assert any(name in h.value for h in at.header)
    rows = {}
    for frame in at.dataframe:
        for record in frame.value.to_dict("records"):
            if "indicator" in record:
                rows[(record["indicator"], record["period"])] = record
    for indicator_id, label, unit in sql(built_warehouse, "SELECT id, label_nl, unit FROM indicator"):
        matches = [r for (lbl, _), r in rows.items() if lbl == label]
        if not matches:
            continue
        stored = sql(
            built_warehouse,
            "SELECT value FROM observation WHERE indicator_id = ? AND region_code = 'GM0599' ORDER BY period",
            [indicator_id],
        )
        shown = matches[0].get("value_text", matches[0]["gemeente"])  # no value column where it would repeat
        if stored:
            assert shown in {fmt_value(v, unit) for (v,) in stored}, (indicator_id, shown)
    taakstelling = sql(
        built_warehouse,
        "SELECT value FROM observation WHERE indicator_id = 'taakstelling' AND region_code = 'GM0599'",
    )[0][0]
    assert any(
        r.get("value_text", r["gemeente"]) == fmt_number(taakstelling)
        for (lbl, _), r in rows.items()
        if lbl == "Taakstelling"
    )
    # The copy-link control reproduces the view.
    assert any("gemeente?gm=GM0599" in c.value for c in at.code)


def _profile_rows(at: AppTest) -> dict[str, dict]:
    return {r["indicator"]: r for f in at.dataframe for r in f.value.to_dict("records") if "indicator" in r}


def test_a_merged_gemeente_shows_its_predecessors_figures(built_warehouse: Path) -> None:
    """Land van Cuijk (2022) did not exist in 2016: its housing figures are those of the five gemeenten it
    was formed from, added up through the crosswalk, and the page says so."""
    at = open_page("gemeente", gm="GM1982")
    assert_clean(at)
    rows = _profile_rows(at)

    def from_predecessors(indicator: str) -> float:
        return sql(
            built_warehouse,
            """SELECT sum(x.weight * o.value) FROM crosswalk x JOIN observation o
                 ON o.region_code = x.from_code AND o.region_year = x.from_year
               WHERE x.to_code = 'GM1982' AND x.from_year = 2016 AND o.indicator_id = ? AND o.period_type = 'half'""",
            [indicator],
        )[0][0]

    for indicator, label in (("taakstelling", "Taakstelling"), ("realisatie", "Gehuisveste vergunninghouders")):
        assert rows[label].get("value_text", rows[label]["gemeente"]) == fmt_value(
            from_predecessors(indicator), "personen"
        ), indicator
    pct = from_predecessors("realisatie") / from_predecessors("taakstelling_gecorrigeerd") * 100
    assert rows["Realisatie van de gecorrigeerde taakstelling"]["gemeente"] == fmt_value(pct, "procent")
    names = sql(
        built_warehouse,
        """SELECT r.name FROM crosswalk x JOIN region r ON r.code = x.from_code AND r.year = x.from_year
           WHERE x.to_code = 'GM1982' AND x.from_year = 2016""",
    )
    assert len(names) == 5
    note = next(c for c in captions(at) if "bestond in 2016 nog niet" in c)
    assert all(name in note for (name,) in names)


def test_shares_by_area_are_named_as_estimates(built_warehouse: Path) -> None:
    """Midden-Groningen (2018) in the 2016 housing table: Hoogezand-Sappemeer and Menterwolde wholly, Slochteren
    by its area share."""
    parts = sql(
        built_warehouse,
        """SELECT r.name, x.weight FROM crosswalk x JOIN region r ON r.code = x.from_code AND r.year = 2016
           WHERE x.from_year = 2016 AND x.to_code = 'GM1952' ORDER BY x.weight DESC, r.name""",
    )
    partial = [(name, weight) for name, weight in parts if weight < 0.995]
    assert len(parts) == 3 and len(partial) == 1
    at = open_page("gemeente", gm="GM1952")
    assert_clean(at)
    note = next(c for c in captions(at) if "bestond in 2016 nog niet" in c)
    name, weight = partial[0]
    assert all(n in note for n, _ in parts) and f"{name} ({fmt_number(weight * 100)}%)" in note
    assert any("naar oppervlakte" in c for c in captions(at))


def test_huisvesting_opens_the_largest_predecessor_of_a_later_gemeente(built_warehouse: Path) -> None:
    """A link to Land van Cuijk (2022) on the 2016 housing page lands on the predecessor with the largest share
    and names all five, instead of calling the gemeente unknown."""
    parts = sql(
        built_warehouse,
        """SELECT x.from_code, r.name FROM crosswalk x JOIN region r ON r.code = x.from_code AND r.year = 2016
           WHERE x.to_code = 'GM1982' AND x.from_year = 2016 ORDER BY x.weight DESC, x.from_code""",
    )
    at = open_page("huisvesting", gm="GM1982")
    assert_clean(at)
    assert not at.warning
    assert at.selectbox(key="w_huisvesting_gm").value in {code for code, _ in parts}
    note = at.info[0].value
    assert note.startswith("Land van Cuijk bestond in 2016 nog niet") and all(name in note for _, name in parts)
    # The user's own next choice is theirs: no note again.
    at.selectbox(key="w_huisvesting_gm").set_value("GM0363").run()
    assert_clean(at)
    assert not at.info and qp(at)["gm"] == "GM0363"


def test_gemeente_by_name_and_in_english() -> None:
    at = open_page("gemeente", gm="rotterdam", lang="en")
    assert_clean(at)
    assert at.selectbox(key="w_gemeente_gm").value == "GM0599"
    assert qp(at) == {"gm": "GM0599", "lang": "en"}
    assert at.title[0].value == "Municipality"


def test_huisvesting_months_add_up(built_warehouse: Path) -> None:
    at = open_page("huisvesting", gm="GM0363", indicator="huisvesting_saldo")
    assert_clean(at)
    assert qp(at)["gm"] == "GM0363" and qp(at)["indicator"] == "huisvesting_saldo"
    half = sql(
        built_warehouse,
        "SELECT value FROM observation WHERE indicator_id = 'realisatie' AND region_code = 'GM0363' "
        "AND period_type = 'half'",
    )[0][0]
    months = [f.value for f in at.dataframe if "cumulative" in f.value.columns][0]
    assert months["cumulative"].iloc[-1] == half
    # Backlog/lead map: diverging scale centred on zero.
    choropleth = [d for d in plotly_specs(at)[0]["data"] if d["type"] == "choropleth"][0]
    assert choropleth["zmid"] == 0 and choropleth["zmin"] == -choropleth["zmax"]


@pytest.mark.parametrize(
    ("stem", "params", "message_part"),
    [
        ("gemeente", {"gm": "<script>alert(1)</script>"}, "Gemeente"),
        ("gemeente", {"gm": "GM0363'; DROP TABLE observation; --"}, "Gemeente"),
        ("opvang", {"period": "2099JJ00"}, "Periode"),
        ("opvang", {"indicator": "'; DELETE FROM source; --"}, "indicator"),
        ("vergelijk", {"level": "wijk"}, "regioniveau"),
        ("overzicht", {"period": "[x](javascript:alert(1))"}, "Periode"),
        ("embed", {"view": "../../etc/passwd", "indicator": "coa_plaatsen"}, "weergave"),
        ("opvang", {"pv": "PV99"}, "provincie"),
        ("overzicht", {"lang": "xx"}, "taal"),
    ],
)
def test_invalid_parameters_give_a_message_and_a_default(
    stem: str,
    params: dict[str, str],
    message_part: str,
    built_warehouse: Path,
) -> None:
    at = open_page(stem, **params)
    assert_clean(at)
    warnings = [w.value for w in at.warning]
    assert any(message_part.lower() in w.lower() for w in warnings), warnings
    echoed = [w[w.index("“") : w.index("”")] for w in warnings if "“" in w]
    assert echoed
    for text in echoed:
        assert not set(text) & set("<>;'()[]:/`\\"), text
    assert not any("<script" in m.value or "javascript:" in m.value for m in at.markdown)
    invalid = next(iter(params))
    assert qp(at).get(invalid) != params[invalid], f"{invalid} kept the invalid value"
    assert sql(built_warehouse, "SELECT count(*) FROM observation")[0][0] > 0


def test_vergelijk_keeps_at_most_ten() -> None:
    codes = [
        "GM0363",
        "GM0599",
        "GM0518",
        "GM0344",
        "GM0772",
        "GM0034",
        "GM0268",
        "GM0193",
        "GM0014",
        "GM0855",
        "GM0202",
        "GM0153",
    ]
    at = open_page("vergelijk", level="gemeente", indicator="bevolking", gm=",".join(codes))
    assert_clean(at)
    assert any("10" in w.value for w in at.warning)
    assert at.multiselect(key="w_vergelijk_gm").value == codes[:10]
    assert qp(at)["gm"] == ",".join(codes[:10])
    bars = [d for d in plotly_specs(at)[0]["data"] if d["type"] == "bar"][0]
    assert len(bars["y"]) == 10


def test_url_written_after_clicks_reproduces_the_view() -> None:
    """Click around, copy the address bar, open it in a new session: the same view."""
    first = open_page("vergelijk")
    first.segmented_control(key="w_vergelijk_level").set_value("provincie").run()
    first.selectbox(key="w_vergelijk_indicator").set_value("taakstelling").run()
    first.multiselect(key="w_vergelijk_gm").set_value(["PV20", "PV31", "PV27"]).run()
    first.segmented_control(key="w_vergelijk_measure").set_value("abs").run()
    assert_clean(first)
    url = qp(first)
    assert url["level"] == "provincie" and url["gm"] == "PV20,PV31,PV27" and url["indicator"] == "taakstelling"
    second = open_page("vergelijk", **url)
    assert_clean(second)
    assert qp(second) == url
    assert not second.warning
    assert plotly_specs(second)[0]["data"] == plotly_specs(first)[0]["data"]
    assert second.multiselect(key="w_vergelijk_gm").value == ["PV20", "PV31", "PV27"]


def test_vergelijk_bars_equal_the_observations(built_warehouse: Path) -> None:
    at = open_page("vergelijk", level="provincie", indicator="taakstelling", gm="PV27,PV28", measure="abs")
    assert_clean(at)
    expected = dict(
        sql(
            built_warehouse,
            "SELECT r.name, o.value FROM observation o "
            "JOIN region r ON r.code = o.region_code AND r.year = o.region_year "
            "WHERE o.indicator_id = 'taakstelling' AND o.region_code IN ('PV27', 'PV28') AND o.period_type = 'half'",
        )
    )
    bars = [d for d in plotly_specs(at)[0]["data"] if d["type"] == "bar"][0]
    assert dict(zip(bars["y"], bars["x"], strict=True)) == expected


def test_vergelijk_accepts_a_gemeente_without_data_and_says_so(built_warehouse: Path) -> None:
    """A link from Amsterdam's Gemeente page keeps Amsterdam even on an indicator the source lacks it for."""
    held = sql(
        built_warehouse,
        "SELECT count(*) FROM observation WHERE indicator_id = 'coa_plaatsen' AND region_code = 'GM0363'",
    )[0][0]
    assert held == 0  # TNO's 2015 file lists no COA location in Amsterdam
    at = open_page("vergelijk", level="gemeente", indicator="coa_plaatsen", gm="GM0363,GM0518")
    assert_clean(at)
    assert not at.warning and not at.info
    assert at.multiselect(key="w_vergelijk_gm").value == ["GM0363", "GM0518"]
    assert any(c.startswith("Geen gegevens") and "Amsterdam" in c for c in captions(at))
    bars = [d for d in plotly_specs(at)[0]["data"] if d["type"] == "bar"][0]
    assert list(bars["y"]) == ["'s-Gravenhage"]


def test_vergelijk_treats_a_later_gemeente_without_listed_predecessors_like_one_without_data() -> None:
    """The 2015 COA list is a selection. Amsterdam is not in it; of Land van Cuijk's and Gooise Meren's
    predecessors not all are: all three are "no data" here, none of them 0. Westerwolde's two predecessors are
    both listed and it gets a bar."""
    at = open_page("vergelijk", level="gemeente", indicator="coa_plaatsen", gm="GM1982,GM1942,GM0363,GM1950")
    assert_clean(at)
    bars = [d for d in plotly_specs(at)[0]["data"] if d["type"] == "bar"][0]
    assert list(bars["y"]) == ["Westerwolde"]
    nodata = next(c for c in captions(at) if c.startswith("Geen gegevens"))
    assert all(name in nodata for name in ("Land van Cuijk", "Gooise Meren", "Amsterdam"))


def test_vergelijk_with_no_values_says_so_instead_of_drawing_empty_axes() -> None:
    at = open_page("vergelijk", level="gemeente", indicator="coa_plaatsen", gm="GM0363")
    assert_clean(at)
    assert at.info and at.info[0].value.startswith("Geen van de gekozen gebieden heeft een waarde")
    assert [s for s in plotly_specs(at) if any(d["type"] == "bar" for d in s["data"])] == []
    assert not any(c.startswith("Voor 2015 is geen inwonertal") for c in captions(at))  # 2015 has one
    assert not any(c.strip() in {"Bron: .", "Bron:"} for c in captions(at))


def test_vergelijk_carries_a_later_gemeente_back_through_its_predecessors(built_warehouse: Path) -> None:
    at = open_page("vergelijk", level="gemeente", indicator="taakstelling", gm="GM1982,GM0268", measure="abs")
    assert_clean(at)
    expected = sql(
        built_warehouse,
        """SELECT sum(x.weight * o.value) FROM crosswalk x JOIN observation o
             ON o.region_code = x.from_code AND o.region_year = x.from_year
           WHERE x.to_code = 'GM1982' AND x.from_year = 2016 AND o.indicator_id = 'taakstelling'""",
    )[0][0]
    bars = [d for d in plotly_specs(at)[0]["data"] if d["type"] == "bar"][0]
    assert dict(zip(bars["y"], bars["x"], strict=True))["Land van Cuijk"] == pytest.approx(expected)
    assert any(c.startswith("Bestond in 2016 nog niet: Land van Cuijk.") for c in captions(at))
    assert not any(c.startswith("Geen gegevens") for c in captions(at))


def test_vergelijk_says_formed_later_only_of_gemeenten_formed_later() -> None:
    """Summed per gemeente from a list of locations is 'derived' too, but Amsterdam existed in 2015: no note."""
    at = open_page("vergelijk", level="gemeente", indicator="coa_plaatsen", gm="GM0363,GM0344,GM1950")
    assert_clean(at)
    notes = [c for c in captions(at) if "nog niet" in c]
    assert notes and all("Amsterdam" not in c and "Utrecht" not in c for c in notes)
    assert any("Westerwolde" in c for c in notes)


def test_embed_chart_of_a_national_series(built_warehouse: Path) -> None:
    from datetime import date

    from contract.periods import period_end
    from dashboard.i18n import fmt_age

    at = open_page("embed", view="chart", indicator="asielverzoeken_en_nareizigers")
    assert_clean(at)
    assert qp(at)["level"] == "land"
    # Someone else's site shows how old the newest figure is, computed from the warehouse.
    ((newest,),) = sql(
        built_warehouse,
        "SELECT max(period) FROM observation WHERE indicator_id = 'asielverzoeken_en_nareizigers'",
    )
    age = fmt_age(period_end(newest, "year"), date.today(), "nl")
    line = f"Nieuwste cijfer van Asielverzoeken en nareizigers voor heel Nederland: {newest.year} ({age})."
    assert line in captions(at), captions(at)[:2]
    specs = plotly_specs(at)
    assert len(specs) == 1 and specs[0]["data"][0]["type"] == "scatter"
    assert any("80059NED" in c for c in captions(at))
    assert any("opvang?" in m.value and "indicator=asielverzoeken_en_nareizigers" in m.value for m in at.markdown)


def test_embed_map_with_highlight() -> None:
    at = open_page("embed", view="map", indicator="realisatie_pct", gm="GM0363")
    assert_clean(at)
    traces = [d for d in plotly_specs(at)[0]["data"] if d["type"] == "choropleth"]
    # Amsterdam is drawn once with its value and outlined by a one-shape trace on top.
    outline = traces[-1]
    assert outline["locations"] == ["GM0363"] and [f["id"] for f in outline["geojson"]["features"]] == ["GM0363"]
    assert outline["marker"]["line"]["width"] > max(t["marker"]["line"]["width"] for t in traces[:-1])
    assert outline["hoverinfo"] == "skip"
    assert sum(t["locations"].count("GM0363") for t in traces[:-1]) == 1


def test_bronnen_lists_every_source(built_warehouse: Path) -> None:
    at = open_page("bronnen")
    assert_clean(at)
    count = sql(built_warehouse, "SELECT count(*) FROM source")[0][0]
    assert len(at.dataframe[0].value) == count
    assert {"sha256", "licence", "reference_date"} <= set(at.dataframe[0].value.columns)
    assert len(at.get("download_button")) == 6
    glossary = " ".join(m.value for m in at.markdown)
    assert "nareiziger" in glossary and "gecorrigeerde taakstelling" in glossary


def test_missing_warehouse_says_how_to_build_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KETEN_WAREHOUSE", str(tmp_path / "nothing.duckdb"))
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()
    assert_clean(at)
    assert [c.value for c in at.code] == ["python -m etl prepare"]
    assert at.title[0].value == "Nog geen gegevens"


def test_broken_warehouse_says_how_to_rebuild(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "ketenmonitor.duckdb"
    broken.write_bytes(b"not a database")
    monkeypatch.setenv("KETEN_WAREHOUSE", str(broken))
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()
    assert_clean(at)
    assert [c.value for c in at.code] == ["python -m etl prepare"]


def test_integratie_offers_only_periods_it_can_show(built_warehouse: Path) -> None:
    """The period selector lists the years of what the page shows (its own indicators and the context figure),
    not every year the warehouse holds anything in: a choice must change what is on the page."""
    at = open_page("integratie", gm="GM0363")
    assert_clean(at)
    shown = sql(
        built_warehouse,
        """SELECT DISTINCT year(o.period) FROM observation o JOIN indicator i ON i.id = o.indicator_id
           WHERE (i.theme = 'integratie' OR o.indicator_id = 'herkomst_buiten_europa') AND o.region_code LIKE 'GM%'
           ORDER BY 1""",
    )
    options = at.selectbox(key="w_integratie_period").options
    assert [int(o[:4]) for o in options] == [y for (y,) in shown], options


def test_coa_location_colours_do_not_change_with_a_province_filter() -> None:
    """A kind of location (azc, noodopvang, ...) has the same colour for the whole country and for one province."""

    def colours(at: AppTest) -> dict[str, str]:
        return {
            trace["name"]: trace["marker"]["color"]
            for spec in plotly_specs(at)
            for trace in spec["data"]
            if trace["type"] == "scattergeo"
        }

    country = colours(open_page("opvang", indicator="coa_plaatsen", period="2015-11-03"))
    gelderland = colours(open_page("opvang", indicator="coa_plaatsen", period="2015-11-03", pv="PV25"))
    assert len(gelderland) >= 2 and set(gelderland) <= set(country)
    assert {name: country[name] for name in gelderland} == gelderland


def test_a_colour_scale_that_stops_below_the_highest_value_says_so(built_warehouse: Path) -> None:
    """The Integratie context map stops its colours at the 95th percentile; Amsterdam lies far above it. The top
    of the colour bar reads '≥ <stop>' and the stop is below Amsterdam's rate, so the darkest colour is honest."""
    at = open_page("integratie", gm="GM0363")
    assert_clean(at)
    (spec,) = [s for s in plotly_specs(at) if any(d["type"] == "choropleth" for d in s["data"])]
    trace = spec["data"][0]
    bar = trace["colorbar"]
    assert bar["ticktext"][-1].startswith("≥ ") and bar["tickvals"][-1] == trace["zmax"]
    amsterdam = sql(
        built_warehouse,
        """SELECT max(value) FROM observation WHERE indicator_id = 'herkomst_buiten_europa'
           AND region_code = 'GM0363'""",
    )[0][0]
    assert trace["zmax"] < max(trace["z"]) and amsterdam > 0


def test_gemeente_page_explains_province_mean_on_the_page() -> None:
    """'Provincie (gem.)' is the mean per gemeente: the page says so in text, not only in a tooltip."""
    from dashboard.i18n import t

    at = open_page("gemeente", gm="GM0363")
    assert_clean(at)
    labels = [m.label for m in at.metric]
    assert t("gm_compare_pv_mean", "nl") in labels
    assert t("gm_mean_help", "nl") in captions(at)


def test_gemeente_page_defines_every_row_it_compares(built_warehouse: Path) -> None:
    """Dijk en Waard's 2,47 COA places per 1,000 (the locations list) and 7,42 'in bestaande COA-locaties' (TNO
    per gemeente) are two sources; the page shows what each row counts, from the catalogue."""
    at = open_page("gemeente", gm="GM1980")
    assert_clean(at)
    text = "\n".join(captions(at))
    for (definition,) in sql(
        built_warehouse,
        "SELECT definition_nl FROM indicator WHERE id IN ('coa_plaatsen', 'opvang_plaatsen_bestaand')",
    ):
        assert definition in text


def _number_columns(at: AppTest) -> list[tuple[str, dict, list]]:
    """(label, type config, values) of every number column of every table on the page."""
    out = []
    for table in at.dataframe:
        config = json.loads(table.proto.columns)
        frame = table.value
        for column, spec in config.items():
            if spec.get("type_config", {}).get("type") == "number" and column in frame.columns:
                out.append((spec["label"], spec["type_config"], frame[column].dropna().tolist()))
    return out


@pytest.mark.parametrize(
    "stem, params",
    [
        ("huisvesting", {"gm": "GM0363"}),
        ("embed", {"view": "table", "indicator": "realisatie_pct", "period": "2016HJ01", "level": "gemeente"}),
        ("vergelijk", {"indicator": "realisatie_pct", "level": "gemeente"}),
    ],
)
def test_table_numbers_are_rounded_and_in_the_readers_format(stem: str, params: dict) -> None:
    """No printf pattern (which wrote '445.5%' in a Dutch page): numbers are rounded to their unit's decimals
    and shown in the reader's own format; a percentage says '%' in its header."""
    at = open_page(stem, **params)
    assert_clean(at)
    columns = _number_columns(at)
    assert columns
    for label, config, values in columns:
        assert config.get("format") == "localized", (label, config)
        decimals = 1 if "%" in label else 2
        assert all(round(v, decimals) == v for v in values), (label, values[:5])
    assert any("%" in label for label, _, _ in columns)


def test_chart_axes_write_whole_numbers_not_si_units() -> None:
    """'100.000' on an axis, not Plotly's '100k'."""
    at = open_page("vergelijk", indicator="bevolking", level="gemeente")
    assert_clean(at)
    specs = plotly_specs(at)
    bars = [s for s in specs if s["data"][0]["type"] == "bar"]
    lines = [s for s in specs if s["data"][0]["type"] == "scatter"]
    assert bars and lines
    assert all(s["layout"]["xaxis"]["tickformat"] == ",~f" for s in bars)
    assert all(s["layout"]["yaxis"]["tickformat"] == ",~f" for s in lines)


def test_bronnen_says_what_a_missing_retrieval_time_means(built_warehouse: Path) -> None:
    """A stored copy has no download time: the Sources table says 'stored copy (see notes)', never 'unknown'."""
    at = open_page("bronnen")
    assert_clean(at)
    table = next(
        t.value
        for t in at.dataframe
        if "Opgehaald" in json.loads(t.proto.columns).get("retrieved_text", {}).get("label", "")
    )
    stored = sql(built_warehouse, "SELECT count(*) FROM source WHERE retrieved_at IS NULL")[0][0]
    texts = table["retrieved_text"].tolist()
    assert not any("onbekend" in text for text in texts)
    assert sum(text.startswith("opgeslagen kopie") for text in texts) == stored


def test_bronnen_in_english_names_themes_in_english() -> None:
    """The 'Missing sources' list said 'huisvesting', 'opvang' in the English interface; now it is a list (the
    table scrolled sideways) grouped under English theme names, with English topics."""
    from dashboard.i18n import t

    at = open_page("bronnen", lang="en")
    assert_clean(at)
    text = "\n".join(m.value for m in at.markdown)
    assert "**Integration**" in text
    assert not any(f"**{t(f'Theme_{x}', 'nl')}**" in text for x in ("opvang", "huisvesting", "integratie"))
    assert not any("topic_en" in json.loads(table.proto.columns) for table in at.dataframe)


@pytest.mark.parametrize("stem", ["opvang", "huisvesting", "overzicht"])
def test_tables_put_the_figures_next_to_the_name(stem: str) -> None:
    """A phone shows about three columns: every ranking table has its figures right after the name (which stays
    pinned when scrolling sideways), and the code last."""
    at = open_page(stem, gm="GM0363")
    assert_clean(at)
    rankings = [json.loads(t.proto.columns) for t in at.dataframe if "rank" in json.loads(t.proto.columns)]
    assert rankings
    for config in rankings:
        order = [c for c in config if c != "_index"]
        assert order[:2] == ["rank", "name"] and order[-1] == "code", order
        assert config[order[2]]["type_config"]["type"] == "number", order
        assert config["name"].get("pinned") is True


def test_monthly_chart_has_no_labels_under_the_line_and_room_for_its_axis() -> None:
    """Huisvesting's monthly chart: no bar labels for the cumulative line's markers to cover (the numbers are in
    the hover and the table), the legend at the foot of the figure so a phone's month labels keep their room,
    and thousands written out on the axis."""
    at = open_page("huisvesting", gm="GM0363")
    assert_clean(at)
    (spec,) = [s for s in plotly_specs(at) if [d["type"] for d in s["data"]] == ["bar", "scatter", "scatter"]]
    assert spec["data"][0]["textposition"] == "none"
    legend = spec["layout"]["legend"]
    assert (legend["yref"], legend["y"], legend["yanchor"]) == ("container", 0, "bottom")
    assert spec["layout"]["yaxis"]["tickformat"] == ",~f"


def test_every_theme_says_how_old_its_newest_figure_is(built_warehouse: Path) -> None:
    """An alderman must not take a 2016 figure for today's: each theme page names the newest period it holds and
    its age, computed from the warehouse (the period's end against today)."""
    from datetime import date

    from contract.periods import period_end
    from dashboard.i18n import fmt_age, period_label

    for stem, theme in (("opvang", "opvang"), ("huisvesting", "huisvesting"), ("overzicht", "huisvesting")):
        at = open_page(stem, gm="GM0363")
        assert_clean(at)
        held = sql(
            built_warehouse,
            """SELECT DISTINCT o.period, o.period_type FROM observation o JOIN indicator i ON i.id = o.indicator_id
               WHERE i.theme = ?""",
            [theme],
        )
        newest = max(period_end(start, kind) for start, kind in held)
        age = fmt_age(newest, date.today(), "nl")
        lines = {f"{period_label(s, k, 'nl')} ({age};" for s, k in held if period_end(s, k) == newest}
        assert any(line in c for c in captions(at) for line in lines), (stem, lines, captions(at)[:3])
        assert "geleden" in age


def test_the_gemeente_page_says_how_old_the_newest_figure_per_gemeente_is() -> None:
    """The newest 'opvang' figure is a national count of 2018; per gemeente it is 3 November 2015. The Gemeente
    page says the latter, and the theme pages say what the newest figure is."""
    at = open_page("gemeente", gm="GM0363")
    assert_clean(at)
    assert any(c.startswith("Nieuwste cijfer per gemeente over opvang: 3 november 2015 (") for c in captions(at))
    at = open_page("opvang")
    assert any("Nieuwste cijfer over opvang: 2018 (" in c and "heel Nederland)" in c for c in captions(at))


def test_period_end_is_the_start_of_the_next_period() -> None:
    from datetime import date

    from contract.periods import period_end

    assert period_end(date(2016, 1, 1), "half") == date(2016, 7, 1)
    assert period_end(date(2016, 7, 1), "half") == date(2017, 1, 1)
    assert period_end(date(2024, 12, 1), "month") == date(2025, 1, 1)
    assert period_end(date(2015, 11, 3), "day") == date(2015, 11, 3)
    assert period_end(date(2018, 1, 1), "year") == date(2019, 1, 1)


def test_accessibility_statement_says_what_is_tested_in_both_languages() -> None:
    for lang, words in (
        ("nl", ("axe-core", "390 pixels", "schermlezer")),
        ("en", ("axe-core", "390 pixels", "screen reader")),
    ):
        at = open_page("toegankelijkheid", **({"lang": "en"} if lang == "en" else {}))
        assert_clean(at)
        text = "\n".join(m.value for m in at.markdown)
        assert all(w in text for w in words), (lang, text[:300])


def test_embed_table_shows_the_figure_next_to_the_name_and_the_code_last() -> None:
    at = open_page("embed", view="table", indicator="coa_plaatsen", level="gemeente")
    assert_clean(at)
    columns = list(at.dataframe[0].value.columns)
    assert columns[:2] == ["name", "value"] and columns[-1] == "code"


def test_trend_lines_have_room_above_their_highest_point() -> None:
    """The Gemeente page's 'Verloop' line (population near its maximum) was drawn on the plot's top edge."""
    at = open_page("gemeente", gm="GM1980")
    assert_clean(at)
    trends = [s for s in plotly_specs(at) if s["data"][0]["type"] == "scatter"]
    assert trends
    for spec in trends:
        highest = max(v for trace in spec["data"] for v in trace["y"] if v is not None)
        assert spec["layout"]["yaxis"]["range"][1] >= highest * 1.05


def test_english_tables_write_english_numbers_whatever_the_browser() -> None:
    """A Dutch browser's locale gave '3.000' in the English view; English pages now pin 1,234.5."""
    at = open_page("opvang", lang="en")
    assert_clean(at)
    columns = _number_columns(at)
    assert columns
    for label, config, _ in columns:
        assert config.get("format") in {"%,d", "%,.1f", "%,.2f"}, (label, config)


def test_bronnen_says_what_an_unlisted_gemeente_means_per_source() -> None:
    at = open_page("bronnen")
    assert_clean(at)
    sources = at.dataframe[0].value
    by_id = dict(zip(sources["title"], sources["absent_text"], strict=True))
    assert by_id["Asielzoekerscentra (csWeb-laag 'azc', Vluchtelingen in kaart)"] == "geen bekend cijfer"


def test_the_coverage_sentence_is_computed_from_the_warehouse(built_warehouse: Path) -> None:
    """It was written by hand ('1975–2018'); now it follows what the warehouse holds."""
    at = open_page("overzicht")
    assert_clean(at)
    note = next(c for c in captions(at) if c.startswith("Wat er echt is:"))
    first, last = sql(
        built_warehouse,
        """SELECT min(year(period)), max(year(period)) FROM observation
           WHERE indicator_id = 'asielverzoeken_en_nareizigers' AND region_code = 'NL01'""",
    )[0]
    assert f"opvang per gemeente 3 november 2015, landelijk {first}–{last}" in note
    assert "huisvesting per gemeente 2016 1e helft" in note and "integratie nog niets" in note
    at = open_page("overzicht", lang="en")
    assert any(c.startswith("What really exists: population per municipality 2015, 2019–2025") for c in captions(at))


def test_gemeente_offers_the_factsheet_when_a_static_site_is_published(monkeypatch) -> None:
    monkeypatch.setenv("KETEN_STATIC_URL", "https://static.example.org/keten/")
    at = open_page("gemeente", gm="GM1980")
    assert_clean(at)
    text = "\n".join(m.value for m in at.markdown)
    assert "(https://static.example.org/keten/gemeente/GM1980.pdf)" in text
    monkeypatch.delenv("KETEN_STATIC_URL")
    at = open_page("gemeente", gm="GM1980")
    assert "GM1980.pdf" not in "\n".join(m.value for m in at.markdown)


def test_embed_offers_the_live_and_the_static_snippet(monkeypatch) -> None:
    monkeypatch.setenv("KETEN_STATIC_URL", "https://static.example.org/keten")
    at = open_page("embed", view="map", indicator="taakstelling", level="gemeente", period="2016HJ01")
    assert_clean(at)
    snippets = [c.value for c in at.code]
    assert any(
        "/embed?view=map&level=gemeente&indicator=taakstelling&period=2016HJ01&embed=true" in s for s in snippets
    )
    assert any(
        'src="https://static.example.org/keten/embed/taakstelling/gemeente/2016HJ01/map.html"' in s for s in snippets
    )
    embedded = open_page("embed", embedded=True, view="map", indicator="taakstelling")
    assert not embedded.code  # inside an iframe the view stands alone


def test_embed_bars_of_a_percentage_say_percent() -> None:
    at = open_page("embed", view="chart", indicator="realisatie_pct", level="provincie", period="2016HJ01")
    assert_clean(at)
    bars = [d for d in plotly_specs(at)[0]["data"] if d["type"] == "bar"][0]
    assert bars["text"] and all(text.endswith("%") for text in bars["text"])


def test_theme_pages_say_what_the_warehouse_holds_not_what_a_text_once_said(built_warehouse: Path) -> None:
    """'Open data per gemeente only for the first half of 2016 (390 gemeenten)' was written by hand and would stay
    after an added half-year or in a live-only build. The sentence is now computed: the periods held per
    gemeente and how many gemeenten the newest one covers, as the warehouse counts them."""
    from dashboard.i18n import fmt_date

    # The sentence names '2016 1e helft' (all its periods lie in 2016) and counts that half-year's gemeenten.
    ((n,),) = sql(
        built_warehouse,
        """SELECT max(n) FROM (SELECT count(DISTINCT o.region_code) AS n FROM observation o
           JOIN indicator i ON i.id = o.indicator_id JOIN region r ON r.code = o.region_code AND r.year = o.region_year
           WHERE i.theme = 'huisvesting' AND r.level = 'gemeente' AND o.period = DATE '2016-01-01'
           AND o.period_type = 'half' GROUP BY o.indicator_id)""",
    )
    years = sql(
        built_warehouse,
        """SELECT DISTINCT year(o.period) FROM observation o JOIN indicator i ON i.id = o.indicator_id
           JOIN region r ON r.code = o.region_code AND r.year = o.region_year
           WHERE i.theme = 'huisvesting' AND r.level = 'gemeente'""",
    )
    at = open_page("huisvesting")
    assert_clean(at)
    assert years == [(2016,)] and any(
        f"In het datapakhuis: per gemeente 2016 1e helft ({n} gemeenten)." in c for c in captions(at)
    ), captions(at)[:2]
    assert "2016" not in at.markdown[0].value  # the intro says what the theme is, not which data exists

    # Opvang: TNO's layer is described by what the warehouse holds of it.
    (count, offices), (day,) = (
        sql(
            built_warehouse,
            "SELECT count(*), count(*) FILTER (type_group = 'kantoor') FROM coa_location "
            "WHERE source_id = 'tno_coa_locaties_2015'",
        )[0],
        sql(built_warehouse, "SELECT reference_date FROM source WHERE id = 'tno_coa_locaties_2015'")[0],
    )
    at = open_page("opvang", lang="en")
    assert_clean(at)
    caveat = f"a snapshot of {fmt_date(day, 'en')}, the peak of the reception crisis, that TNO compiled from COA.nl"
    assert any(caveat in c and f"({count} locations, {offices} of them an office" in c for c in captions(at))


def test_without_tnos_layer_the_opvang_page_does_not_describe_it(
    built_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A live-only build has no COA locations: the page must not speak of a November 2015 snapshot."""
    import shutil

    import duckdb

    copy = tmp_path / "ketenmonitor.duckdb"
    shutil.copy2(built_warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute("DELETE FROM coa_location")
    monkeypatch.setenv("KETEN_WAREHOUSE", str(copy))
    at = open_page("opvang")
    assert_clean(at)
    assert not any("TNO samenstelde" in c for c in captions(at)), captions(at)


def test_vergelijk_says_how_old_the_chosen_indicators_newest_figure_is(built_warehouse: Path) -> None:
    """Vergelijk shows any indicator: its newest period at the chosen level and that period's age."""
    from datetime import date

    from contract.periods import figure_day
    from dashboard.i18n import fmt_age, period_label

    (start, kind), *_ = sql(
        built_warehouse,
        """SELECT o.period, o.period_type FROM observation o JOIN region r ON r.code = o.region_code
           AND r.year = o.region_year WHERE o.indicator_id = 'bevolking' AND r.level = 'provincie'
           ORDER BY o.period DESC""",
    )
    at = open_page("vergelijk", indicator="bevolking", level="provincie")
    assert_clean(at)
    age = fmt_age(figure_day(start, kind, stock=True), date.today(), "nl")
    line = f"Nieuwste cijfer van Inwoners per provincie: {period_label(start, kind, 'nl')} ({age})."
    assert line in captions(at), captions(at)[:2]
