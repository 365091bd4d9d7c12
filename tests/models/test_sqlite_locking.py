"""SQLite: a transaction that reads and then writes waits for a busy writer instead of failing."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from bot import migrate
from bot.db import make_engine, make_session_factory, reading
from models import Delivery

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _row(key: str) -> Delivery:
    return Delivery(dedupe_key=key, kind="notice", recipient="U1", due_at=NOW, next_attempt_at=NOW)


def test_read_then_write_waits_for_another_writer(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'lock.db'}")
    migrate.upgrade(engine)
    factory = make_session_factory(engine)
    holding, release = threading.Event(), threading.Event()

    def other_writer() -> None:
        with factory.begin() as s:
            s.add(_row("other"))
            s.flush()  # holds the write lock until commit
            holding.set()
            release.wait(5)

    writer = threading.Thread(target=other_writer)
    writer.start()
    assert holding.wait(5)
    threading.Timer(0.3, release.set).start()
    began = time.monotonic()
    with factory.begin() as s:  # reads, then writes: the pattern of planner.notify and the handlers
        seen = s.scalar(select(func.count()).select_from(Delivery))
        s.add(_row("mine"))
    writer.join()
    assert time.monotonic() - began >= 0.25  # it waited for the other writer rather than failing
    assert seen == 1  # and it read after the other transaction committed
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(Delivery)) == 2
    engine.dispose()


def test_a_reading_session_does_not_wait_for_a_writer(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'read.db'}")
    migrate.upgrade(engine)
    factory = make_session_factory(engine)
    with factory.begin() as s:
        s.add(_row("committed"))
    holding, release = threading.Event(), threading.Event()

    def other_writer() -> None:
        with factory.begin() as s:
            s.add(_row("uncommitted"))
            s.flush()
            holding.set()
            release.wait(10)

    writer = threading.Thread(target=other_writer)
    writer.start()
    assert holding.wait(5)
    seen: list[int] = []

    def read() -> None:
        with reading(factory) as s:  # App Home, a modal about to open
            seen.append(s.scalar(select(func.count()).select_from(Delivery)) or 0)

    reader = threading.Thread(target=read)
    reader.start()
    reader.join(5)  # a session taking the write lock would still be waiting here
    finished = not reader.is_alive()
    release.set()
    writer.join()
    reader.join()
    assert finished
    assert seen == [1]
    engine.dispose()
