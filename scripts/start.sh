#!/usr/bin/env bash
# Set up, build the warehouse from the snapshot if it is missing or stale, and start the dashboard.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
python3 -m etl build --snapshot "${KETEN_SNAPSHOT:-../shared/data}"
exec python3 -m streamlit run app.py --server.headless true "$@"
