"""GET /healthz: read-only, answered within a second, and never more than one probe at a time.

The probe (bot/db.py `ping`) only reads, so it never queues for SQLite's write lock. It runs on a
thread of its own: a request waits for it at most `timeout` seconds and then answers 503, and while
one probe is under way every request waits for that one instead of starting another, so a stuck
database holds one probe thread, not every request thread of the server.
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import Engine

from bot.db import ping

log = logging.getLogger("loopbot.health")


class HealthProbe:
    """Whether the database answers, as of at most `fresh` seconds ago, found within `timeout`."""

    def __init__(self, engine: Engine, timeout: float = 1.0, fresh: float = 1.0) -> None:
        self.engine, self.timeout, self.fresh = engine, timeout, fresh
        self._lock = threading.Lock()
        self._running: threading.Event | None = None
        self._result: tuple[float, bool] | None = None  # (when, healthy)

    def healthy(self) -> bool:
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
