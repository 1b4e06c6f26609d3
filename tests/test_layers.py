"""Each layer does one job (issue #10): the dashboard never imports the ETL (they share only the warehouse
and ``contract``), the ETL never imports the dashboard or Streamlit, nothing reaches into Streamlit's private
modules, and no Streamlit-free module of the dashboard grows past about 300 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

DASHBOARD_SIDE = [REPO / "app.py", *sorted((REPO / "pages").glob("*.py")), *sorted((REPO / "dashboard").rglob("*.py"))]
ETL_SIDE = sorted((REPO / "etl").rglob("*.py"))
# Streamlit's public surface: ``streamlit`` itself and its documented submodules.
STREAMLIT_PUBLIC = {"streamlit", "streamlit.web.cli", "streamlit.testing.v1", "streamlit.components.v1"}
MAX_LINES = 300


def imported(source: str, name: str) -> list[tuple[int, str]]:
    """(line, module) for every import statement in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source, name)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def layer_violations(source: str, name: str, side: str) -> list[str]:
    bad = []
    for line, module in imported(source, name):
        top = module.split(".")[0]
        if side == "dashboard" and top == "etl":
            bad.append(f"{name}:{line}: the dashboard imports {module}")
        if side == "etl" and top in {"dashboard", "streamlit"}:
            bad.append(f"{name}:{line}: the ETL imports {module}")
        if top == "streamlit" and module not in STREAMLIT_PUBLIC:
            bad.append(f"{name}:{line}: private Streamlit module {module}")
    return bad


def rel(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


@pytest.mark.parametrize("path", DASHBOARD_SIDE, ids=rel)
def test_dashboard_imports_no_etl_and_no_private_streamlit(path: Path) -> None:
    assert layer_violations(path.read_text(encoding="utf-8"), rel(path), "dashboard") == []


@pytest.mark.parametrize("path", ETL_SIDE, ids=rel)
def test_etl_imports_neither_dashboard_nor_streamlit(path: Path) -> None:
    assert layer_violations(path.read_text(encoding="utf-8"), rel(path), "etl") == []


@pytest.mark.parametrize(
    "source, side",
    [
        ("from etl.periods import label", "dashboard"),
        ("import etl.build", "dashboard"),
        ("from streamlit.runtime.pages_manager import PagesManager", "dashboard"),
        ("import dashboard.data", "etl"),
        ("import streamlit as st", "etl"),
    ],
)
def test_the_scan_finds_each_kind_of_violation(source: str, side: str) -> None:
    assert layer_violations(source, "probe.py", side)


def streamlit_free(path: Path) -> bool:
    return not any(module.split(".")[0] == "streamlit" for _, module in imported(path.read_text(), rel(path)))


@pytest.mark.parametrize("path", sorted((REPO / "dashboard").rglob("*.py")), ids=rel)
def test_streamlit_free_dashboard_modules_stay_small(path: Path) -> None:
    if not streamlit_free(path):
        pytest.skip("Streamlit glue")
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{rel(path)} has {lines} lines: split it by job"
