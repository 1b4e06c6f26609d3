"""Parsers for the live CBS downloads (etl/parsers/cbs_live.py), on files shaped like the fetch writes.

The documents are built from the CBS-shaped fixtures in tests/odata_server.py (small test values, real
codes and names) and written into tmp_path; bad-input tests alter those files.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from etl.errors import InputError
from etl.parsers import cbs_live
from etl.sources import all_specs
from tests.conftest import run_spec, source_spec
from tests.odata_server import (
    ASYLUM_PERIODS,
    GEBIEDEN_GEMEENTEN,
    Table,
    asylum_expected,
    cbs_tables,
    population_expected,
)

TOTALS = {"Geslacht": "T001038", "Leeftijd": "10000", "Nationaliteit": "T001059  ", "BurgerlijkeStaat": "T001019"}


def document(table_id: str, entity: str, rows: list[dict]) -> dict:
    metadata = f"https://opendata.cbs.nl/ODataFeed/OData/{table_id}/$metadata#Cbs.OData.WebAPI.{entity}"
    return {"odata.metadata": metadata, "value": rows}


def totals_only(table: Table) -> list[dict]:
    return [row for row in table.rows if all(row.get(k, v) == v for k, v in TOTALS.items())]


def write(root: Path, path: str, content: dict | bytes) -> Path:
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content if isinstance(content, bytes) else json.dumps(content).encode("utf-8"))
    return target


@pytest.fixture
def live(tmp_path: Path, snapshot: Path) -> Path:
    """A snapshot folder holding the four live tables and the boundaries of their years (as a fetch with
    --years 2016,2024 would leave it)."""
    for level in ("gemeente", "provincie"):
        for year in (2016, 2024):
            write(tmp_path, f"geo/{level}_{year}.topojson", (snapshot / f"geo/{level}_{year}.topojson").read_bytes())
    tables = cbs_tables()
    write(
        tmp_path,
        "live/cbs/83102NED_TypedDataSet.json",
        document("83102NED", "TypedDataSet", totals_only(tables["83102NED"])),
    )
    population = [r for r in totals_only(tables["03759ned"]) if r["Perioden"] in ("2016JJ00", "2024JJ00")]
    write(tmp_path, "live/cbs/03759ned_TypedDataSet.json", document("03759ned", "TypedDataSet", population))
    for table_id in ("82949NED", "83287NED", "85755NED"):
        table = tables[table_id]
        write(tmp_path, f"live/cbs/{table_id}_TypedDataSet.json", document(table_id, "TypedDataSet", table.rows))
        properties = document(table_id, "DataProperties", table.data_properties)
        write(tmp_path, f"live/cbs/{table_id}_DataProperties.json", properties)
    manifest = {
        "format": 1,
        "files": [
            {
                "path": "live/cbs/83102NED_TypedDataSet.json",
                "table_id": "83102NED",
                "urls": ["https://opendata.cbs.nl/ODataFeed/odata/83102NED/TypedDataSet?$format=json"],
                "retrieved_at": "2025-03-01T10:00:00Z",
                "sha256": "0" * 64,
                "bytes": 1,
            }
        ],
    }
    write(tmp_path, "live/manifest.json", manifest)
    return tmp_path


def test_no_live_folder_means_no_sources(snapshot):
    assert cbs_live.sources(snapshot) == []


def test_sources_lists_present_files_with_manifest_provenance(live):
    present = [spec for spec in all_specs(live) if spec.id.startswith("cbs_live_") and (live / spec.path).exists()]
    specs = {spec.id: spec for spec in present}
    assert set(specs) == {
        "cbs_live_83102ned",
        "cbs_live_03759ned",
        "cbs_live_82949ned",
        "cbs_live_83287ned",
        "cbs_live_85755ned",
    }
    asylum = specs["cbs_live_83102ned"]
    assert asylum.retrieved_at.isoformat() == "2025-03-01T10:00:00+00:00"
    assert asylum.url.endswith("/83102NED/TypedDataSet?$format=json")
    assert all(s.required is False and s.status == "official" and s.publisher == "CBS" for s in specs.values())
    assert specs["cbs_live_85755ned"].reference_date == date(2024, 1, 1)
    assert specs["cbs_live_03759ned"].retrieved_at is None  # not in this manifest


def test_asylum_requests_every_period_type(live):
    observations = run_spec(source_spec(live, "cbs_live_83102ned"), live).observations
    expected = asylum_expected()
    assert observations.height == 4 * len(ASYLUM_PERIODS) - 1  # nareizigers 2024MM03 is null and skipped
    assert set(observations["period_type"]) == {"year", "quarter", "month"}
    assert set(observations["region_code"]) == {"NL01"} and set(observations["region_year"]) == {2024}
    march = observations.filter(period=date(2024, 3, 1), period_type="month")
    assert dict(zip(march["indicator_id"], march["value"], strict=True)) == {
        "asielverzoeken_totaal": expected["2024MM03"]["TotaalAsielverzoeken_1"],
        "asielverzoeken_eerste": expected["2024MM03"]["EersteAsielverzoekenPersonen_2"],
        "asielverzoeken_volgende": expected["2024MM03"]["VolgendeAsielverzoeken_3"],
    }


def test_population_strips_padded_keys_and_keeps_gm_pv_nl(live):
    observations = run_spec(source_spec(live, "cbs_live_03759ned"), live).observations
    assert set(observations["region_code"]) == {"NL01", "PV20", "PV27", "GM0014", "GM0363"}  # no LD01/CR01
    assert set(observations["indicator_id"]) == {"bevolking"}
    row = observations.filter(region_code="PV20", region_year=2024).row(0, named=True)
    assert row["value"] == population_expected()[("PV20  ", "2024JJ00")]
    assert row["period"] == date(2024, 1, 1) and row["period_type"] == "year"
    assert observations.filter(region_code="GM0014", region_year=2016).height == 0  # null in the file


@pytest.mark.parametrize(
    ("source_id", "year"),
    [("cbs_live_82949ned", 2015), ("cbs_live_83287ned", 2016), ("cbs_live_85755ned", 2024)],
)
def test_gebieden_finds_the_provincie_columns_of_each_year(live, source_id, year):
    """Each year's keys differ (Code_34, Code_26), and 2015's topic groups have no titles: found by their codes."""
    result = run_spec(source_spec(live, source_id), live)
    gemeenten = result.regions.filter(level="gemeente")
    assert sorted(zip(gemeenten["code"], gemeenten["name"], strict=True)) == sorted(
        (g[0], g[1]) for g in GEBIEDEN_GEMEENTEN
    )
    provincies = result.regions.filter(level="provincie")
    assert dict(zip(provincies["code"], provincies["name"], strict=True)) == {
        "PV20": "Groningen",
        "PV22": "Drenthe",
        "PV27": "Noord-Holland",
    }
    assert set(result.regions["year"]) == {year}
    parents = result.region_parents
    assert parents.filter(code="GM0363").row(0, named=True) == {
        "code": "GM0363",
        "year": year,
        "parent_code": "PV27",
        "parent_level": "provincie",
    }


# --- bad input --------------------------------------------------------------------------------------


def test_truncated_file_names_the_file(live):
    path = live / "live/cbs/83102NED_TypedDataSet.json"
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(InputError, match="83102NED_TypedDataSet.json.*truncated JSON"):
        run_spec(source_spec(live, "cbs_live_83102ned"), live)


def test_rows_beyond_the_totals_are_refused(live):
    path = live / "live/cbs/83102NED_TypedDataSet.json"
    data = json.loads(path.read_text())
    data["value"].append({**data["value"][0], "Nationaliteit": "NAT0001  "})
    path.write_text(json.dumps(data))
    message = r"value\[5\]: NL01 appears more than once for the same period \(rows \[0, 5\]\); the download should hold"
    with pytest.raises(InputError, match=message):
        run_spec(source_spec(live, "cbs_live_83102ned"), live)


def test_bad_period_code_names_row_and_column(live):
    path = live / "live/cbs/83102NED_TypedDataSet.json"
    data = json.loads(path.read_text())
    data["value"][2]["Perioden"] = "2024XX01"
    path.write_text(json.dumps(data))
    with pytest.raises(InputError, match=r"column 'Perioden'.*value\[2\]") as caught:
        run_spec(source_spec(live, "cbs_live_83102ned"), live)
    assert caught.value.file.endswith("83102NED_TypedDataSet.json")


def test_text_where_a_number_belongs_names_row_and_column(live):
    path = live / "live/cbs/03759ned_TypedDataSet.json"
    data = json.loads(path.read_text())
    data["value"][1]["BevolkingOp1Januari_1"] = "veertig"
    path.write_text(json.dumps(data))
    with pytest.raises(InputError, match=r"column 'BevolkingOp1Januari_1'.*value\[1\]: 'veertig' is not a number"):
        run_spec(source_spec(live, "cbs_live_03759ned"), live)


def test_missing_measure_is_named(live):
    path = live / "live/cbs/83102NED_TypedDataSet.json"
    data = json.loads(path.read_text())
    del data["value"][0]["NareizigersPersonen_4"]
    path.write_text(json.dumps(data))
    with pytest.raises(InputError, match=r"value\[0\] lacks field\(s\) \['NareizigersPersonen_4'\]"):
        run_spec(source_spec(live, "cbs_live_83102ned"), live)


def test_gebieden_without_data_properties(live):
    (live / "live/cbs/85755NED_DataProperties.json").unlink()
    with pytest.raises(InputError, match="85755NED_DataProperties.json: missing"):
        run_spec(source_spec(live, "cbs_live_85755ned"), live)


def test_gebieden_without_a_provincie_group(live):
    path = live / "live/cbs/85755NED_DataProperties.json"
    data = json.loads(path.read_text())
    data["value"] = [prop for prop in data["value"] if prop["Key"] not in ("Code_26", "Naam_27")]
    path.write_text(json.dumps(data))
    message = (
        "85755NED_TypedDataSet.json: cannot tell which topic group holds the provincie codes (PV\\d{2} in most "
        "rows); groups with a Code and a Naam: Codes en namen van gemeenten (Code_1), Arbeidsmarktregio's (Code_4)"
    )
    with pytest.raises(InputError, match=re.escape(message)):
        run_spec(source_spec(live, "cbs_live_85755ned"), live)


def test_gebieden_prefers_the_titled_group_when_two_hold_provincie_codes(live):
    """A second group of PV codes (say, a former provincie) does not take the place of 'Provincies'."""
    table = cbs_tables()["85755NED"]
    properties = table.data_properties + [
        {**prop, "ID": prop["ID"] + 100, "ParentID": 109, "Key": prop["Key"].replace("_2", "_9")}
        for prop in table.data_properties
        if prop["Key"] in ("Code_26", "Naam_27")
    ]
    properties.append(
        {**next(p for p in table.data_properties if p["Title"] == "Provincies"), "ID": 109, "Title": "Vroeger"}
    )
    rows = [{**row, "Code_96": "PV99      ", "Naam_97": "Elders"} for row in table.rows]
    write(live, "live/cbs/85755NED_DataProperties.json", document("85755NED", "DataProperties", properties))
    write(live, "live/cbs/85755NED_TypedDataSet.json", document("85755NED", "TypedDataSet", rows))
    parents = run_spec(source_spec(live, "cbs_live_85755ned"), live).region_parents
    assert set(parents["parent_code"]) == {"PV20", "PV22", "PV27"}


def test_gebieden_with_a_blank_provincie_names_the_row(live):
    path = live / "live/cbs/83287NED_TypedDataSet.json"
    data = json.loads(path.read_text())
    data["value"][1]["Code_34"] = "          "
    path.write_text(json.dumps(data))
    with pytest.raises(InputError, match=r"column 'Code_34'.*value\[1\]: expected a code"):
        run_spec(source_spec(live, "cbs_live_83287ned"), live)


def test_broken_manifest_is_named(live):
    write(live, "live/manifest.json", b'{"files": [')
    with pytest.raises(InputError, match="manifest.json.*truncated JSON"):
        cbs_live.sources(live)


def test_population_of_a_year_without_provincie_boundaries_checks_provincies_by_the_nearest_year(live):
    """The boundary host may not have a year's provincies yet (the snapshot has gemeente_2026 but no
    provincie_2026): the twelve provincies are the same, so the nearest year's boundaries check them."""
    (live / "geo/provincie_2024.topojson").unlink()
    observations = run_spec(source_spec(live, "cbs_live_03759ned"), live).observations
    assert set(observations.filter(region_year=2024)["region_code"]) == {"NL01", "PV20", "PV27", "GM0014", "GM0363"}
