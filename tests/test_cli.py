"""``python -m etl check`` / ``info`` on real warehouse files, and progress output only on a terminal."""

from __future__ import annotations

import fcntl
import os
import pty
import shutil
import struct
import subprocess
import sys
import termios
from pathlib import Path

import duckdb

from tests.conftest import REPO


def etl(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "etl", *args], cwd=REPO, capture_output=True, text=True, timeout=600, **kwargs
    )


def test_info_lists_sources_periods_and_row_counts(built_warehouse: Path):
    result = etl("info", "--warehouse", str(built_warehouse))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "cbs_80059ned" in out and "80059NED" in out
    line = next(x for x in out.splitlines() if x.strip().startswith("asielverzoeken_en_nareizigers"))
    assert "1975-01-01 .. 2018-01-01" in line and "44 periods" in line
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        regions = con.execute("SELECT count(*) FROM region").fetchone()[0]
    assert (
        f"region {regions:>27,}".split() == next(x for x in out.splitlines() if x.strip().startswith("region ")).split()
    )


def test_check_fails_on_a_damaged_warehouse_and_names_the_problems(built_warehouse: Path, tmp_path: Path):
    damaged = tmp_path / "damaged.duckdb"
    shutil.copy2(built_warehouse, damaged)
    with duckdb.connect(str(damaged)) as con:
        con.execute("DELETE FROM region WHERE code = 'GM0788' AND year = 2016")  # Haaren
        con.execute("DELETE FROM crosswalk WHERE from_code = 'GM0788' AND from_year = 2017 AND to_code = 'GM0865'")
    result = etl("check", "--warehouse", str(damaged))
    assert result.returncode == 1
    assert "389 gemeenten in 2016, expected 390" in result.stderr
    assert "weights of GM0788 (2017) sum to" in result.stderr
    assert "unknown region GM0788 (2016)" in result.stderr


def test_check_allows_gaps_only_in_unofficial_boundaries(built_warehouse: Path, tmp_path: Path):
    """TNO's unofficial 2015 layer lacks two gemeenten and passes; an official year with a gap, or a shape of
    an unknown region, fails."""
    assert etl("check", "--warehouse", str(built_warehouse)).returncode == 0
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        shapes_2015 = con.execute("SELECT count(*) FROM region_geometry WHERE year = 2015").fetchone()[0]
    assert shapes_2015 == 391
    damaged = tmp_path / "damaged.duckdb"
    shutil.copy2(built_warehouse, damaged)
    with duckdb.connect(str(damaged)) as con:
        con.execute("DELETE FROM region_geometry WHERE code = 'GM0363' AND year = 2020")
        con.execute("UPDATE region_geometry SET code = 'GM9999' WHERE code = 'GM0363' AND year = 2015")
    result = etl("check", "--warehouse", str(damaged))
    assert result.returncode == 1
    assert "354 gemeente shapes in 2020, expected 355" in result.stderr
    assert "shape for unknown region GM9999 (2015)" in result.stderr
    assert "in 2015" not in result.stderr.replace("GM9999 (2015)", "")


def test_check_and_info_on_a_missing_file_say_how_to_build(tmp_path: Path):
    for command in ("check", "info"):
        result = etl(command, "--warehouse", str(tmp_path / "none.duckdb"))
        assert result.returncode == 1
        assert "python -m etl prepare" in result.stderr


def _build_stderr(snapshot: Path, out: Path, on_terminal: bool) -> str:
    args = [sys.executable, "-m", "etl", "build", "--snapshot", str(snapshot), "--out", str(out), "--force"]
    if not on_terminal:
        return subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=600).stderr
    leader, follower = pty.openpty()
    # A terminal of 100 x 30 characters: a fresh pty reports 0 x 0, on which tqdm has no room to draw.
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    proc = subprocess.Popen(args, cwd=REPO, stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:  # the pty closes when the child exits
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=600)
    os.close(leader)
    assert proc.returncode == 0
    return b"".join(chunks).decode(errors="replace")


def test_progress_is_shown_on_a_terminal_and_silent_otherwise(snapshot: Path, tmp_path: Path):
    shown = _build_stderr(snapshot, tmp_path / "a.duckdb", on_terminal=True)
    assert "parse:" in shown and "step" in shown
    quiet = _build_stderr(snapshot, tmp_path / "b.duckdb", on_terminal=False)
    assert quiet == ""
