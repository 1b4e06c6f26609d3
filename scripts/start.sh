#!/usr/bin/env bash
# Set up, find the data (KETEN_SNAPSHOT, ../shared/data, or a live fetch into data/snapshot), build the warehouse
# when inputs changed, and start the dashboard. Extra arguments go to the server (options of `streamlit run`).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
.venv/bin/python -m etl prepare
exec .venv/bin/python -m dashboard.ui.serve --server.headless true "$@"
