"""Start the dashboard server: ``python -m dashboard.ui.serve [streamlit run options]``.

Streamlit runs every reader's script in its own thread. Two things must therefore happen once, in the main
thread, before the first reader arrives:

- the heavy libraries are imported completely. Ten first visits at once otherwise import pandas (through
  plotly) in ten threads and some runs fail with "partially initialized module 'pandas'";
- polars' thread pool is sized before polars is imported (``POLARS_MAX_THREADS``; see ``POLARS_THREADS``);
- Streamlit's old pages-directory mode is switched off, so a first visit never shows a menu of file names.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app.py"

# polars' pool size on a server. The frames on a request path are small (at most a few thousand rows) and at
# most two page runs execute at once (dashboard/ui/admission.py), so a pool larger than the machine's two cores
# buys nothing. Measured with scripts/loadtest.py on the 2-core reference machine, 12 sessions x 2 rounds:
# p50 / p95 0.65 / 1.13 s with 1 thread, 0.64 / 1.21 s with 2 (no difference beyond noise). An operator's own
# POLARS_MAX_THREADS wins.
POLARS_THREADS = "2"


def preload() -> None:
    """Import everything a page run imports, and draw one figure of each trace type the pages use, so that
    plotly's lazily imported trace and validator modules are loaded too."""
    os.environ.setdefault("POLARS_MAX_THREADS", POLARS_THREADS)
    import duckdb  # noqa: F401
    import numpy  # noqa: F401
    import pandas  # noqa: F401
    import plotly.graph_objects as go
    import plotly.io
    import polars  # noqa: F401
    import pyarrow  # noqa: F401

    import dashboard.data  # noqa: F401
    import dashboard.figures  # noqa: F401
    import dashboard.profile_table  # noqa: F401
    import dashboard.publish.embeds  # noqa: F401  (the Embed page links the static edition)

    figure = go.Figure(
        [
            go.Choropleth(locations=["a"], z=[1.0], geojson={"type": "FeatureCollection", "features": []}),
            go.Scattergeo(lat=[52.0], lon=[5.0]),
            go.Bar(x=[1.0], y=["a"], orientation="h"),
            go.Scatter(x=["2016-01-01"], y=[1.0], mode="lines+markers"),
        ]
    )
    figure.update_layout(geo=dict(visible=False), coloraxis=dict(colorscale="Blues"))
    plotly.io.to_json(figure, validate=False)


def leave_pages_directory_mode() -> None:
    """End Streamlit's old pages-directory mode before the first reader arrives, so that even the very first
    visit runs app.py and shows the real menu (see ``widgets.end_pages_directory_mode``). Outside a script run
    Streamlit logs a 'missing ScriptRunContext' warning for the call; it is expected here."""
    import logging

    from dashboard.ui.widgets import end_pages_directory_mode

    context_log = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    level = context_log.level
    context_log.setLevel(logging.ERROR)
    try:
        end_pages_directory_mode()
    finally:
        context_log.setLevel(level)


def main(argv: list[str]) -> None:
    preload()
    leave_pages_directory_mode()
    import streamlit.web.cli as cli

    # A server does not watch its own source files: a file saved while readers are connected would unload
    # modules under running scripts (KeyError: 'dashboard.db'). Later options on the command line win.
    sys.argv = ["streamlit", "run", str(APP), "--server.fileWatcherType", "none", *argv]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
