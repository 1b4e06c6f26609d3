"""The build end to end: real snapshot in, real DuckDB file out, atomic swap, skip when unchanged."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO, snapshot_variant

HOUSING = "stats/housing/taakstelling_realisatie_vergunninghouders_2016H1_per_gemeente.csv"
POP_2025 = "stats/cbs/70072NED_regionale_kerncijfers_2025_regio_labels.csv"
ASYLUM = "stats/cbs/80059NED_asielverzoeken_nareizigers_nationaliteit_jaar_1975-2018.csv"
GEBIEDEN_2024 = "stats/cbs/gebieden_in_nederland_2024_85755NED_typed_alle_indelingen_inwonertal.csv"


def etl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=REPO, capture_output=True, text=True, timeout=600)


def scalar(path: Path, sql: str, *params):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params).fetchone()[0]


def test_build_passes_check_and_holds_the_official_counts(built_warehouse: Path):
    result = etl("check", "--warehouse", str(built_warehouse))
    assert result.returncode == 0, result.stderr
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        counts = dict(con.execute("SELECT year, count(*) FROM region WHERE level='gemeente' GROUP BY year").fetchall())
    assert {y: counts[y] for y in (2016, 2019, 2022, 2025)} == {2016: 390, 2019: 355, 2022: 345, 2025: 342}


def test_every_snapshot_file_is_a_source_with_its_checksum(built_warehouse: Path, snapshot: Path):
    from etl.sources import sha256_file

    data_files = sorted(
        p.relative_to(snapshot).as_posix()
        for p in snapshot.rglob("*")
        if p.is_file() and p.name not in ("SOURCES.md", "SHA256SUMS")
    )
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        stored = dict(con.execute("SELECT file, sha256 FROM source").fetchall())
    assert sorted(stored) == data_files
    assert stored[HOUSING] == sha256_file(snapshot / HOUSING)


def test_observations_carry_source_and_status(built_warehouse: Path):
    value = scalar(
        built_warehouse,
        """SELECT value FROM observation WHERE indicator_id='asielverzoeken_en_nareizigers'
           AND region_code='NL01' AND period=DATE '2015-01-01'""",
    )
    assert value == 58880
    statuses = scalar(built_warehouse, "SELECT string_agg(DISTINCT status, ',' ORDER BY status) FROM observation")
    assert set(statuses.split(",")) <= {"official", "unofficial", "derived"}
    # Totals derived from gemeenten keep the source they add up: the H1-2016 national target is 19,998.
    row = scalar(
        built_warehouse,
        """SELECT value || '|' || status || '|' || source_id FROM observation
           WHERE indicator_id='taakstelling' AND region_code='NL01' AND region_year=2016""",
    )
    value, status, source_id = row.split("|")
    assert (float(value), status) == (19998.0, "derived")
    assert scalar(built_warehouse, "SELECT publisher FROM source WHERE id=?", source_id).startswith("Rijksoverheid")


def test_provincie_totals_equal_the_sum_of_their_gemeenten(built_warehouse: Path):
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        rows = con.execute(
            """SELECT p.parent_code, sum(o.value) FROM observation o
               JOIN region_parent p ON p.code=o.region_code AND p.year=o.region_year AND p.parent_level='provincie'
               WHERE o.indicator_id='bevolking' AND o.region_year=2024 GROUP BY 1"""
        ).fetchall()
        for province, total in rows:
            stored = con.execute(
                "SELECT value FROM observation WHERE indicator_id='bevolking' AND region_code=? AND region_year=2024",
                [province],
            ).fetchone()[0]
            assert stored == total
    assert len(rows) == 12


def _bytes(path: Path) -> bytes:
    return path.read_bytes()


@pytest.fixture()
def private_warehouse(built_warehouse: Path, tmp_path: Path) -> Path:
    """A copy of the built warehouse whose bytes a test may try (and fail) to replace."""
    out = tmp_path / "out" / "ketenmonitor.duckdb"
    out.parent.mkdir()
    shutil.copy2(built_warehouse, out)
    return out


def _truncate(data: bytes, keep: float = 0.5) -> bytes:
    return data[: int(len(data) * keep)]


def _amsterdam_in_utrecht(data: bytes) -> bytes:
    lines = data.split(b"\n")
    row = next(i for i, line in enumerate(lines) if b";GM0363    ;" in line)
    utrecht = b"PV26      ;" + b"Utrecht".ljust(50) + b";"
    lines[row] = lines[row].replace(b"PV27      ;" + b"Noord-Holland".ljust(50) + b";", utrecht)
    return b"\n".join(lines)


BAD_INPUTS = {
    # name: (file, transform of the real bytes, what the message must name)
    "truncated_csv": (HOUSING, lambda b: _truncate(b, 0.5).rsplit(b",", 1)[0], "line"),
    "wrong_delimiter": (HOUSING, lambda b: b.replace(b",", b";"), "separated"),
    "renamed_column": (
        HOUSING,
        lambda b: b.replace(b"taakstelling 1e helft 2016,", b"doel 1e helft 2016,", 1),
        "column",
    ),
    "non_numeric": (
        ASYLUM,
        lambda b: b.replace(b'"     390"', b'"  drie90"', 1),
        "TotaalAsielverzoekenEnNareizigers_1",
    ),
    "unknown_gemeente": (HOUSING, lambda b: b.replace(b"Aa en Hunze,", b"Aa en Hunzee,", 1), "Aa en Hunzee"),
    "duplicate_row": (ASYLUM, lambda b: b + b'\r\n"9999";"T001059  ";"1975JJ00";"     390"', "duplicate"),
    "wrong_delimiter_population": (POP_2025, lambda b: b.replace(b";", b","), "separated"),
    # Amsterdam in Utrecht: the row itself is consistent (code and name), but the 2024 boundaries put it in
    # Noord-Holland, and ranking must not silently pick one of the two.
    "provincie_contradicts_the_boundaries": (GEBIEDEN_2024, _amsterdam_in_utrecht, "GM0363 in 2024: provincie PV26"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_fails_clearly_and_keeps_the_previous_warehouse(
    case, snapshot, private_warehouse, parse_cache, tmp_path
):
    rel, transform, expected = BAD_INPUTS[case]
    broken = snapshot_variant(snapshot, tmp_path / "snap", replace={rel: transform((snapshot / rel).read_bytes())})
    before = _bytes(private_warehouse)
    result = etl("build", "--snapshot", str(broken), "--out", str(private_warehouse), "--cache", str(parse_cache))
    assert result.returncode == 2, result.stdout + result.stderr
    assert Path(rel).name in result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert _bytes(private_warehouse) == before
    assert sorted(p.name for p in private_warehouse.parent.iterdir()) == [private_warehouse.name]


def test_missing_required_file_is_named(snapshot, private_warehouse, tmp_path):
    broken = snapshot_variant(snapshot, tmp_path / "snap", drop=(HOUSING,))
    before = _bytes(private_warehouse)
    result = etl("build", "--snapshot", str(broken), "--out", str(private_warehouse))
    assert result.returncode == 2
    assert HOUSING in result.stderr
    assert _bytes(private_warehouse) == before


def test_unchanged_rebuild_is_skipped_and_a_changed_input_is_the_only_one_parsed(snapshot, tmp_path):
    from etl.build import build

    out, cache = tmp_path / "w.duckdb", tmp_path / "cache"
    first = build(snapshot, out, cache)
    assert not first.skipped and first.cached == []
    again = build(snapshot, out, cache)
    assert again.skipped
    # Same bytes, different inode: still unchanged.
    variant = snapshot_variant(snapshot, tmp_path / "snap", replace={ASYLUM: (snapshot / ASYLUM).read_bytes()})
    assert build(variant, out, cache).skipped
    # One real change (a trailing newline) re-parses only that input and reuses every other parse.
    changed = snapshot_variant(
        snapshot, tmp_path / "snap2", replace={ASYLUM: (snapshot / ASYLUM).read_bytes() + b"\r\n"}
    )
    report = build(changed, out, cache)
    assert not report.skipped
    assert report.parsed == ["cbs_80059ned"]
    assert len(report.cached) == len(first.parsed) - 1
    assert len(list((cache / "crosswalk").glob("*.parquet"))) == 1  # boundaries unchanged: crosswalk reused


def test_the_crosswalk_is_rebuilt_when_the_2015_layer_changes(snapshot, tmp_path):
    """TNO's 2015 gemeente layer feeds the crosswalk, so a change to it (here: an added trailing newline)
    must not reuse the cached crosswalk."""
    from etl.build import build
    from etl.parsers import coa

    out, cache = tmp_path / "w.duckdb", tmp_path / "cache"
    build(snapshot, out, cache)
    changed = snapshot_variant(
        snapshot,
        tmp_path / "snap",
        replace={coa.PATH_GEMEENTEN: (snapshot / coa.PATH_GEMEENTEN).read_bytes() + b"\n"},
    )
    report = build(changed, out, cache)
    # The layer itself and the locations, whose join reads it, are parsed again.
    assert set(report.parsed) == {"tno_vluchtelingen_gemeenten_2015", "tno_coa_locaties_2015"}
    assert len(list((cache / "crosswalk").glob("*.parquet"))) == 2
