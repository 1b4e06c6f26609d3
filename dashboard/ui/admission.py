"""Admission control: at most ``CONCURRENT_RUNS`` page runs execute at once; the others wait their turn.

Streamlit starts a thread per reader's run, and Python runs one thread at a time (the GIL). With fifty readers
at once, fifty runnable threads share the interpreter with the server's event loop, so every run and even the
health check slow down together. A reader waiting here sleeps on a semaphore, not competing for the GIL, so the
running pages finish quickly and the event loop keeps answering. A run that cannot start within
``WAIT_SECONDS`` ends with a short notice instead of hanging. Both are settings (environment variables).

The default of 2 was measured with scripts/loadtest.py on the 2-core reference machine (README, "Serving many
readers"). 25 sessions with 1 s think time, p50 / p95 per run: 1 slot 0.39 / 0.81 s, 2 slots 0.30 / 0.64 s,
4 slots 0.77 / 1.44 s, 8 slots 1.37 / 1.59 s. The slowest health check at 50 sessions without think time:
130 ms, 214 ms, over 1 s, over 1 s. More slots only add threads fighting over one GIL; one slot lets a single
slow run hold up everyone.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from dashboard.i18n import t

CONCURRENT_RUNS = max(1, int(os.environ.get("KETEN_CONCURRENT_RUNS", "2")))
WAIT_SECONDS = float(os.environ.get("KETEN_WAIT_SECONDS", "30"))

_slots = threading.BoundedSemaphore(CONCURRENT_RUNS)


@contextmanager
def run_slot(lang: str) -> Iterator[None]:
    """Hold one of the run slots for the duration of a page run."""
    if not _slots.acquire(timeout=WAIT_SECONDS):
        st.warning(t("busy", lang), icon=":material/hourglass_top:")
        st.stop()
    try:
        yield
    finally:
        _slots.release()
