"""Delivery fixtures (registered in tests/conftest.py): a committed database, the stand-in, dispatchers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot import migrate
from bot.clock import FakeClock
from bot.db import make_engine, make_session_factory
from bot.delivery.dispatcher import Dispatcher
from bot.settings import Settings, load_settings
from bot.standin import StandIn
from models import Base
from tests.support import slack_records
from tests.support.databases import new_database_url

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # a Tuesday, inside UTC working hours


def settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {"LOOPBOT_LEASE_SECONDS": 30, "LOOPBOT_SEND_CONCURRENCY": 4}
    values.update(overrides)
    return load_settings(**values)


@pytest.fixture(scope="module")
def outbox_engine(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """One migrated database per backend and module; tables are emptied after each test."""
    engine = make_engine(new_database_url(backend, Path(tmp_path_factory.mktemp(f"outbox-{backend}"))))
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sf(outbox_engine: Engine) -> Iterator[sessionmaker[Session]]:
    yield make_session_factory(outbox_engine)
    with outbox_engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def db_url(outbox_engine: Engine) -> str:
    return outbox_engine.url.render_as_string(hide_password=False)


@pytest.fixture
def slack() -> Iterator[StandIn]:
    with StandIn(slack_records.workspace()) as standin:
        yield standin


@pytest.fixture
def make_dispatcher(
    sf: sessionmaker[Session], slack: StandIn, clock: FakeClock
) -> Iterator[Callable[..., Dispatcher]]:
    made: list[Dispatcher] = []

    def make(**kw: Any) -> Dispatcher:
        overrides = {k: kw.pop(k) for k in list(kw) if k.isupper()}
        d = Dispatcher(
            kw.pop("session_factory", sf),
            WebClient(token="xoxb-test", base_url=slack.url),
            settings(**overrides),
            kw.pop("clock", clock),
            **kw,
        )
        made.append(d)
        return d

    yield make
    for d in made:
        d.pool.shutdown(wait=True)
