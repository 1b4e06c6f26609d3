"""Streamlit caching around the pure ``dashboard.data`` functions.

The read-only connection is one shared resource (each query opens its own cursor); query results are
cached per function name and arguments; map geometry is built once per level and year. Every cache key
includes the warehouse file's path and modification time, so a rebuilt warehouse is picked up at once.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard import data, geo
from dashboard.db import Warehouse, warehouse_path

Token = tuple[str, float]


def token() -> Token | None:
    path = warehouse_path()
    try:
        return str(path), path.stat().st_mtime
    except OSError:
        return None


@st.cache_resource(show_spinner=False, max_entries=4)
def _warehouse(path: str, mtime: float) -> Warehouse:
    return Warehouse(path)


def warehouse() -> Warehouse:
    tok = token()
    if tok is None:
        raise FileNotFoundError(str(warehouse_path()))
    return _warehouse(*tok)


@st.cache_data(show_spinner=False, max_entries=1024)
def _call(name: str, tok: Token, args: tuple) -> Any:
    return getattr(data, name)(_warehouse(*tok), *args)


def get(name: str, *args: Any) -> Any:
    """``data.<name>(warehouse, *args)``, cached by name and arguments."""
    tok = token()
    if tok is None:
        raise FileNotFoundError(str(warehouse_path()))
    return _call(name, tok, tuple(args))


@st.cache_resource(show_spinner=False, max_entries=64)
def _geometry(tok: Token, level: str, year: int) -> tuple[dict, tuple[str, ...]]:
    rows = data.geometry_rows(_warehouse(*tok), level, year)
    return geo.feature_collection(rows), tuple(dict.fromkeys(rows["source_id"].to_list()))


def geometry(level: str, year: int) -> tuple[dict, tuple[str, ...]]:
    """The FeatureCollection of ``level`` in ``year`` and the source ids of those boundaries (shared, do not
    mutate)."""
    tok = token()
    if tok is None:
        raise FileNotFoundError(str(warehouse_path()))
    return _geometry(tok, level, year)
