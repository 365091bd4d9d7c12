"""Queued faults: the next N calls of a method answer 429, 5xx or an error, go slow, or hang up."""

from __future__ import annotations

import threading
from collections import defaultdict, deque
from dataclasses import dataclass
from enum import StrEnum

ANY_METHOD = "*"


class FaultKind(StrEnum):
    RATE_LIMIT = "rate_limit"  # HTTP 429 + Retry-After; nothing happens
    SERVER_ERROR = "server_error"  # HTTP 5xx; nothing happens
    ERROR = "error"  # HTTP 200 {"ok": false, "error": ...}; nothing happens
    SLOW = "slow"  # sleep, then answer normally
    DROP = "drop"  # close the socket without answering; nothing happens
    DROP_AFTER_ACCEPT = "drop_after_accept"  # take effect (the post is stored), then hang up


@dataclass(frozen=True)
class Fault:
    kind: FaultKind
    retry_after: int = 1
    status: int = 500
    error: str = ""
    seconds: float = 0.0


class Faults:
    """Per-method FIFO queues of faults; `*` matches any method once the method's own queue is empty."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: dict[str, deque[Fault]] = defaultdict(deque)

    def add(self, method: str, fault: Fault, n: int = 1) -> None:
        with self._lock:
            self._queues[method].extend([fault] * n)

    def next(self, method: str) -> Fault | None:
        """Pop the fault the next call of `method` must suffer, if any."""
        with self._lock:
            for key in (method, ANY_METHOD):
                if self._queues[key]:
                    return self._queues[key].popleft()
            return None

    def pending(self, method: str | None = None) -> int:
        """How many queued faults have not fired yet (for `method`, or in all)."""
        with self._lock:
            if method is not None:
                return len(self._queues[method])
            return sum(len(q) for q in self._queues.values())

    def clear(self) -> None:
        with self._lock:
            self._queues.clear()
