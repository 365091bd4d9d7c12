"""App Home refreshes, off the request path: coalesced per user and paced under views.publish's limit.

A saved scorecard changes three homes (the panelist's, the recruiter's, the hiring manager's). Publishing
them inside the request took ~80 % of its CPU, and Slack allows views.publish only about 100 times a minute
per workspace (Tier 4), so a busy hour could never keep up one-for-one anyway. Instead a change asks for
a refresh; one background thread publishes each asked-for home once, however many changes came in
meanwhile, under the rate limit: turns come from a schedule in the database shared by every worker and
replica (bot/delivery/pacing.SharedRate, as for posts), or from a token bucket of its own; a 429's
Retry-After pauses it.

A refresh asked for just before a crash is lost. That is harmless: a home is rebuilt from the database
every time its user opens it (app_home_opened), so nothing but a stale tab on an open screen is at stake.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable

from slack_sdk.errors import SlackApiError

from bot.delivery.pacing import SharedRate

log = logging.getLogger("loopbot.home")

Publish = Callable[[str], None]


class InlineHomes:
    """Publish at once, in the caller's thread (the demo: its simulated clock must not run ahead)."""

    def __init__(self, publish: Publish) -> None:
        self._publish = publish

    def request(self, users: Iterable[str]) -> None:
        """Refresh these users' homes now; a Slack refusal is logged, never raised."""
        for user in dict.fromkeys(u for u in users if u):
            try:
                self._publish(user)
            except SlackApiError as exc:  # a stale home tab must not fail the change that caused it
                log.warning("home.publish_failed user=%s error=%s", user, exc.response.get("error"))

    def close(self) -> None:
        """Nothing runs in the background."""


class HomeRefresher:
    """Publishes asked-for homes in one daemon thread: each user once per turn, within `per_minute`."""

    def __init__(
        self,
        publish: Publish,
        per_minute: float = 100,
        burst: int = 10,
        monotonic: Callable[[], float] = time.monotonic,
        shared: SharedRate | None = None,
        wall: Callable[[], float] = time.time,
    ) -> None:
        """`shared`: draw turns from a schedule in the database that every process shares, so that
        workers and replicas together stay within Slack's limit (else a token bucket per process)."""
        self._publish, self._mono, self._shared, self._wall = publish, monotonic, shared, wall
        self._rate, self._burst = per_minute / 60, float(burst)
        self._tokens, self._stamp = float(burst), monotonic()
        self._not_before = 0.0  # set by a 429's Retry-After
        self._pending: dict[str, None] = {}  # an ordered set: first asked, first published
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False
        self.published = 0
        # Times the thread went back to sleep: after a request() it has looked at the state once this
        # grows, so a test can tell "decided to wait" from "has not run yet" without sleeping.
        self.waits = 0

    def request(self, users: Iterable[str]) -> None:
        """Ask for these users' homes to be refreshed soon; returns at once."""
        with self._cond:
            if self._closed:
                return
            for user in users:
                if user:
                    self._pending.setdefault(user)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="loopbot-homes", daemon=True)
                self._thread.start()
            self._cond.notify()

    def pending(self) -> list[str]:
        """Users whose refresh has not gone out yet, oldest first."""
        with self._cond:
            return list(self._pending)

    def close(self, timeout: float = 5.0) -> None:
        """Stop; a publish under way finishes, refreshes not yet started are dropped (and counted)."""
        with self._cond:
            self._closed = True
            dropped = len(self._pending)
            self._pending.clear()
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)
        if dropped:
            log.info("home.refresh_dropped count=%d reason=shutdown", dropped)

    def _wait_for_token(self) -> bool:
        """Under the lock: sleep until a publish is allowed; False when closed meanwhile."""
        while not self._closed:
            now = self._mono()
            self._tokens = min(self._burst, self._tokens + (now - self._stamp) * self._rate)
            self._stamp = now
            wait = max(self._not_before - now, (1 - self._tokens) / self._rate if self._tokens < 1 else 0.0)
            if wait <= 0:
                self._tokens -= 1
                return True
            self.waits += 1
            self._cond.wait(wait)
        return False

    def _wait_for_shared_slot(self) -> bool:
        """Reserve the next turn of the shared schedule (a database write, outside the lock), sleep to it."""
        assert self._shared is not None
        try:
            slot = self._shared.reserve(1).slots[0]
        except Exception:  # noqa: BLE001 - the database is down: pace locally for this turn
            log.exception("home.pace_failed")
            slot = self._wall() + 1 / self._rate
        with self._cond:
            while not self._closed:
                wait = max(slot - self._wall(), self._not_before - self._mono())
                if wait <= 0:
                    return True
                self.waits += 1
                self._cond.wait(wait)
        return False

    def _pop(self) -> str:
        user = next(iter(self._pending))
        del self._pending[user]
        return user

    def _next_user(self) -> str | None:
        with self._cond:
            while not self._pending and not self._closed:
                self.waits += 1
                self._cond.wait()
            if self._closed:
                return None
            if self._shared is None:
                # Waiting for the token before taking a user lets more changes for them coalesce.
                return self._pop() if self._wait_for_token() and self._pending else None
        if not self._wait_for_shared_slot():
            return None
        with self._cond:
            return self._pop() if self._pending and not self._closed else None

    def _run(self) -> None:
        while (user := self._next_user()) is not None:
            try:
                self._publish(user)
                self.published += 1
            except SlackApiError as exc:
                if exc.response.status_code == 429:
                    pause = retry_after_seconds(exc.response.headers)
                    with self._cond:
                        self._not_before = self._mono() + pause
                        self._pending.setdefault(user)  # nothing was published: try again after the pause
                    if self._shared is not None:
                        self._hold_shared(pause)
                    log.info("home.rate_limited retry_after=%s", pause)
                else:
                    log.warning("home.publish_failed user=%s error=%s", user, exc.response.get("error"))
            except Exception:  # noqa: BLE001 - a bug or a database outage must not end the thread
                log.exception("home.publish_failed user=%s", user)

    def _hold_shared(self, pause: float) -> None:
        """Every process waits out a 429 (Slack's limit is the workspace's)."""
        assert self._shared is not None
        try:
            self._shared.hold(pause)
        except Exception:  # noqa: BLE001 - this process still pauses; the others learn from their own 429
            log.exception("home.pace_failed")


def retry_after_seconds(headers: dict[str, str], default: float = 60.0) -> float:
    """A 429's Retry-After in seconds; a missing or unreadable one waits `default`."""
    raw = headers.get("Retry-After") or headers.get("retry-after")
    try:
        return max(0.0, float(raw)) if raw is not None else default
    except ValueError:
        return default
