"""The live fetch against a real HTTP server on 127.0.0.1 (tests/odata_server.py); nothing is mocked.

Numbers in the CBS fixtures are small test values (see odata_server.py); the boundary files served are
the real stored ones from the snapshot, read at test time.
"""

from __future__ import annotations

import hashlib
import json
import socket
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from etl.errors import InputError
from etl.fetch import FetchError, FetchFailed, fetch, main
from etl.fetch.cli import parse_years
from etl.fetch.http import HttpClient
from etl.fetch.odata import ODataClient
from etl.fetch.tables import total_key
from etl.recipes import REPO_RECIPES
from etl.sources import ParseContext
from tests.conftest import run_spec, source_spec
from tests.odata_server import (
    ASYLUM_PERIODS,
    GEBIEDEN_GEMEENTEN,
    GEO_PATH,
    ODataServer,
    asylum_expected,
    cbs_tables,
    population_expected,
    serve_boundaries,
)

YEARS = [2016, 2024]
ASYLUM_DATA = "/ODataFeed/odata/83102NED/TypedDataSet"
POPULATION_DATA = "/ODataFeed/odata/03759ned/TypedDataSet"


@pytest.fixture
def server(snapshot: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")  # a proxy in the environment must not catch loopback
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    with ODataServer(page_size=4) as srv:
        srv.tables.update(cbs_tables())
        serve_boundaries(srv, snapshot, YEARS)
        yield srv


def run(server: ODataServer, out: Path, **options) -> dict:
    settings = {
        "cbs_base": server.base_url,
        "geo_base": server.base_url + GEO_PATH,
        "years": YEARS,
        "timeout": 2.0,
        "retries": 2,
        "backoff": 0.0,
    }
    settings.update(options)
    return fetch(out, **settings)


def leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith(".part")]


