#!/usr/bin/env bash
# Create .venv and install loopbot with its locked dependencies; quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "loopbot needs Python 3.11 or newer; set PYTHON=/path/to/python3.11" >&2
  exit 1
fi
stamp=.venv/.installed
if [ -f "$stamp" ] && [ "$stamp" -nt requirements-dev.lock ] && [ "$stamp" -nt pyproject.toml ]; then
  exit 0
fi
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check uv
.venv/bin/uv pip install --quiet --python .venv/bin/python -r requirements-dev.lock
.venv/bin/uv pip install --quiet --python .venv/bin/python --no-deps -e .
touch "$stamp"
