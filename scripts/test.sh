#!/usr/bin/env bash
# Set up and run every test: parsers on the real snapshot, the build, loopback HTTP connectors,
# AppTest runs of every page, a real Chromium against a running server, and a load test (also through nginx).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh --tests
.venv/bin/ruff check .
# One worker per core (pytest-xdist); every fixture that writes builds into its own temporary folder.
.venv/bin/python -m pytest -q -n auto "$@"
