"""The dispatcher: claim due rows, re-check them, send them concurrently, record the outcome."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, fields
from datetime import timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.delivery import outcomes
from bot.delivery.claim import Claimed, Finish, apply, claim_due, release_all
from bot.delivery.hours_logic import next_working_instant, parse_window
from bot.delivery.logfmt import kv
from bot.delivery.relevance import obsolete_reason
from bot.delivery.render import Rendered, render
from bot.delivery.retry_logic import Classified, Outcome, classify
from bot.delivery.slack_io import Progress, Throttle, TzCache, find_posted, posting_client, send
from bot.settings import Settings
from models import Delivery, DeliveryKind, DeliveryStatus

log = logging.getLogger("loopbot.delivery")

# Only these wait for the recipient's working hours; a prep DM for a 9:00 interview must not.
WORKING_HOURS_KINDS = frozenset({DeliveryKind.REMINDER, DeliveryKind.ESCALATION})
FaultHook = Callable[[str, Claimed], None]


@dataclass
class TickResult:
    """What one tick did; `expired` rows lost their point while waiting and are counted, never dropped."""

    claimed: int = 0
    sent: int = 0
    recovered: int = 0  # found already posted (metadata in history): marked sent without re-posting
    cancelled: int = 0
    expired: int = 0
    failed: int = 0
    retried: int = 0
    deferred: int = 0  # handed back untouched: working hours, throttling or shutdown
    skipped: int = 0  # the lease was lost to another worker

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


class Deferred(Exception):
    """Hand the row back untouched, to be tried again in `seconds`."""

    def __init__(self, seconds: float, why: str) -> None:
        super().__init__(why)
        self.seconds, self.why = seconds, why


class Dispatcher:
    """Claims due deliveries and sends them; safe to run in several processes on one database."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        client: WebClient,
        settings: Settings,
        clock: Clock,
        *,
        batch_size: int | None = None,
        backoff_base: timedelta = timedelta(seconds=15),
        backoff_cap: timedelta = timedelta(minutes=30),
        max_inline_wait: float = 2.0,
        fault_hook: FaultHook | None = None,
    ) -> None:
        parse_window(settings.working_hours)  # a malformed window fails at start-up, not at 9:00
        self.session_factory, self.settings, self.clock = session_factory, settings, clock
        self.lease = timedelta(seconds=settings.lease_seconds)
        # Posts get a timeout well inside the lease, so a slow post cannot outlive its claim.
        self.client = posting_client(client, timeout=settings.lease_seconds / 3)
        self.tz = TzCache(client)
        self.throttle = Throttle()
        self.batch_size = batch_size or settings.send_concurrency * 4
        self.backoff_base, self.backoff_cap = backoff_base, backoff_cap
        self.max_inline_wait = max_inline_wait
        self.fault_hook = fault_hook
        self.worker_id = uuid.uuid4().hex[:16]
        self._pool = ThreadPoolExecutor(settings.send_concurrency, thread_name_prefix="loopbot-send")
        self._stopping = threading.Event()

    def tick(self) -> TickResult:
        """Claim and send due rows until none are left (or stop() is called); claims overlap with sends."""
        result = TickResult()
        in_flight: set[Future[Finish]] = set()
        more = True
        while more or in_flight:
            if more and self._stopping.is_set():
                more = False
            # Keep the pool fed: claim again once at most one round of sends is left in flight.
            if more and len(in_flight) <= self.settings.send_concurrency:
                want = self.batch_size - len(in_flight)
                claimed = self._claim(want)
                result.claimed += len(claimed)
                in_flight |= {self._pool.submit(self._guarded, c) for c in claimed}
                more = len(claimed) >= want  # stale rows come on top of `want`
            if in_flight:
                done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                # One transaction for all outcomes that are ready: far fewer commits and lock waits.
                for event in apply(self.session_factory, [f.result() for f in done]):
                    result.count(event)
        if result:
            log.info("delivery.tick %s", kv(**{f.name: getattr(result, f.name) for f in fields(result)}))
        return result

    def _claim(self, limit: int) -> list[Claimed]:
        now = self.clock.now()
        token = f"{self.worker_id}:{uuid.uuid4().hex}"
        claimed = claim_due(self.session_factory, now, now + self.lease, limit, token)
        for c in claimed:
            log.info("delivery.claim %s", kv(key=c.dedupe_key, kind=c.kind, attempt=c.attempts, token=token))
        return claimed

    def stop(self) -> None:
        """Stop claiming; rows not yet started are handed back as they come up."""
        self._stopping.set()

    def close(self) -> int:
        """After stop() and the last tick: release anything still held, then end the send threads."""
        self._stopping.set()
        self._pool.shutdown(wait=True)
        released = release_all(self.session_factory, self.worker_id + ":", self.clock.now())
        log.info("delivery.shutdown %s", kv(worker=self.worker_id, released=released))
        return released

    def _guarded(self, c: Claimed) -> Finish:
        try:
            return self._process(c)
        except Exception:
            # A bug or a database error: hand the row back for later; the lease covers a crash here too.
            log.exception("delivery.error %s", kv(key=c.dedupe_key))
            return outcomes.retry(self, c, Classified(Outcome.UNKNOWN, "internal error"), Progress())

    def _process(self, c: Claimed) -> Finish:
        now = self.clock.now()
        with self.session_factory() as s:
            row = s.get(Delivery, c.id)
            if row is None or row.claim_token != c.token or row.status != DeliveryStatus.SENDING:
                return Finish(c, {}, "skipped")
            reason = obsolete_reason(s, row)
            if reason:
                return outcomes.end(c, DeliveryStatus.CANCELLED, reason)
            if row.expires_at is not None and now >= row.expires_at:
                return outcomes.end(c, DeliveryStatus.EXPIRED, f"expired at {row.expires_at.isoformat()}")
            if row.kind in WORKING_HOURS_KINDS:
                at = next_working_instant(now, self.tz.get(row.recipient), self.settings.working_hours)
                if at > now:
                    return outcomes.defer(c, at, "outside working hours")
            try:
                rendered = render(s, row, now, self.settings.feedback_sla)
            except Exception as exc:
                log.exception("delivery.render_failed %s", kv(key=c.dedupe_key))
                return outcomes.fail(self, c, row, f"render error: {exc!r}")
        return self._send(c, row, rendered)

    def _send(self, c: Claimed, row: Delivery, rendered: Rendered) -> Finish:
        progress = Progress()
        try:
            if c.uncertain:
                find_posted(self.client, c.dedupe_key, rendered, progress)
                log.info("delivery.lookup %s", kv(key=c.dedupe_key, found=len(progress.found)))
            progress.looked = True
            self._hook("before_post", c)
            send(self.client, c.dedupe_key, rendered, progress, lambda ch: self._before_post(c, ch, progress))
            self._hook("after_post", c)
        except Deferred as d:
            return outcomes.defer(c, self.clock.now() + timedelta(seconds=d.seconds), d.why, progress)
        except SlackApiError as exc:
            resp = exc.response
            retry_after = resp.headers.get("Retry-After") or resp.headers.get("retry-after")
            return outcomes.slack_error(
                self, c, row, rendered, classify(resp.status_code, resp.get("error"), retry_after), progress
            )
        except Exception as exc:  # noqa: BLE001 - timeouts, resets, refused: the outcome is unknown
            return outcomes.slack_error(self, c, row, rendered, classify(None, repr(exc)), progress)
        return outcomes.sent(self, c, row, rendered, progress)

    def _before_post(self, c: Claimed, channel: str, progress: Progress) -> None:
        delay = self.throttle.delay(channel)
        if delay > self.max_inline_wait:
            raise Deferred(delay, "rate limited")
        if delay:
            time.sleep(delay)
        if progress.posted == 0 and self._stopping.is_set():
            raise Deferred(0, "shutting down")
        if self.clock.now() >= c.lease_until:
            # Another worker may own the row now; posting would risk a duplicate.
            raise Deferred(0, "lease ran out before posting")

    def _hook(self, point: str, c: Claimed) -> None:
        if self.fault_hook is not None:
            self.fault_hook(point, c)
