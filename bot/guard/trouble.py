"""Database trouble after the acknowledgement: retried until recorded, or the user is told it was not.

A listener that acknowledges before it writes ("I can't make it", `/loop prep`, releasing scorecards,
cancelling, a draft) has already told Slack all is well. If the database is locked or unreachable,
`AfterAck.run` tries once on the listener's thread (a SQLite writer waiting at most ATTEMPT_BUSY_MS),
then hands the write to a thread of its own that retries with backoff until it is recorded or the
window ends. The caller says what the user hears at each turn: nothing is lost silently.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import TypeVar

from sqlalchemy.orm import Session, sessionmaker

from bot.db import impatient, unavailable

log = logging.getLogger("loopbot.trouble")
T = TypeVar("T")

ATTEMPT_BUSY_MS = 2000  # one attempt waits this long for SQLite's write lock
UNREACHABLE = (
    ":warning: loopbot can't reach its database right now. Nothing was changed: try again in a minute."
)


class AfterAck:
    """Runs acknowledged writes until they are recorded: at once, then in the background with backoff.

    `window` is how long to keep trying, `first_delay` / `max_delay` the backoff, `most` how many
    writes may be retrying at once (more are given up at once: the user is told, nothing piles up).
    """

    def __init__(
        self,
        window: float = 300.0,
        first_delay: float = 1.0,
        max_delay: float = 30.0,
        most: int = 32,
        busy_ms: int = ATTEMPT_BUSY_MS,
    ) -> None:
        self.window, self.first_delay, self.max_delay = window, first_delay, max_delay
        self.most, self.busy_ms = most, busy_ms
        self._lock = threading.Lock()
        self._threads: set[threading.Thread] = set()
        self._stop = threading.Event()

    def sessions(self, factory: sessionmaker[Session]) -> sessionmaker[Session]:
        """Sessions for one attempt: a SQLite writer waits at most `busy_ms` for the lock."""
        return impatient(factory, self.busy_ms)

    def run(
        self,
        what: str,
        attempt: Callable[[], T],
        done: Callable[[T], None],
        waiting: Callable[[], None] | None = None,
        gave_up: Callable[[], None] | None = None,
    ) -> None:
        """Run `attempt`; on database trouble, say `waiting` and retry in the background."""
        try:
            result = attempt()
        except Exception as exc:
            if not unavailable(exc):
                raise
            log.warning("after_ack.not_recorded what=%s error=%s", what, _short(exc))
        else:
            done(result)
            return
        _safely(waiting)
        with self._lock:
            busy = len(self._threads) >= self.most or self._stop.is_set()
            if not busy:
                thread = threading.Thread(
                    target=self._retry,
                    args=(what, attempt, done, gave_up),
                    name=f"after-ack-{what}",
                    daemon=True,
                )
                self._threads.add(thread)
        if busy:
            log.warning("after_ack.gave_up what=%s reason=too many retrying", what)
            _safely(gave_up)
            return
        thread.start()

    def _retry(
        self,
        what: str,
        attempt: Callable[[], T],
        done: Callable[[T], None],
        gave_up: Callable[[], None] | None,
    ) -> None:
        deadline, delay, tries = time.monotonic() + self.window, self.first_delay, 1
        try:
            while (wait := min(delay, deadline - time.monotonic())) > 0 and not self._stop.wait(wait):
                tries += 1
                try:
                    result = attempt()
                except Exception as exc:
                    if unavailable(exc):
                        delay = min(delay * 2, self.max_delay)
                        continue
                    log.exception("after_ack.failed what=%s", what)
                    _safely(gave_up)
                    return
                log.info("after_ack.recorded what=%s tries=%d", what, tries)
                _safely(partial(done, result))
                return
            log.warning("after_ack.gave_up what=%s tries=%d", what, tries)
            _safely(gave_up)
        finally:
            with self._lock:
                self._threads.discard(threading.current_thread())

    def close(self, timeout: float = 10.0) -> None:
        """Stop retrying: each write still unrecorded is given up (its user is told)."""
        self._stop.set()
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout)


def _short(exc: BaseException) -> str:
    """The exception's type and the first line of the driver's message (no SQL, no parameters)."""
    first = (str(getattr(exc, "orig", None) or exc).splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first[:200]}"


def _safely(call: Callable[[], None] | None) -> None:
    """Tell the user; a Slack failure here is logged, never raised into the retry loop."""
    if call is None:
        return
    try:
        call()
    except Exception:
        log.exception("after_ack.tell_failed")
