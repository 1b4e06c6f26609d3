"""The one cache between the pages and the warehouse.

The open ``Warehouse`` is a Streamlit resource per file path and modification time (a rebuilt warehouse is
picked up at once; an evicted one has its connection closed). Every result lives in that warehouse's own
bounded memo (``Warehouse.remember``), shared by all sessions as the same object: nothing is pickled or
copied on a hit, so a cache hit never runs polars (de)serialisation on the script thread. Callers never
mutate what they get.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from dashboard import data, geo
from dashboard.db import Warehouse, warehouse_path

Token = tuple[str, float]
T = TypeVar("T")


def token() -> Token | None:
    path = warehouse_path()
    try:
        return str(path), path.stat().st_mtime
    except OSError:
        return None


@st.cache_resource(show_spinner=False, max_entries=4, on_release=Warehouse.close)
def _warehouse(path: str, mtime: float) -> Warehouse:
    return Warehouse(path)


def warehouse() -> Warehouse:
    tok = token()
    if tok is None:
        raise FileNotFoundError(str(warehouse_path()))
    return _warehouse(*tok)


def get(fn: Callable[..., T], *args: object) -> T:
    """``fn(warehouse, *args)`` for a function of ``dashboard.data``, remembered by function and arguments."""
    return warehouse().remember(fn, *args)


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
