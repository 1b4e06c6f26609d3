"""``python -m etl export DIR``: the warehouse as Parquet and CSV with a Frictionless datapackage.json that the
frictionless library validates (types, primary keys, foreign keys), so analysts can reuse the data without
DuckDB."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest

from tests.conftest import REPO


@pytest.fixture(scope="module")
def exported(built_warehouse: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export")
    result = subprocess.run(
        [sys.executable, "-m", "etl", "export", str(out), "--warehouse", str(built_warehouse)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return out


def test_the_package_is_valid_frictionless(exported: Path) -> None:
    from frictionless import validate

    report = validate(str(exported / "datapackage.json"))
    assert report.valid, [e.message for task in report.tasks for e in task.errors][:5]
    assert {task.name for task in report.tasks} == {"sources", "indicators", "regions", "observations"}


def test_every_row_and_file_is_there(exported: Path, built_warehouse: Path) -> None:
    package = json.loads((exported / "datapackage.json").read_text(encoding="utf-8"))
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        counts = {
            "sources": con.execute("SELECT count(*) FROM source").fetchall()[0][0],
            "indicators": con.execute("SELECT count(*) FROM indicator").fetchall()[0][0],
            "regions": con.execute("SELECT count(*) FROM region").fetchall()[0][0],
            "observations": con.execute("SELECT count(*) FROM observation").fetchall()[0][0],
        }
        amsterdam = con.execute(
            """SELECT value FROM observation WHERE indicator_id = 'taakstelling' AND region_code = 'GM0363'
               AND period_type = 'half'"""
        ).fetchall()[0][0]
    for resource in package["resources"]:
        name = resource["name"]
        csv = pl.read_csv(exported / resource["path"], infer_schema_length=0)
        parquet = pl.read_parquet(exported / f"{name}.parquet")
        assert csv.height == parquet.height == counts[name], name
        assert [f["name"] for f in resource["schema"]["fields"]] == csv.columns == parquet.columns
    observations = pl.read_parquet(exported / "observations.parquet")
    row = observations.filter(
        (pl.col("indicator_id") == "taakstelling")
        & (pl.col("region_code") == "GM0363")
        & (pl.col("period_type") == "half")
    )
    assert row["value"].to_list() == [amsterdam]
    licences = {lic["name"] for lic in package["licenses"]}
    assert "CC BY 4.0" in " ".join(licences)


def test_a_broken_copy_fails_validation(exported: Path, tmp_path: Path) -> None:
    """The validation can fail: a figure citing a source the package does not have breaks a foreign key."""
    from frictionless import validate

    broken = tmp_path / "broken"
    shutil.copytree(exported, broken)
    path = broken / "observations.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("source_id")] = "no_such_source"
    lines[1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = validate(str(broken / "datapackage.json"))
    assert not report.valid
    assert any(e.type == "foreign-key" for task in report.tasks for e in task.errors)
