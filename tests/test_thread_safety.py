"""Request paths stay safe with many script threads at once (issue #8).

A page run must never make polars call back into Python (``map_elements`` and friends run the callback on
polars' own thread pool: a pool worker waiting for the GIL while a script thread holding the GIL waits for the
pool hangs the whole server), never hand Streamlit a polars frame to convert through pandas, and never cache
frames with ``st.cache_data`` (which unpickles them on every hit). This scans the code every page run imports.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

# polars methods whose argument is a Python function that polars calls (possibly from its thread pool).
CALLBACK_METHODS = {
    "map_elements",
    "map_batches",
    "map_rows",
    "map_groups",
    "apply",
    "rolling_map",
    "map_dict",
    "cumulative_eval",
}
CONVERSIONS = {"to_pandas"}
REQUEST_PATH = [REPO / "app.py", *sorted((REPO / "pages").glob("*.py")), *sorted((REPO / "dashboard").rglob("*.py"))]


def violations(source: str, name: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source, name)):
        where = f"{name}:{getattr(node, 'lineno', 0)}"
        # st.cache_data, called or as a bare decorator
        if isinstance(node, ast.Attribute) and node.attr == "cache_data":
            found.append(f"{where}: st.cache_data pickles and unpickles frames on every hit")
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        method = node.func.attr
        if method in CALLBACK_METHODS:
            found.append(f"{where}: .{method}() runs a Python callback inside polars")
        elif method in CONVERSIONS:
            found.append(f"{where}: .{method}() converts on the script thread")
        elif method == "dataframe":
            first = node.args[0] if node.args else None
            arrow = (
                isinstance(first, ast.Call) and isinstance(first.func, ast.Attribute) and first.func.attr == "to_arrow"
            )
            if not arrow:
                found.append(f"{where}: st.dataframe gets no Arrow table (Streamlit would convert through pandas)")
    return found


@pytest.mark.parametrize("path", REQUEST_PATH, ids=lambda p: p.relative_to(REPO).as_posix())
def test_request_path_has_no_polars_callbacks_or_conversions(path: Path) -> None:
    assert violations(path.read_text(encoding="utf-8"), path.relative_to(REPO).as_posix()) == []


@pytest.mark.parametrize(
    "snippet",
    [
        'frame.with_columns(pl.col("v").map_elements(lambda v: str(v), return_dtype=pl.String))',
        'frame.select(pl.col("v").map_batches(fn))',
        "frame.to_pandas()",
        "st.dataframe(frame, hide_index=True)",
        "@st.cache_data\ndef f():\n    pass",
        "@st.cache_data(max_entries=3)\ndef f():\n    pass",
    ],
)
def test_the_scan_finds_what_it_forbids(snippet: str) -> None:
    assert violations(snippet, "snippet.py"), snippet


def test_the_scan_allows_the_safe_forms() -> None:
    safe = 'st.dataframe(frame.to_arrow(), hide_index=True)\nwith_text(frame, "v", str, "t")\nframe.to_list()'
    assert violations(safe, "safe.py") == []
