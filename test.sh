#!/usr/bin/env bash
# Quick start: run the whole test suite (SQLite always; PostgreSQL when one is available), with a coverage
# report. The lint and type checks CI runs first are `scripts/lint.sh`.
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh
export PATH="$PWD/.venv/bin:$PATH"
exec .venv/bin/python -m pytest --cov --cov-report=term "$@"
