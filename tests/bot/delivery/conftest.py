"""Fixtures for the delivery tests: the real builders are stubbed (see builders_stub), the clock at T0."""

from __future__ import annotations

import pytest

from bot.clock import FakeClock
from tests.bot.delivery import builders_stub
from tests.support.outbox import T0


@pytest.fixture(autouse=True)
def _builders(monkeypatch: pytest.MonkeyPatch) -> None:
    builders_stub.install(monkeypatch)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)
