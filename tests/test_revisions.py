"""The revision log: every build compares itself with the warehouse it replaces and records, per source, the
figures added, changed (old and new value) and removed; the log carries over from build to build, and the
Bronnen page shows the latest changes."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from etl.build import build
from tests.conftest import REPO, snapshot_variant

POPULATION = "stats/cbs/70072NED_bevolking_dichtheid_2020-2023_regio_labels.csv"
SOURCE = "cbs_70072ned_2020_2023"


def revised(snapshot: Path) -> bytes:
    """The 2020-2023 population export with Aa en Hunze's 2020 figure revised (the parser refuses a withdrawn
    row of a complete table: additions and removals are proven on small files below)."""
    text = (snapshot / POPULATION).read_text(encoding="utf-8-sig")
    assert '"2020";"Aa en Hunze";25445;92' in text
    text = text.replace('"2020";"Aa en Hunze";25445;92', '"2020";"Aa en Hunze";25460;92')
    return ("\ufeff" + text).encode("utf-8")


def log(warehouse: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            """SELECT built_at, source_id, indicator_id, region_code, period, change, old_value, new_value
               FROM revision ORDER BY built_at, indicator_id, region_code, period"""
        ).fetchall()


@pytest.fixture(scope="module")
def builds(snapshot: Path, tmp_path_factory, parse_cache) -> tuple[Path, list[list[tuple]], str]:
    """Three builds into one file: the real snapshot, the revised one, the real one again."""
    root = tmp_path_factory.mktemp("revisions")
    out = root / "w.duckdb"
    changed = snapshot_variant(snapshot, root / "changed", replace={POPULATION: revised(snapshot)})
    logs = []
    build(snapshot, out, parse_cache)
    logs.append(log(out))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "etl",
            "build",
            "--snapshot",
            str(changed),
            "--out",
            str(out),
            "--cache",
            str(parse_cache),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    logs.append(log(out))
    build(snapshot, out, parse_cache)
    logs.append(log(out))
    return out, logs, result.stdout


def test_the_first_build_logs_nothing(builds) -> None:
    assert builds[1][0] == []


def test_a_revised_figure_is_logged_with_its_old_and_new_value_and_so_are_its_totals(builds) -> None:
    _, logs, stdout = builds
    rows = {(r[3], r[4], r[5]): (r[1], r[6], r[7]) for r in logs[1]}
    assert rows[("GM1680", date(2020, 1, 1), "changed")] == (SOURCE, 25445.0, 25460.0)
    # The provincie (Drenthe) and national totals the build derives moved with it, under the same source.
    assert rows[("PV22", date(2020, 1, 1), "changed")][0] == SOURCE
    assert rows[("NL01", date(2020, 1, 1), "changed")][0] == SOURCE
    assert {r[5] for r in logs[1]} == {"changed"}
    assert "revisions since the previous warehouse: 0 added," in stdout


def test_the_log_carries_over_and_the_undo_is_logged_too(builds) -> None:
    _, logs, _ = builds
    first, second = logs[1], logs[2]
    assert second[: len(first)] == first
    undo = [r[1:] for r in second[len(first) :] if r[3] == "GM1680"]
    assert undo == [(SOURCE, "bevolking", "GM1680", date(2020, 1, 1), "changed", 25460.0, 25445.0)]


def small(path: Path, rows: list[tuple]) -> Path:
    """A warehouse file with only the tables the log reads and writes."""
    from etl import warehouse

    with duckdb.connect(str(path)) as con:
        con.execute(warehouse.DDL)
        source = "'s', 'p', 't', NULL, NULL, 'l', NULL, NULL, 'x', 1, 'f', 'official', NULL, NULL"
        con.execute(f"INSERT INTO source VALUES ({source})")
        indicator = "'bevolking', 'context', 'a', 'b', 'personen', 'c', 'd', NULL, 'sum', false, NULL, true"
        con.execute(f"INSERT INTO indicator VALUES ({indicator})")
        for code, value in rows:
            con.execute(
                "INSERT INTO observation VALUES ('bevolking', ?, 2020, DATE '2020-01-01', 'year', ?, 's', 'official',"
                " NULL)",
                [code, value],
            )
    return path


def test_added_changed_and_removed_figures_on_small_files(tmp_path) -> None:
    from etl.revisions import record

    previous = small(tmp_path / "old.duckdb", [("GM0001", 10.0), ("GM0002", 20.0), ("GM0003", 30.0)])
    new = small(tmp_path / "new.duckdb", [("GM0001", 10.0), ("GM0002", 21.0), ("GM0004", 40.0)])
    with duckdb.connect(str(new)) as con:
        counts = record(con, previous, "2026-12-07T06:00:00")
        rows = con.execute("SELECT region_code, change, old_value, new_value FROM revision ORDER BY 1").fetchall()
    assert counts == {"added": 1, "changed": 1, "removed": 1}
    assert rows == [
        ("GM0002", "changed", 20.0, 21.0),
        ("GM0003", "removed", 30.0, None),
        ("GM0004", "added", None, 40.0),
    ]
    assert record(duckdb.connect(), None, "2026-12-07T06:00:00") == {"added": 0, "changed": 0, "removed": 0}


def test_bronnen_shows_the_latest_changes(builds, monkeypatch) -> None:
    from streamlit.testing.v1 import AppTest

    out, logs, _ = builds
    monkeypatch.setenv("KETEN_WAREHOUSE", str(out))
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/bronnen.py")
    at.run()
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown)
    assert f"- {SOURCE}: 3 gewijzigd" in text  # the undo: Aa en Hunze, Drenthe and the country
    table = next(f.value for f in at.dataframe if "change_text" in f.value.columns)
    assert set(table["region_code"]) >= {"GM1680"}
    # The whole log as a CSV for a position paper's annex (written when clicked: the button is what AppTest sees).
    assert any(
        b.proto.label == "Revisies (CSV)" and b.proto.id.endswith("br_dl_revisions") for b in at.get("download_button")
    )
