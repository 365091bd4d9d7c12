"""Where "now" comes from: the system clock, or a movable one for the demo and tests."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Protocol

from models.base import utcnow


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """The real UTC clock."""

    def now(self) -> datetime:
        return utcnow()


class FakeClock:
    """A clock that only moves when told to (simulated time)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            self._now += delta
            return self._now

    def set(self, when: datetime) -> None:
        with self._lock:
            self._now = when
