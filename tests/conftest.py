"""Database fixtures: every DB test runs on SQLite and on PostgreSQL (when one is available)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot import migrate
from bot.db import make_engine, make_session_factory
from tests.support.databases import new_database_url

pytest_plugins = ["tests.support.panel_fixtures", "tests.support.outbox"]

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS, scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def migrated_engine(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A database migrated to head once per backend and test run."""
    engine = make_engine(new_database_url(backend, tmp_path_factory.mktemp(backend)))
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(migrated_engine: Engine) -> Iterator[Session]:
    """A session whose work is rolled back after the test (savepoints let the code under test commit)."""
    with migrated_engine.connect() as conn:
        trans = conn.begin()
        factory = sessionmaker(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
        with factory() as s:
            yield s
        trans.rollback()


@pytest.fixture
def session_factory(migrated_engine: Engine) -> Iterator[sessionmaker[Session]]:
    """A session factory bound to one outer transaction that is rolled back after the test."""
    with migrated_engine.connect() as conn:
        trans = conn.begin()
        yield sessionmaker(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
        trans.rollback()


@pytest.fixture
def fresh_engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """A database of its own, migrated to head, whose commits are real (for multi-process tests)."""
    engine = make_engine(new_database_url(backend, tmp_path))
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def fresh_session_factory(fresh_engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(fresh_engine)
