"""The delivery tests' clock at T0 (the database, stand-in and dispatchers: tests/support/outbox.py)."""

from __future__ import annotations

import pytest

from bot.clock import FakeClock
from tests.support.outbox import T0


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)
