#!/usr/bin/env bash
# Lint, format check and type check: seconds, so CI runs it before the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
