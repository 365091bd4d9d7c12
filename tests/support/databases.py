"""Throw-away databases for tests: a SQLite file, or a fresh database on the test PostgreSQL server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support import postgres


def _postgres_server() -> str:
    url = postgres.server_url()
    if url is None:
        if os.environ.get("LOOPBOT_REQUIRE_POSTGRES") == "1":
            pytest.fail(
                "LOOPBOT_REQUIRE_POSTGRES=1 but no PostgreSQL is available (TEST_DATABASE_URL or initdb)"
            )
        pytest.skip("no PostgreSQL available: set TEST_DATABASE_URL or install PostgreSQL")
    return url


def new_database_url(backend: str, tmp_path: Path) -> str:
    """An empty database of the given backend, for a test that needs its own."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'loopbot.db'}"
    return postgres.fresh_database(_postgres_server())
