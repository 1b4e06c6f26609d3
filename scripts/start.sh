#!/usr/bin/env bash
# Set up, build the warehouse from the snapshot if it is missing or stale, and start the dashboard.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
.venv/bin/python -m etl build --snapshot "${KETEN_SNAPSHOT:-../shared/data}"
exec .venv/bin/python -m dashboard.ui.serve --server.headless true "$@"
