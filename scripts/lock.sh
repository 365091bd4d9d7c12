#!/usr/bin/env bash
# Re-lock dependencies after editing pyproject.toml: runtime (hashed, for the image) and dev (for tests and CI).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
.venv/bin/uv pip compile pyproject.toml --generate-hashes -q -o requirements.lock
.venv/bin/uv pip compile pyproject.toml --extra dev -q -o requirements-dev.lock
