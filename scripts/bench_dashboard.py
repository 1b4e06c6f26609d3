"""Dashboard benchmark: server-side run time of every page, cold (empty caches) and after changing the
gemeente (warm caches; median and maximum over five gemeenten), and the bytes of every map sent to the browser.
Targets on the 2-core reference machine: <= 1 s cold, <= 200 ms warm, <= 200 KB per national gemeente map.

    python scripts/bench_dashboard.py [--warehouse data/ketenmonitor.duckdb]

Runs each page with Streamlit's AppTest (the same script run the server does, without the websocket) and
times the script runs themselves.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")  # no "missing ScriptRunContext" noise between rows

PAGES = ("overzicht", "opvang", "huisvesting", "integratie", "gemeente", "vergelijk", "bronnen", "embed")
FIRST = "GM0363"  # Amsterdam, opened on empty caches
# Then other gemeenten, each in a new session on warm caches; the median of these is "warm".
OTHERS = ("GM0344", "GM0599", "GM0518", "GM0772", "GM0034")


def clear_caches() -> None:
    import streamlit as st
    from streamlit import logger

    logger.set_log_level("error")  # clearing outside a script run warns about the missing run context

    st.cache_resource.clear()


SCRIPT_SECONDS: list[float] = []


def time_script_runs() -> None:
    """Record how long each script run takes inside the script runner: the server's own work, without the
    test harness's session setup and message parsing that ``AppTest.run`` adds around it."""
    from streamlit.runtime.scriptrunner import script_runner

    original = script_runner.ScriptRunner._run_script

    def timed(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            SCRIPT_SECONDS.append(time.perf_counter() - started)

    script_runner.ScriptRunner._run_script = timed


def run_page(stem: str, gm: str, cold: bool):
    """Open ``/<stem>?gm=<gm>`` in a new session; the seconds its script run(s) took on the server side."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    if stem != "overzicht":
        at.run()  # AppTest reaches a page through the default page first
        at.switch_page(f"pages/{stem}.py")
    if cold:
        clear_caches()
    at.query_params.clear()
    at.query_params["gm"] = gm
    SCRIPT_SECONDS.clear()
    at.run()
    elapsed = sum(SCRIPT_SECONDS)  # a rerun within the same request counts too
    if at.exception:
        raise SystemExit(f"{stem}: {at.exception[0].message}")
    return at, elapsed


def map_bytes(at) -> list[tuple[str, int, int]]:
    """(trace types, shapes, bytes) of every Plotly figure that holds a map."""
    out = []
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        kinds = sorted({d["type"] for d in spec["data"]})
        shapes = sum(len(d.get("locations", [])) for d in spec["data"] if d["type"] == "choropleth")
        if shapes:
            out.append(("+".join(kinds), shapes, len(chart.proto.spec.encode())))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--warehouse", type=Path, default=REPO / "data" / "ketenmonitor.duckdb")
    args = parser.parse_args()
    if not args.warehouse.exists():
        raise SystemExit(f"{args.warehouse} not found; build it with: python -m etl build")
    os.environ["KETEN_WAREHOUSE"] = str(args.warehouse.resolve())
    time_script_runs()
    # A server imports Streamlit, Plotly and the app's modules once when it starts; do that here untimed so
    # "cold" measures a page on empty caches, not the interpreter loading libraries.
    run_page("bronnen", FIRST, cold=True)
    print(f"{'page':<12} {'cold (s)':>9} {'warm, other gm: median / max (s)':>33}   maps (traces, shapes, KB)")
    for stem in PAGES:
        _, cold = run_page(stem, FIRST, cold=True)
        warm = []
        for gm in OTHERS:
            at, elapsed = run_page(stem, gm, cold=False)
            warm.append(elapsed)
        maps = ", ".join(f"{k} {n} {b / 1000:.1f}" for k, n, b in map_bytes(at)) or "-"
        print(f"{stem:<12} {cold:9.3f} {statistics.median(warm):24.3f} / {max(warm):.3f}   {maps}")


if __name__ == "__main__":
    main()
