#!/usr/bin/env bash
# Install what the project needs into its own virtual environment (.venv), never into the system Python
# (Debian's python3 refuses that: PEP 668). Works with Debian's python3 + python3-venv and any Python >= 3.11.
#
#   scripts/setup.sh           runtime + test Python packages
#   scripts/setup.sh --tests   also Debian's chromium (browser tests), nginx (the scale-out test) and poppler-utils
#                              (pdftotext, pdfinfo: the factsheet tests)
#
# Set $PYTHON to choose the interpreter the environment is made from (default: python3).
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

PY="${PYTHON:-python3}"
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "setup: $PY is missing or older than Python 3.11; install python3 (>= 3.11) or set PYTHON=/path/to/python" >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  rm -rf .venv
  if ! "$PY" -m venv .venv >/dev/null 2>&1; then
    # Debian splits venv/ensurepip into python3-venv (python3.X-venv on some releases).
    rm -rf .venv
    echo "setup: installing Debian's python3-venv" >&2
    minor="$("$PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
    apt_install python3-venv || apt_install "python${minor}-venv"
    "$PY" -m venv .venv
  fi
fi

# Install only when requirements.txt changed since the last successful install.
stamp=.venv/.requirements.sha256
want="$(sha256sum requirements.txt | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
  echo "$want" >"$stamp"
fi

if [ "${1:-}" = "--tests" ]; then
  need=()
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
  command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)  # reads the factsheet PDFs back in the tests
  if [ "${#need[@]}" -gt 0 ]; then apt_install "${need[@]}"; fi
fi
