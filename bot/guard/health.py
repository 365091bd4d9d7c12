"""GET /healthz: read-only, answered within a second, and never more than one probe at a time.

The probe (bot/db.py `ping`) only reads, so it never queues for SQLite's write lock. It runs on a
thread of its own: a request waits for it at most `timeout` seconds and then answers 503, and while
one probe is under way every request waits for that one instead of starting another, so a stuck
database holds one probe thread, not every request thread of the server.

Besides the database, `checks` are in-memory and answer at once: the dispatcher's scheduler is running
and has finished a tick lately (`TickWatch`), and in Socket Mode the WebSocket is connected.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from sqlalchemy import Engine

from bot.db import ping

log = logging.getLogger("loopbot.health")


class HealthProbe:
    """Whether the database answers, as of at most `fresh` seconds ago, found within `timeout`, and
    every in-memory check in `checks` passes."""

    def __init__(self, engine: Engine, timeout: float = 1.0, fresh: float = 1.0) -> None:
        self.engine, self.timeout, self.fresh = engine, timeout, fresh
        self.checks: dict[str, Callable[[], bool]] = {}
        self._lock = threading.Lock()
        self._running: threading.Event | None = None
        self._result: tuple[float, bool] | None = None  # (when, healthy)

    def healthy(self) -> bool:
        failing = [name for name, check in list(self.checks.items()) if not check()]
        if failing:
            log.warning("health.failing checks=%s", ",".join(failing))
            return False
        return self.database()

    def database(self) -> bool:
        with self._lock:
            if self._result is not None and time.monotonic() - self._result[0] < self.fresh:
                return self._result[1]
            running = self._running
            if running is None:
                running = self._running = threading.Event()
                threading.Thread(target=self._probe, args=(running,), name="healthz", daemon=True).start()
        if not running.wait(self.timeout):
            log.warning("health.slow timeout=%.1fs", self.timeout)
            return False
        with self._lock:
            return self._result is not None and self._result[1]

    def _probe(self, done: threading.Event) -> None:
        healthy = ping(self.engine, timeout_ms=int(self.timeout * 1000))
        with self._lock:
            self._result = (time.monotonic(), healthy)
            self._running = None
        done.set()


class TickWatch:
    """The dispatcher is alive: its scheduler runs, and a tick has finished within `stale` seconds.

    A tick that hangs stops the next ones (one instance at a time), so no tick finishing for many
    intervals means deliveries have stopped although the process still answers.
    """

    def __init__(self, scheduler: Any, stale: float) -> None:
        self.scheduler, self.stale = scheduler, stale
        self.last = time.monotonic()  # the start counts: the first tick runs at once
        scheduler.add_listener(self._finished, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)

    def _finished(self, _event: object) -> None:
        self.last = time.monotonic()

    def __call__(self) -> bool:
        return bool(self.scheduler.running) and time.monotonic() - self.last < self.stale


class SocketWatch:
    """The Socket Mode WebSocket is up: slack_sdk's `SocketModeClient.is_connected()` (a current
    session that is active), and a pong within four ping intervals.

    The second half is slack_sdk's own rule for a stale connection, which its monitor applies only
    while a ping can still be sent: when the peer vanishes without a close frame, the built-in client
    keeps its socket (and `is_connected()`) for five failed checks, about a minute.
    """

    def __init__(self, client: Any) -> None:
        self.client = client

    def __call__(self) -> bool:
        if not self.client.is_connected():
            return False
        last = getattr(getattr(self.client, "current_session", None), "last_ping_pong_time", None)
        interval = float(getattr(self.client, "ping_interval", 10))
        return last is None or time.time() - float(last) <= 4 * interval
