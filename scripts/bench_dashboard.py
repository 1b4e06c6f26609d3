"""Dashboard benchmark: server-side run time of every page, cold (empty caches) and after changing the
gemeente (warm caches), and the bytes of every map sent to the browser. Targets on the 2-core reference
machine: <= 1 s cold, <= 200 ms warm, <= 200 KB per national gemeente map.

    python scripts/bench_dashboard.py [--warehouse data/ketenmonitor.duckdb]

Runs each page with Streamlit's AppTest (the same script run the server does, without the websocket).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")  # no "missing ScriptRunContext" noise between rows

PAGES = ("overzicht", "opvang", "huisvesting", "integratie", "gemeente", "vergelijk", "bronnen", "embed")
FIRST, SECOND = "GM0363", "GM0344"  # Amsterdam, then Utrecht


def clear_caches() -> None:
    import streamlit as st
    from streamlit import logger

    logger.set_log_level("error")  # clearing outside a script run warns about the missing run context

    st.cache_data.clear()
    st.cache_resource.clear()


def run_page(stem: str, gm: str, cold: bool):
    """Open ``/<stem>?gm=<gm>`` in a new session and time the page's own script run."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    if stem != "overzicht":
        at.run()  # AppTest reaches a page through the default page first
        at.switch_page(f"pages/{stem}.py")
    if cold:
        clear_caches()
    at.query_params.clear()
    at.query_params["gm"] = gm
    started = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - started
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
    # A server imports Streamlit, Plotly and the app's modules once when it starts; do that here untimed so
    # "cold" measures a page on empty caches, not the interpreter loading libraries.
    run_page("bronnen", FIRST, cold=True)
    print(f"{'page':<12} {'cold (s)':>9} {'warm, other gm (s)':>19}   maps (traces, shapes, KB)")
    for stem in PAGES:
        _, cold = run_page(stem, FIRST, cold=True)
        at, warm = run_page(stem, SECOND, cold=False)
        maps = ", ".join(f"{k} {n} {b / 1000:.1f}" for k, n, b in map_bytes(at)) or "-"
        print(f"{stem:<12} {cold:9.3f} {warm:19.3f}   {maps}")


if __name__ == "__main__":
    main()
