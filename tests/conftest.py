"""Shared test fixtures: the real snapshot folder and a small helper to run a parser spec."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SNAPSHOT = Path(os.environ.get("KETEN_SNAPSHOT", REPO.parent / "shared" / "data")).resolve()


@pytest.fixture(scope="session")
def snapshot() -> Path:
    if not (SNAPSHOT / "geo").is_dir():
        pytest.fail(f"snapshot not found at {SNAPSHOT}; set KETEN_SNAPSHOT")
    return SNAPSHOT


def run_spec(spec, snapshot: Path, path: Path | None = None):
    """Parse one source the way the build does (schema-validated)."""
    from etl.sources import ParseContext

    target = path or (snapshot / spec.path)
    return spec.parse(target, ParseContext(snapshot)).validate(target)


def source_spec(snapshot: Path, source_id: str):
    """The spec of a source as the build sees it: a parser's or a recipe's (also a CBS OData one)."""
    from etl.sources import all_specs

    for spec in all_specs(snapshot):
        if spec.id == source_id:
            return spec
    raise KeyError(source_id)


def spec_by_id(module, snapshot: Path, source_id: str):
    for spec in module.sources(snapshot):
        if spec.id == source_id:
            return spec
    raise KeyError(source_id)


def snapshot_variant(
    snapshot: Path, target: Path, replace: dict[str, bytes] | None = None, drop: tuple[str, ...] = ()
) -> Path:
    """A snapshot folder at ``target`` that links every real file, except ``replace``d or ``drop``ped ones."""
    replace = replace or {}
    for source in snapshot.rglob("*"):
        if not source.is_file():
            continue
        rel = source.relative_to(snapshot).as_posix()
        if rel in drop:
            continue
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if rel in replace:
            dest.write_bytes(replace[rel])
        else:
            dest.symlink_to(source)
    return target


@pytest.fixture(scope="session")
def parse_cache(tmp_path_factory) -> Path:
    """One parse cache for the session: keys are input checksums, so sharing it between builds is safe."""
    return tmp_path_factory.mktemp("parse-cache")


@pytest.fixture(scope="session")
def built_warehouse(snapshot: Path, parse_cache: Path, tmp_path_factory) -> Path:
    """One real warehouse built from the snapshot with the CLI, shared by every test that only reads it."""
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("warehouse") / "ketenmonitor.duckdb"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "etl",
            "build",
            "--snapshot",
            str(snapshot),
            "--out",
            str(out),
            "--cache",
            str(parse_cache),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    # In-process dashboard tests (AppTest) find the warehouse the way the app does: through the environment.
    os.environ["KETEN_WAREHOUSE"] = str(out)
    return out


def sql(path: Path, query: str, params: list | None = None) -> list[tuple]:
    """Read values back from a warehouse, so tests compare against the file rather than typed-in numbers."""
    import duckdb

    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(query, params or []).fetchall()
