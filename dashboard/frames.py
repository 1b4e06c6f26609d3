"""Small frame helpers that are safe on Streamlit's script threads.

Formatting a column with a Python function happens here, in plain Python over the collected values, never
as a Python callback inside a polars expression (``map_elements``): polars runs those on its own thread pool,
and with many script threads at once a pool worker waiting for the GIL while a script thread holding the GIL
waits for the pool hangs the whole server. ``tests/test_thread_safety.py`` keeps such callbacks out.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl


def with_text(frame: pl.DataFrame, column: str, fmt: Callable[[object], str | None], alias: str) -> pl.DataFrame:
    """``frame`` plus a string column ``alias`` holding ``fmt(value)`` for each value of ``column``."""
    texts = [fmt(value) for value in frame.get_column(column).to_list()]
    return frame.with_columns(pl.Series(alias, texts, dtype=pl.String))