def test_fetch_writes_the_snapshot_layout_and_a_true_manifest(server, snapshot, tmp_path):
    out = tmp_path / "out"
    document = run(server, out)
    paths = {entry["path"] for entry in document["files"]}
    assert {
        "live/cbs/83102NED_TypedDataSet.json",
        "live/cbs/03759ned_TypedDataSet.json",
        "live/cbs/83287NED_TypedDataSet.json",
        "live/cbs/85755NED_TypedDataSet.json",
        "live/cbs/85755NED_DataProperties.json",
        "live/cbs/03759ned_Leeftijd.json",
        "live/cbs/03759ned_BurgerlijkeStaat.json",
        "geo/gemeente_2016.topojson",
        "geo/provincie_2024.topojson",
    } <= paths
    assert json.loads((out / "live" / "manifest.json").read_text()) == document
    for entry in document["files"]:
        content = (out / entry["path"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(content).hexdigest()
        assert entry["bytes"] == len(content)
        assert all(url.startswith(server.base_url) for url in entry["urls"])
        assert datetime.fromisoformat(entry["retrieved_at"]).tzinfo == UTC
    assert leftovers(out) == []
    # boundaries are stored byte for byte, so the build reads them like the stored snapshot
    for level in ("gemeente", "provincie"):
        for year in YEARS:
            name = f"{level}_{year}.topojson"
            assert (out / "geo" / name).read_bytes() == (snapshot / "geo" / name).read_bytes()
    assert ParseContext(out).gemeente_reference(2024).height == 342


def test_paging_follows_next_link_and_joins_the_pages(server, tmp_path):
    out = tmp_path / "out"
    document = run(server, out, tables=["03759ned"])
    entry = next(e for e in document["files"] if e["path"] == "live/cbs/03759ned_TypedDataSet.json")
    # 5 regions (NL, 2 PV, 2 GM) x 2 years = 10 rows, 4 per page -> 3 pages, each read once
    assert len(entry["urls"]) == 3 and "$skip=8" in entry["urls"][2]
    assert [server.hits(POPULATION_DATA, page) for page in (1, 2, 3)] == [1, 1, 1]
    stored = json.loads((out / entry["path"]).read_text())
    assert set(stored) == {"odata.metadata", "value"}
    assert len(stored["value"]) == 10
    assert [row["ID"] for row in stored["value"]] == sorted(row["ID"] for row in stored["value"])


def test_filters_use_the_total_keys_from_the_dimension_tables(server, tmp_path):
    run(server, tmp_path / "out", tables=["83102NED", "03759ned"])
    (asylum,) = {q["$filter"] for q in server.queries(ASYLUM_DATA)}
    # the padded key is sent exactly as the Nationaliteit dimension table spells it
    assert asylum == "Geslacht eq 'T001038' and Leeftijd eq '10000' and Nationaliteit eq 'T001059  '"
    (population,) = {q["$filter"] for q in server.queries(POPULATION_DATA)}
    assert "BurgerlijkeStaat eq 'T001019'" in population and "Leeftijd eq '10000'" in population
    assert "(Perioden eq '2016JJ00' or Perioden eq '2024JJ00')" in population
    stored = json.loads((tmp_path / "out/live/cbs/83102NED_TypedDataSet.json").read_text())["value"]
    assert {row["Nationaliteit"] for row in stored} == {"T001059  "}  # raw file keeps CBS's padding


def test_fetched_files_parse_into_the_expected_values(server, tmp_path):
    out = tmp_path / "out"
    run(server, out)
    asylum = run_spec(source_spec(out, "cbs_live_83102ned"), out).observations
    expected = asylum_expected()
    assert asylum.height == 4 * len(ASYLUM_PERIODS) - 1  # one null (nareizigers 2024MM03) skipped
    row = asylum.filter(indicator_id="asielverzoeken_eerste", period_type="quarter").row(0, named=True)
    assert row["value"] == expected["2024KW01"]["EersteAsielverzoekenPersonen_2"]
    assert row["region_code"] == "NL01" and row["region_year"] == 2024

    population = run_spec(source_spec(out, "cbs_live_03759ned"), out).observations
    values = {(r["region_code"], r["region_year"]): r["value"] for r in population.iter_rows(named=True)}
    wanted = {
        (key.strip(), int(period[:4])): value
        for (key, period), value in population_expected().items()
        if int(period[:4]) in YEARS and value is not None and key.startswith(("GM", "PV", "NL"))
    }
    assert values == wanted and ("GM0014", 2016) not in values

    gebieden = run_spec(source_spec(out, "cbs_live_83287ned"), out)
    parents = {(r["code"], r["parent_code"]) for r in gebieden.region_parents.iter_rows(named=True)}
    assert parents == {(g[0], g[2]) for g in GEBIEDEN_GEMEENTEN}
    spec = source_spec(out, "cbs_live_85755ned")
    assert spec.url.startswith(server.base_url) and spec.retrieved_at is not None and spec.required is False


def test_a_500_is_retried_and_the_result_is_complete(server, tmp_path):
    server.fail(ASYLUM_DATA, status=500, times=1, page=2)
    out = tmp_path / "out"
    run(server, out, tables=["83102NED"])
    assert server.hits(ASYLUM_DATA, page=2) == 2  # failed once, asked again
    stored = json.loads((out / "live/cbs/83102NED_TypedDataSet.json").read_text())["value"]
    assert sorted(row["Perioden"] for row in stored) == sorted(ASYLUM_PERIODS)


def test_a_server_that_keeps_failing_gives_up_naming_the_url(server, tmp_path):
    server.fail(ASYLUM_DATA, status=503, times=None)
    out = tmp_path / "out"
    with pytest.raises(FetchError) as caught:
        run(server, out, tables=["83102NED"], retries=2)
    assert ASYLUM_DATA in str(caught.value) and "3 attempt(s)" in str(caught.value)
    assert server.hits(ASYLUM_DATA) == 3
    assert not (out / "live/cbs/83102NED_TypedDataSet.json").exists()


def test_a_slow_server_times_out_with_the_url_in_bounded_time(server, tmp_path):
    server.delay(POPULATION_DATA, 30)
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        run(server, tmp_path / "out", tables=["03759ned"], timeout=0.3, retries=1)
    assert time.monotonic() - started < 10
    message = str(caught.value)
    assert POPULATION_DATA in message and "timeout of 0.3 s" in message and "2 attempt(s)" in message
    assert server.hits(POPULATION_DATA) == 2


def test_truncated_json_names_the_url_and_leaves_the_old_file_untouched(server, tmp_path):
    out = tmp_path / "out"
    target = out / "live/cbs/83102NED_TypedDataSet.json"
    target.parent.mkdir(parents=True)
    target.write_bytes(b'{"value": []}')
    server.truncate(ASYLUM_DATA, page=2)
    with pytest.raises(FetchError) as caught:
        run(server, out, tables=["83102NED"])
    message = str(caught.value)
    assert "invalid or truncated JSON" in message and ASYLUM_DATA in message and "$skip=4" in message
    assert target.read_bytes() == b'{"value": []}'
    assert sorted(p.name for p in target.parent.iterdir()) == ["83102NED_TypedDataSet.json"]  # nor its metadata
    assert leftovers(out) == [] and not (out / "live/manifest.json").exists()


def test_a_connection_cut_mid_body_is_a_clear_error(server, tmp_path):
    server.cut(GEO_PATH + "gemeente_2024.topojson")
    out = tmp_path / "out"
    with pytest.raises(FetchError) as caught:
        run(server, out, tables=["geo"], years=[2024])
    assert "gemeente_2024.topojson" in str(caught.value) and "truncated download" in str(caught.value)
    assert not (out / "geo/gemeente_2024.topojson").exists() and leftovers(out) == []
    assert (out / "geo/provincie_2024.topojson").exists()  # the other step still ran


def test_a_missing_file_fails_alone_and_the_rest_is_stored(server, tmp_path):
    del server.files[GEO_PATH + "provincie_2016.topojson"]
    out = tmp_path / "out"
    with pytest.raises(FetchError) as caught:
        run(server, out, tables=["geo", "gebieden"])
    assert "provincie_2016.topojson" in str(caught.value) and "HTTP 404" in str(caught.value)
    manifest = json.loads((out / "live/manifest.json").read_text())
    stored = {e["path"] for e in manifest["files"]}
    assert {"geo/gemeente_2016.topojson", "live/cbs/85755NED_TypedDataSet.json"} <= stored
    assert not (out / "geo/provincie_2016.topojson").exists()


def test_an_unreachable_host_is_not_retried_for_every_file(server, tmp_path):
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/nl/wgs84/"
    with pytest.raises(FetchFailed) as caught:
        run(server, tmp_path / "out", tables=["geo"], geo_base=dead, retries=1)
    errors = caught.value.errors
    assert len(errors) == 4 and "gemeente_2016.topojson" in errors[0]
    assert all("skipped because" in e for e in errors[1:])


def test_a_second_fetch_keeps_the_manifest_entries_of_the_first(server, tmp_path):
    out = tmp_path / "out"
    run(server, out, tables=["83102NED"])
    document = run(server, out, tables=["geo"], years=[2024])
    paths = {e["path"] for e in document["files"]}
    assert "live/cbs/83102NED_TypedDataSet.json" in paths and "geo/gemeente_2024.topojson" in paths


def test_paging_is_bounded(server):
    with HttpClient(timeout=2, retries=0) as http:
        client = ODataClient(http, server.base_url, max_pages=2)
        with pytest.raises(FetchError, match="still more pages after 2"):
            client.typed_dataset("83102NED")  # 90 rows, 4 per page


def test_a_next_link_back_to_a_read_page_stops_the_loop(server, tmp_path):
    server.loop("/ODataFeed/odata/85755NED/TypedDataSet")
    with pytest.raises(FetchError, match="points back to a page already read"):
        run(server, tmp_path / "out", tables=["gebieden"], years=[2024])
    assert server.hits("/ODataFeed/odata/85755NED/TypedDataSet") <= 2


def test_an_unreadable_old_manifest_is_replaced(server, tmp_path):
    out = tmp_path / "out"
    (out / "live").mkdir(parents=True)
    (out / "live/manifest.json").write_text("{not json")
    document = run(server, out, tables=["geo"], years=[2024])
    assert json.loads((out / "live/manifest.json").read_text()) == document
    assert {e["path"] for e in document["files"]} == {"geo/gemeente_2024.topojson", "geo/provincie_2024.topojson"}


def test_cli_entry_point(server, tmp_path, capsys):
    out = tmp_path / "cli"
    common = ["--out", str(out), "--cbs-base", server.base_url, "--years", "2024", "--timeout", "2"]
    assert main([*common, "--geo-base", server.base_url + GEO_PATH, "--tables", "geo,gebieden"]) == 0
    assert "4 files" in capsys.readouterr().out  # 2 topojson + 85755NED TypedDataSet and DataProperties
    server.fail(GEO_PATH + "gemeente_2024.topojson", status=404)
    assert main([*common, "--geo-base", server.base_url + GEO_PATH, "--tables", "geo", "--retries", "0"]) == 1
    assert "gemeente_2024.topojson: HTTP 404" in capsys.readouterr().err
    assert main([*common, "--tables", "gebieden", "--years", "2010"]) == 1
    assert "no 'Gebieden in Nederland' table before 2013: [2010]" in capsys.readouterr().err


def test_a_year_not_published_yet_is_skipped_with_a_note_and_a_later_fetch_finds_it(server, snapshot, tmp_path, capsys):
    """Early in a year CBS has no 'Gebieden in Nederland <year>' yet and the boundary host no files: the default
    years run to this year, so the fetch notes what is not out yet instead of failing. Once the catalogue lists
    the table, the fetch finds its id by title and the build reads that year's gemeenten and provincies."""
    from datetime import date

    from etl.build import build
    from etl.fetch.run import default_years
    from tests.conftest import snapshot_variant
    from tests.odata_server import catalogue_entry, gebieden_table

    assert default_years(date(2031, 2, 1))[-1] == 2031 and default_years()[0] == 2015
    from etl.fetch.tables import GEBIEDEN_TABLES

    year = max(max(GEBIEDEN_TABLES), date.today().year) + 1  # after every known id, and not past
    folder = snapshot_variant(snapshot, tmp_path / "snap")
    arguments = ["--out", str(folder), "--cbs-base", server.base_url, "--geo-base", server.base_url + GEO_PATH]
    assert main([*arguments, "--years", f"2024,{year}", "--tables", "gebieden,geo", "--retries", "0"]) == 0
    said = capsys.readouterr().out
    assert f"note: id from the CBS catalogue (Gebieden in Nederland {year}): CBS's catalogue lists no" in said
    assert f"note: gemeente_{year}.topojson: no gemeente boundaries for {year} yet (HTTP 404" in said
    manifest = json.loads((folder / "live" / "manifest.json").read_text())
    assert len(manifest["not_published_yet"]) == 3 and "geo/gemeente_2024.topojson" in {
        e["path"] for e in manifest["files"]
    }

    server.tables["87000NED"] = gebieden_table("Code_26", "Inwonertal_54")
    server.catalogue = [catalogue_entry("87000NED", f"Gebieden in Nederland {year}", f"{year}-01-20T02:00:00")]
    for level in ("gemeente", "provincie"):  # the boundary host has the year now (the 2024 borders stand in)
        server.files[f"{GEO_PATH}{level}_{year}.topojson"] = (snapshot / f"geo/{level}_2024.topojson").read_bytes()
    assert main([*arguments, "--years", str(year), "--tables", "gebieden,geo", "--retries", "0"]) == 0
    entry = next(
        e
        for e in json.loads((folder / "live" / "manifest.json").read_text())["files"]
        if e["table_id"] == "87000NED" and e["path"].endswith("TypedDataSet.json")
    )
    assert entry["title"] == f"Gebieden in Nederland {year}"
    out = tmp_path / "w.duckdb"
    build(folder, out, tmp_path / "cache")
    import duckdb

    with duckdb.connect(str(out), read_only=True) as con:
        parents = con.execute(
            "SELECT code, parent_code FROM region_parent WHERE year = ? AND parent_level = 'provincie' ORDER BY code",
            [year],
        ).fetchall()
    assert set(sorted((g[0], g[2]) for g in GEBIEDEN_GEMEENTEN)) <= set(parents) and len(parents) == 342
    with duckdb.connect(str(out), read_only=True) as con:
        shapes = con.execute("SELECT count(*) FROM region_geometry WHERE level = 'gemeente' AND year = ?", [year])
        assert shapes.fetchone() == (342,)  # a year after the official list: checked against its own list


def test_a_past_year_that_fails_is_an_error_not_a_note(server, tmp_path):
    server.fail(GEO_PATH + "gemeente_2024.topojson", status=404)
    with pytest.raises(FetchError, match="gemeente_2024.topojson: HTTP 404"):
        run(server, tmp_path / "out", tables=["geo"], years=[2024], retries=0)


def test_parse_years():
    assert parse_years("2016-2018,2024") == [2016, 2017, 2018, 2024]
    with pytest.raises(Exception, match="not a year"):
        parse_years("2018-2016")


def test_total_key_is_the_totaal_row():
    rows = [
        {"Key": "10000", "Title": "Totaal"},
        {"Key": "22000", "Title": "Totaal 0 tot 20 jaar"},
        {"Key": "10010", "Title": "0 jaar"},
    ]
    assert total_key(rows, "Leeftijd") == "10000"
    assert total_key([{"Key": "T001059  ", "Title": "Totaal"}], "Nationaliteit") == "T001059  "
    with pytest.raises(ValueError, match="Regio"):
        total_key([{"Key": "GM0363", "Title": "Amsterdam"}], "Regio")


def test_build_reads_a_fetched_snapshot_and_live_figures_win(server, snapshot, tmp_path):
    """fetch into a copy of the stored snapshot, then build: the live tables become sources and observations."""
    import duckdb

    from etl.build import build
    from tests.conftest import snapshot_variant

    folder = snapshot_variant(snapshot, tmp_path / "snap")
    run(server, folder)
    out = tmp_path / "w.duckdb"
    report = build(folder, out, tmp_path / "cache")
    assert "cbs_live_83102ned" in report.parsed
    expected = asylum_expected()["2024MM02"]["EersteAsielverzoekenPersonen_2"]
    with duckdb.connect(str(out), read_only=True) as con:
        value, source, url, retrieved = con.execute(
            """SELECT o.value, o.source_id, s.url, s.retrieved_at FROM observation o JOIN source s ON s.id = o.source_id
               WHERE o.indicator_id = 'asielverzoeken_eerste' AND o.period = DATE '2024-02-01'
               AND o.period_type = 'month'"""
        ).fetchone()
        # Live population outranks the stored 85755NED copy for the same gemeente and year.
        amsterdam = con.execute(
            """SELECT value, source_id FROM observation WHERE indicator_id = 'bevolking'
               AND region_code = 'GM0363' AND region_year = 2024"""
        ).fetchone()
    assert (value, source) == (expected, "cbs_live_83102ned")
    assert url.startswith(server.base_url) and retrieved is not None
    wanted = population_expected()[("GM0363", "2024JJ00")]
    assert amsterdam == (wanted, "cbs_live_03759ned")


def test_a_retired_table_is_replaced_by_its_successor_from_the_cbs_catalogue(server, snapshot, tmp_path, capsys):
    """CBS retires 83102NED (its id answers 404). The catalogue lists it as 'Stopgezet' and two newer tables
    with the same title: the fetch takes the newest that answers, stores it under its own id with the retired id
    in the manifest, says so, and the build reads it as the asylum source."""
    import duckdb

    from etl.build import build
    from tests.conftest import snapshot_variant
    from tests.odata_server import asylum_table, catalogue_entry

    title = "Asielverzoeken en nareizigers; nationaliteit, geslacht en leeftijd"
    server.tables.pop("83102NED")
    server.tables["85900NED"] = asylum_table()
    server.catalogue = [
        catalogue_entry("83102NED", title, "2025-06-30T02:00:00", frequency="Stopgezet"),
        catalogue_entry("85900NED", title, "2026-11-20T02:00:00", frequency="Permaand"),
        catalogue_entry("85999NED", title + " (proef)", "2026-12-01T02:00:00"),  # listed, but not served: skipped
        catalogue_entry("70072NED", "Regionale kerncijfers Nederland", "2026-12-02T02:00:00"),
    ]
    folder = snapshot_variant(snapshot, tmp_path / "snap")
    assert (
        main(
            [
                "--out",
                str(folder),
                "--cbs-base",
                server.base_url,
                "--geo-base",
                server.base_url + GEO_PATH,
                "--years",
                "2016,2024",
                "--tables",
                "83102NED",
                "--retries",
                "0",
            ]
        )
        == 0
    )
    said = capsys.readouterr().out
    assert f"note: CBS no longer serves table 83102NED; fetched its successor 85900NED ({title!r}) instead" in said
    manifest = json.loads((folder / "live" / "manifest.json").read_text())
    entry = next(e for e in manifest["files"] if e["path"] == "live/cbs/85900NED_TypedDataSet.json")
    assert (entry["replaces"], entry["table_id"], entry["title"]) == ("83102NED", "85900NED", title)
    catalogue_queries = server.queries("/ODataCatalog/Tables")
    assert catalogue_queries and "substringof('Asielverzoeken en nareizigers',Title)" in catalogue_queries[0]["$filter"]

    out = tmp_path / "w.duckdb"
    build(folder, out, tmp_path / "cache")
    expected = asylum_expected()["2024MM02"]["EersteAsielverzoekenPersonen_2"]
    with duckdb.connect(str(out), read_only=True) as con:
        value, source, table_id, notes = con.execute(
            """SELECT o.value, o.source_id, s.table_id, s.notes FROM observation o JOIN source s ON s.id = o.source_id
               WHERE o.indicator_id = 'asielverzoeken_eerste' AND o.period = DATE '2024-02-01'
               AND o.period_type = 'month'"""
        ).fetchone()
    # The recipe's source id stays; the table it read is the successor.
    assert (value, source, table_id) == (expected, "cbs_live_83102ned", "85900NED")
    assert "Successor of 83102NED, which CBS no longer serves" in notes


def test_a_successor_that_numbers_a_measure_anew_is_read_by_the_measure_name(server, snapshot, tmp_path, capsys):
    """CBS keys are a name and a position: a successor of 03759ned may carry the population as
    'BevolkingOp1Januari_3'. The fetch asks for that key, the manifest and the source's notes say so, and the
    recipe (which names 'BevolkingOp1Januari_1') reads the figures unchanged."""
    import duckdb

    from etl.build import build
    from tests.conftest import snapshot_variant
    from tests.odata_server import catalogue_entry, population_table

    title = "Bevolking op 1 januari en gemiddelde; geslacht, leeftijd en regio"
    successor = population_table()
    for prop in successor.data_properties:
        if prop["Key"] == "BevolkingOp1Januari_1":
            prop["Key"] = "BevolkingOp1Januari_3"
    successor.rows[:] = [
        {("BevolkingOp1Januari_3" if key == "BevolkingOp1Januari_1" else key): value for key, value in row.items()}
        for row in successor.rows
    ]
    server.tables.pop("03759ned")
    server.tables["86000NED"] = successor
    server.catalogue = [catalogue_entry("86000NED", title, "2026-11-20T02:00:00")]
    folder = snapshot_variant(snapshot, tmp_path / "snap")
    arguments = ["--out", str(folder), "--cbs-base", server.base_url, "--years", "2016,2024"]
    assert main([*arguments, "--tables", "03759ned", "--retries", "0"]) == 0
    said = capsys.readouterr().out
    assert "note: 86000NED has BevolkingOp1Januari_3 where 03759ned had BevolkingOp1Januari_1" in said
    (query,) = {q["$select"] for q in server.queries("/ODataFeed/odata/86000NED/TypedDataSet")}
    assert "BevolkingOp1Januari_3" in query.split(",") and "BevolkingOp1Januari_1" not in query
    manifest = json.loads((folder / "live" / "manifest.json").read_text())
    entry = next(e for e in manifest["files"] if e["path"] == "live/cbs/86000NED_TypedDataSet.json")
    assert entry["columns"] == {"BevolkingOp1Januari_1": "BevolkingOp1Januari_3"}

    out = tmp_path / "w.duckdb"
    build(folder, out, tmp_path / "cache")
    with duckdb.connect(str(out), read_only=True) as con:
        value, notes = con.execute(
            """SELECT o.value, s.notes FROM observation o JOIN source s ON s.id = o.source_id
               WHERE o.indicator_id = 'bevolking' AND o.region_code = 'GM0363' AND o.period = DATE '2024-01-01'
               AND s.table_id = '86000NED'"""
        ).fetchone()
    assert value == population_expected()[("GM0363", "2024JJ00")]
    assert "Reads BevolkingOp1Januari_1 as BevolkingOp1Januari_3." in notes


def test_a_successor_is_not_matched_by_a_measure_name_that_two_topics_share(server, tmp_path):
    """Two topics named alike ('BevolkingOp1Januari_3' and '_4'): no guess, the fetch names the measure."""
    from tests.odata_server import catalogue_entry, population_table

    successor = population_table()
    for prop in successor.data_properties:
        if prop["Key"] == "BevolkingOp1Januari_1":
            prop["Key"] = "BevolkingOp1Januari_3"
        elif prop["Key"] == "GemiddeldeBevolking_2":
            prop["Key"] = "BevolkingOp1Januari_4"
    server.tables.pop("03759ned")
    server.tables["86000NED"] = successor
    server.catalogue = [catalogue_entry("86000NED", "Bevolking op 1 januari", "2026-11-20T02:00:00")]
    with pytest.raises(FetchError, match=r"table 86000NED lacks what its recipe reads: 'BevolkingOp1Januari_1'"):
        run(server, tmp_path / "out", tables=["03759ned"])


def test_a_retired_table_without_a_successor_says_so(server, tmp_path):
    server.tables.pop("83102NED")
    server.catalogue = [catalogue_entry_for_test("83102NED")]
    with pytest.raises(FetchError) as err:
        run(server, tmp_path / "out", tables=["83102NED"])
    message = str(err.value)
    assert "83102NED/DataProperties" in message
    assert "CBS no longer serves 83102NED (HTTP 404" in message
    assert "its catalogue lists no successor titled 'Asielverzoeken en nareizigers'" in message


def catalogue_entry_for_test(identifier: str) -> dict:
    from tests.odata_server import catalogue_entry

    return catalogue_entry(identifier, "Asielverzoeken en nareizigers; oud", "2020-01-01T00:00:00", "Stopgezet")


USER_TABLE_RECIPE = """
[source]
id = "mijn_bevolking"
publisher = "CBS"
title = "Bevolking per gemeente (a table a user added)"
licence = "CC BY 4.0"
status = "official"

[file]
format = "cbs-odata"

[odata]
table = "85999NED"
region_prefixes = ["GM"]
only_fetched_years = true

[regions]
level = "gemeente"
code_column = "RegioS"
absent = "unknown"

[period]
column = "Perioden"

[[values]]
column = "BevolkingOp1Januari_1"
indicator = "bevolking"
whole = true
"""


def test_another_cbs_table_needs_only_a_recipe(server, tmp_path, monkeypatch):
    """A user drops a recipe for a CBS table the project does not know into the added folder: the fetch offers
    and downloads it (only its measure, totals of the other dimensions, gemeente rows, the years asked) and the
    build reads it, with the table's provenance. No code changes."""
    import duckdb

    from etl.build import build
    from etl.fetch.cli import parse_tables
    from tests.odata_server import population_table

    added = tmp_path / "added"
    (added / "recipes").mkdir(parents=True)
    (added / "recipes" / "mijn_bevolking.toml").write_text(USER_TABLE_RECIPE, encoding="utf-8")
    monkeypatch.setenv("KETEN_ADDED", str(added))
    server.tables["85999NED"] = population_table()
    assert parse_tables("85999NED,geo") == ["85999NED", "geo"]
    out = tmp_path / "out"
    run(server, out, tables=["85999NED", "geo"])
    (query,) = {q["$filter"] for q in server.queries("/ODataFeed/odata/85999NED/TypedDataSet")}
    assert "startswith(RegioS,'GM')" in query and "Perioden eq '2024JJ00'" in query
    stored = json.loads((out / "live/cbs/85999NED_TypedDataSet.json").read_text())["value"]
    assert {row["RegioS"].strip() for row in stored} == {"GM0014", "GM0363"}
    assert all("GemiddeldeBevolking_2" not in row for row in stored)  # only the recipe's measure

    warehouse = tmp_path / "w.duckdb"
    build(out, warehouse, tmp_path / "cache")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        figures = con.execute(
            """SELECT region_code, region_year, value FROM observation
               WHERE source_id = 'mijn_bevolking' AND status = 'official' ORDER BY 1, 2"""
        ).fetchall()
        table_id, url = con.execute("SELECT table_id, url FROM source WHERE id = 'mijn_bevolking'").fetchone()
    expected = population_expected()
    assert figures == [
        (code, int(period[:4]), expected[(code, period)])
        for code in ("GM0014", "GM0363")
        for period in ("2016JJ00", "2024JJ00")
        if expected[(code, period)] is not None
    ]
    assert table_id == "85999NED" and url.startswith(server.base_url)


def test_a_recipe_whose_measure_the_table_lacks_stops_the_fetch_of_that_table(server, tmp_path, monkeypatch):
    added = tmp_path / "added"
    (added / "recipes").mkdir(parents=True)
    recipe = USER_TABLE_RECIPE.replace("BevolkingOp1Januari_1", "BevolkingOp1Januari_9")
    (added / "recipes" / "mijn_bevolking.toml").write_text(recipe, encoding="utf-8")
    monkeypatch.setenv("KETEN_ADDED", str(added))
    from tests.odata_server import population_table

    server.tables["85999NED"] = population_table()
    with pytest.raises(
        FetchError, match=r"85999NED/DataProperties.*lacks what its recipe reads: 'BevolkingOp1Januari_9'"
    ):
        run(server, tmp_path / "out", tables=["85999NED"])


def test_two_recipes_on_one_table_share_one_download(server, tmp_path, monkeypatch):
    """A user's recipe on the project's asylum table (one measure, with a check on another column) does not
    narrow the project's download: the fetch asks for the columns of both, and both read it."""
    added = tmp_path / "added"
    (added / "recipes").mkdir(parents=True)
    text = (REPO_RECIPES / "cbs_live_83102ned.toml").read_text(encoding="utf-8")
    mine = text.replace('id = "cbs_live_83102ned"', 'id = "mijn_asiel"').split("[[values]]")[0]
    mine = mine.replace('successor_title = "Asielverzoeken en nareizigers"\n', "")  # left to the project's
    mine += '[[values]]\ncolumn = "NareizigersPersonen_4"\nindicator = "nareizigers"\n'
    mine += '\n[[checks]]\ncolumn = "TotaalAsielverzoeken_1"\n'
    mine += 'plus = ["EersteAsielverzoekenPersonen_2", "VolgendeAsielverzoeken_3"]\n'
    (added / "recipes" / "mijn_asiel.toml").write_text(mine, encoding="utf-8")
    monkeypatch.setenv("KETEN_ADDED", str(added))
    from etl.fetch.run import table_requests

    assert table_requests()["83102NED"].successor_title == "Asielverzoeken en nareizigers"
    out = tmp_path / "out"
    run(server, out, tables=["83102NED", "geo"])
    (query,) = {q["$select"] for q in server.queries(ASYLUM_DATA)}
    for measure in ("TotaalAsielverzoeken_1", "EersteAsielverzoekenPersonen_2", "NareizigersPersonen_4"):
        assert measure in query
    assert run_spec(source_spec(out, "cbs_live_83102ned"), out).observations.height == 4 * len(ASYLUM_PERIODS) - 1
    assert run_spec(source_spec(out, "mijn_asiel"), out).observations.height == len(ASYLUM_PERIODS) - 1


def test_recipes_that_ask_one_table_for_other_rows_are_refused(server, tmp_path, monkeypatch):
    added = tmp_path / "added"
    (added / "recipes").mkdir(parents=True)
    text = (REPO_RECIPES / "cbs_live_03759ned.toml").read_text(encoding="utf-8")
    mine = text.replace('id = "cbs_live_03759ned"', 'id = "mijn_bevolking"').replace('["GM", "PV", "NL"]', '["GM"]')
    (added / "recipes" / "mijn_bevolking.toml").write_text(mine, encoding="utf-8")
    monkeypatch.setenv("KETEN_ADDED", str(added))
    with pytest.raises(
        InputError,
        match=r"mijn_bevolking\.toml: reads table 03759ned like cbs_live_03759ned\.toml but with other region_prefixes",
    ):
        run(server, tmp_path / "out", tables=["03759ned"])


def test_a_broken_recipe_does_not_stop_a_download_of_boundaries_and_is_named_otherwise(tmp_path, monkeypatch):
    from etl.fetch.cli import parse_tables

    added = tmp_path / "added"
    (added / "recipes").mkdir(parents=True)
    (added / "recipes" / "kapot.toml").write_text("[source\n", encoding="utf-8")
    monkeypatch.setenv("KETEN_ADDED", str(added))
    assert parse_tables("geo,gebieden") == ["geo", "gebieden"]
    import argparse

    with pytest.raises(argparse.ArgumentTypeError, match=r"kapot\.toml: not valid TOML"):
        parse_tables("83102NED")
