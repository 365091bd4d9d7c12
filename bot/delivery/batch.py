"""Turn a claimed batch into posts to make: re-check, expire, defer and render every row in one session.

One short session per batch: the rows (is the claim still ours?), their interviews with panel,
loop and candidate, and who submitted feedback are read in four queries whatever the batch size;
before this, each row cost about nine statements and loaded its interview twice. No Slack call is
made while the session is open: the time zones that working hours need are fetched before it.
"""

from __future__ import annotations

import logging
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.db import reading
from bot.delivery import outcomes, split
from bot.delivery.claim import Claimed, Finish
from bot.delivery.hours_logic import next_working_instant
from bot.delivery.logfmt import kv
from bot.delivery.outcomes import Backoff
from bot.delivery.relevance import Facts, obsolete_reason
from bot.delivery.render import render
from bot.delivery.rendered import Rendered
from bot.delivery.retry_logic import Classified, Outcome
from bot.delivery.slack_io import Progress, TzCache
from models import Delivery, DeliveryKind, DeliveryStatus

log = logging.getLogger("loopbot.delivery")

# Only these wait for the recipient's working hours; a prep DM for a 9:00 interview must not.
WORKING_HOURS_KINDS = frozenset({DeliveryKind.REMINDER, DeliveryKind.ESCALATION})
DIGEST_WAIT = timedelta(seconds=5)


@dataclass(frozen=True)
class BatchDeps:
    """What preparing a batch reads: the database, the time, recipients' zones, and the rules."""

    session_factory: sessionmaker[Session]
    clock: Clock
    pool: Executor  # the send threads, which also fetch time zones in parallel
    tz: TzCache
    working_hours: str
    feedback_sla: timedelta
    backoff: Backoff


@dataclass(frozen=True)
class Job:
    """A claimed row that is still worth sending, rendered from current state."""

    claimed: Claimed
    row: Delivery
    rendered: Rendered


def prepare(d: BatchDeps, claimed: list[Claimed]) -> tuple[list[Finish], list[Job]]:
    """Rows to finish without sending (skipped, cancelled, expired, deferred, failed) and rows to send."""
    if not claimed:
        return [], []
    # users.info calls (cached) in parallel on the send threads, and before the session opens.
    users = sorted({c.recipient for c in claimed if c.kind in WORKING_HOURS_KINDS})
    zones = dict(zip(users, d.pool.map(d.tz.get, users), strict=True))
    now = d.clock.now()
    finishes: list[Finish] = []
    jobs: list[Job] = []
    try:
        # Only reads: on SQLite a deferred BEGIN (WAL) does not take the write lock from the
        # send threads reserving pacing slots and the tick writing outcomes.
        with reading(d.session_factory) as s:
            ids = [c.id for c in claimed]
            rows = {r.id: r for r in s.scalars(select(Delivery).where(Delivery.id.in_(ids)))}
            mine = [r for c in claimed if (r := rows.get(c.id)) is not None and _ours(r, c)]
            facts = Facts.load(s, mine)
            for c in claimed:
                row = rows.get(c.id)
                if row is None or not _ours(row, c):
                    finishes.append(Finish(c, {}, "skipped"))
                    continue
                try:
                    done = _check(d, s, c, row, facts, zones, now)
                except Exception:
                    log.exception("delivery.error %s", kv(key=c.dedupe_key))
                    done = _internal_error(d, c)
                if isinstance(done, Job):
                    jobs.append(done)
                else:
                    finishes.append(done)
    except Exception:
        # The database failed us: hand every row back for later (the lease covers a crash here too).
        log.exception("delivery.prepare_failed %s", kv(rows=len(claimed)))
        return [_internal_error(d, c) for c in claimed], []
    return finishes, jobs


def _older_digest_in_flight(s: Session, row: Delivery) -> bool:
    """An older digest row of the same candidate loop is claimed (in this batch or by another replica)."""
    older = select(Delivery.id).where(
        Delivery.kind == DeliveryKind.DIGEST,
        Delivery.candidate_loop_id == row.candidate_loop_id,
        Delivery.status == DeliveryStatus.SENDING,
        Delivery.id < row.id,
    )
    return s.scalar(older.limit(1)) is not None


def _ours(row: Delivery, c: Claimed) -> bool:
    return row.claim_token == c.token and row.status == DeliveryStatus.SENDING


def _internal_error(d: BatchDeps, c: Claimed) -> Finish:
    return outcomes.retry(
        c, Classified(Outcome.UNKNOWN, "internal error"), Progress(), d.clock.now(), d.backoff
    )


def _check(
    d: BatchDeps,
    s: Session,
    c: Claimed,
    row: Delivery,
    facts: Facts,
    zones: dict[str, str | None],
    now: datetime,
) -> Finish | Job:
    reason = obsolete_reason(s, row, facts)
    if reason:
        return outcomes.end(c, DeliveryStatus.CANCELLED, reason)
    if row.expires_at is not None and now >= row.expires_at:
        return outcomes.end(c, DeliveryStatus.EXPIRED, f"expired at {row.expires_at.isoformat()}")
    if row.kind in WORKING_HOURS_KINDS:
        at = next_working_instant(now, zones.get(row.recipient), d.working_hours)
        if at > now:
            return outcomes.defer(c, at, "outside working hours")
    if row.kind == DeliveryKind.DIGEST and _older_digest_in_flight(s, row):
        # Both would post the scorecards that neither has recorded yet; the older one goes first.
        return outcomes.defer(c, now + DIGEST_WAIT, "another digest of this loop is being sent")
    try:
        rendered = split.fit(render(s, row, now, d.feedback_sla))
    except Exception as exc:
        log.exception("delivery.render_failed %s", kv(key=c.dedupe_key))
        return outcomes.fail(c, row, f"render error: {exc!r}", d.clock.now())
    return Job(c, row, rendered)
