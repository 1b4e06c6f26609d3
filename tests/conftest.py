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


def spec_by_id(module, snapshot: Path, source_id: str):
    for spec in module.sources(snapshot):
        if spec.id == source_id:
            return spec
    raise KeyError(source_id)
