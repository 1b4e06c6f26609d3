#!/usr/bin/env bash
# Set up and run every test: parsers on the real snapshot, the build, loopback HTTP connectors,
# AppTest runs of every page and a real Chromium against a running server.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
ruff check .
python3 -m pytest -q "$@"
