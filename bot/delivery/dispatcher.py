"""The dispatcher: claim due rows, re-check them, send them concurrently, record the outcome."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, fields
from datetime import timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.delivery import outcomes
from bot.delivery.batch import BatchDeps, Job, prepare
from bot.delivery.claim import Claimed, Finish, apply, claim_due, release_all
from bot.delivery.hours_logic import parse_window
from bot.delivery.logfmt import kv
from bot.delivery.pacing import Deferred, Pacer, SharedRate
from bot.delivery.retry_logic import Classified, Outcome, classify
from bot.delivery.sizing import Sizer
from bot.delivery.slack_io import Progress, TzCache, find_posted, posting_client, send
from bot.settings import Settings

log = logging.getLogger("loopbot.delivery")

__all__ = ["Deferred", "Dispatcher", "TickResult"]
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


class Dispatcher:
    """Claims due deliveries and sends them; safe to run in several processes on one database.

    Posts are paced (bot/delivery/pacing.py: one workspace rate shared by all replicas, a pace per
    channel) and the number in flight follows Little's law (bot/delivery/sizing.py).
    """

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
        pacer: Pacer | None = None,
    ) -> None:
        parse_window(settings.working_hours)  # a malformed window fails at start-up, not at 9:00
        self.session_factory, self.settings, self.clock = session_factory, settings, clock
        self.lease = timedelta(seconds=settings.lease_seconds)
        # Posts get a timeout well inside the lease, so a slow post cannot outlive its claim.
        self.client = posting_client(client, timeout=settings.lease_seconds / 3)
        self.tz = TzCache(client)
        shared = SharedRate(session_factory, settings.post_rate, settings.post_burst)
        self.pacer = pacer or Pacer(shared, max_wait=max_inline_wait)
        self.sizer = Sizer(settings.post_rate, settings.send_concurrency)
        self.batch_size = batch_size  # None: twice the in-flight target
        self.backoff = outcomes.Backoff(backoff_base, backoff_cap)
        self.fault_hook = fault_hook
        self.worker_id = uuid.uuid4().hex[:16]
        self.pool = ThreadPoolExecutor(settings.send_concurrency, thread_name_prefix="loopbot-send")
        self.batch = BatchDeps(
            session_factory=session_factory,
            clock=clock,
            pool=self.pool,
            tz=self.tz,
            working_hours=settings.working_hours,
            feedback_sla=settings.feedback_sla,
            backoff=self.backoff,
        )
        self._stopping = threading.Event()
        log.info(
            "delivery.pacing %s",
            kv(
                worker=self.worker_id,
                post_rate=settings.post_rate,
                post_burst=settings.post_burst,
                max_in_flight=settings.send_concurrency,
                in_flight=self.sizer.target,
            ),
        )

    def tick(self) -> TickResult:
        """Claim, prepare and send due rows until none are left (or stop() is called).

        Keeps `sizer.target` posts in flight and up to twice that many rows prepared ahead, so a
        row's relevance is checked well under a second before its post.
        """
        result = TickResult()
        in_flight: set[Future[Finish]] = set()
        ready: deque[Job] = deque()
        done: list[Finish] = []
        more = True
        while True:
            if self._stopping.is_set():
                more = False
                done += [outcomes.defer(j.claimed, self.clock.now(), "shutting down") for j in ready]
                ready.clear()
            target = self.sizer.target
            self._submit(ready, in_flight, target)
            if more and len(ready) < target:
                want = self.batch_size or 2 * target
                claimed = self._claim(want)
                result.claimed += len(claimed)
                more = len(claimed) >= want  # stale rows come on top of `want`
                finishes, jobs = prepare(self.batch, claimed)
                done += finishes
                ready.extend(jobs)
                self._submit(ready, in_flight, target)
            if in_flight and not done:
                finished, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                done += [f.result() for f in finished]
            # One transaction for all outcomes that are ready: far fewer commits and lock waits.
            for event in apply(self.session_factory, done):
                result.count(event)
            done = []
            if not (more or ready or in_flight):
                break
        if result:
            counts = {f.name: getattr(result, f.name) for f in fields(result)}
            ms = round(self.sizer.seconds_per_post * 1000)
            log.info("delivery.tick %s", kv(**counts, in_flight=self.sizer.target, ms_per_post=ms))
        return result

    def _submit(self, ready: deque[Job], in_flight: set[Future[Finish]], target: int) -> None:
        while ready and len(in_flight) < target:
            in_flight.add(self.pool.submit(self._guarded, ready.popleft()))

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
        self.pool.shutdown(wait=True)
        released = release_all(self.session_factory, self.worker_id + ":", self.clock.now())
        log.info("delivery.shutdown %s", kv(worker=self.worker_id, released=released))
        return released

    def _guarded(self, job: Job) -> Finish:
        started = time.monotonic()
        progress = Progress()
        try:
            return self._send(job, progress)
        except Exception:
            # A bug or a database error: hand the row back for later; the lease covers a crash here too.
            log.exception("delivery.error %s", kv(key=job.claimed.dedupe_key))
            unknown = Classified(Outcome.UNKNOWN, "internal error")
            return outcomes.retry(job.claimed, unknown, progress, self.clock.now(), self.backoff)
        finally:
            if progress.posted:
                # Time a post holds a send thread, waits for pacing excluded: Little's law's W.
                busy = time.monotonic() - started - progress.waited
                self.sizer.observe(busy / progress.posted)

    def _send(self, job: Job, progress: Progress) -> Finish:
        c, row, rendered = job.claimed, job.row, job.rendered
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
            classified = classify(resp.status_code, resp.get("error"), retry_after)
            return self._slack_error(job, classified, progress)
        except Exception as exc:  # noqa: BLE001 - timeouts, resets, refused: the outcome is unknown
            return self._slack_error(job, classify(None, repr(exc)), progress)
        return outcomes.sent(c, row, rendered, progress, self.clock.now())

    def _slack_error(self, job: Job, classified: Classified, progress: Progress) -> Finish:
        return outcomes.slack_error(
            job.claimed,
            job.row,
            job.rendered,
            classified,
            progress,
            now=self.clock.now(),
            wait=self.backoff,
            pacer=self.pacer,
        )

    def _before_post(self, c: Claimed, channel: str, progress: Progress) -> None:
        if progress.posted == 0 and self._stopping.is_set():
            raise Deferred(0, "shutting down")
        progress.waited += self.pacer.wait(channel)  # Deferred if the wait is longer than max_inline_wait
        if progress.posted == 0 and self._stopping.is_set():
            raise Deferred(0, "shutting down")
        if self.clock.now() >= c.lease_until:
            # Another worker may own the row now; posting would risk a duplicate.
            raise Deferred(0, "lease ran out before posting")

    def _hook(self, point: str, c: Claimed) -> None:
        if self.fault_hook is not None:
            self.fault_hook(point, c)
