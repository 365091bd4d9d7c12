"""Claiming due rows and finishing them, guarded by a lease and a claim token.

"Now" is always the application clock, passed as a bind parameter, on every backend. The
database clock would be one clock for all replicas, but loopbot also runs on simulated time
(the demo) where due times are computed from `deps.clock`; comparing those against the
database's `now()` would mix two timelines. Replicas therefore need synchronised host clocks
(NTP): skew must stay well below the lease, which is minutes by default.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, case, literal, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.db import IMMEDIATE
from bot.delivery.retry_logic import UNKNOWN
from models import Delivery, DeliveryStatus

log = logging.getLogger("loopbot.delivery")

T = cast(Table, Delivery.__table__)
# SQLite: take the write lock before reading what to claim, so two processes never pick the same rows.
LEASE_EXPIRED = f"{UNKNOWN} lease expired while sending"
KEEP: Any = object()  # release_values: leave last_error unchanged


@dataclass(frozen=True)
class Claimed:
    """A row this worker now holds until `lease_until`, identified by `token`."""

    id: int
    dedupe_key: str
    kind: str
    recipient: str
    attempts: int
    last_error: str | None
    token: str
    lease_until: datetime

    @property
    def uncertain(self) -> bool:
        """An earlier attempt may have reached Slack: look in history before posting."""
        return bool(self.last_error and self.last_error.startswith(UNKNOWN))


def claim_due(
    session_factory: sessionmaker[Session], now: datetime, lease_until: datetime, limit: int, token: str
) -> list[Claimed]:
    """Claim due rows in one statement: up to `limit` pending ones, plus up to `limit` whose lease ran out."""
    # One subquery per index, each an ordered range scan that stops at `limit`. A single OR of the
    # two made PostgreSQL read every pending row (future ones too: 90k of 1M in bench_growth) and
    # sort them, because it cannot read one index in order for an OR.
    # PostgreSQL: SKIP LOCKED lets concurrent claimers take disjoint rows; SQLAlchemy drops
    # FOR UPDATE on SQLite, where BEGIN IMMEDIATE serialises claimers instead.
    pending = (
        select(T.c.id)
        .where(T.c.status == DeliveryStatus.PENDING, T.c.next_attempt_at <= now)
        .order_by(T.c.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    # Rows left "sending" by a worker that died or stalled: rare, taken first when there are any.
    stale = (
        select(T.c.id)
        .where(T.c.status == DeliveryStatus.SENDING, T.c.lease_until < now)
        .order_by(T.c.lease_until)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    stmt = (
        update(T)
        # Each locking subquery sits in its own FROM: PostgreSQL refuses FOR UPDATE in a UNION's arms,
        # and `IN (a) OR IN (b)` would turn the outer UPDATE into a sequential scan.
        .where(T.c.id.in_(select(stale.subquery().c.id).union_all(select(pending.subquery().c.id))))
        .values(
            status=DeliveryStatus.SENDING,
            lease_until=lease_until,
            claim_token=token,
            attempts=T.c.attempts + 1,
            # SET sees the old row: a row still "sending" was left by a worker that died or stalled.
            last_error=case(
                (T.c.status == DeliveryStatus.SENDING, literal(LEASE_EXPIRED)), else_=T.c.last_error
            ),
        )
        .returning(T.c.id, T.c.dedupe_key, T.c.kind, T.c.recipient, T.c.attempts, T.c.last_error)
    )
    with session_factory() as s:
        s.connection(execution_options=IMMEDIATE)
        rows = s.execute(stmt).all()
        s.commit()
    return [
        Claimed(r.id, r.dedupe_key, r.kind, r.recipient, r.attempts, r.last_error, token, lease_until)
        for r in rows
    ]


@dataclass
class Finish:
    """The outcome of one claimed row, written only if the claim still owns the row."""

    claimed: Claimed
    values: dict[str, Any]
    event: str  # what the tick counts when the write went through
    also: Callable[[Session], None] | None = None  # more writes in the same transaction
    log: Callable[[], None] | None = None  # logged once the write went through


def _apply_one(s: Session, f: Finish) -> str:
    c = f.claimed
    if not f.values:
        return f.event
    stmt = (
        update(T)
        .where(T.c.id == c.id, T.c.claim_token == c.token, T.c.status == DeliveryStatus.SENDING)
        .values(**f.values)
    )
    if (getattr(s.execute(stmt), "rowcount", 0) or 0) != 1:
        return "skipped"
    if f.also is not None:
        f.also(s)
    return f.event


def apply(session_factory: sessionmaker[Session], finishes: list[Finish]) -> list[str]:
    """Write outcomes in one transaction (one lock and one commit for many rows); returns their events.

    A row whose claim token changed (the lease ran out and another worker took it) is left alone
    and reported as "skipped". If the batch fails, each outcome is retried in its own transaction.
    """
    if not finishes:
        return []
    try:
        with session_factory() as s:
            s.connection(execution_options=IMMEDIATE)
            events = [_apply_one(s, f) for f in finishes]
            s.commit()
    except Exception:
        if len(finishes) == 1:
            raise
        events = []
        for f in finishes:
            try:
                events += apply(session_factory, [f])
            except Exception:
                # The row stays "sending"; after its lease another worker re-checks history and finishes it.
                log.exception("delivery.finish_failed key=%s", f.claimed.dedupe_key)
                events.append("skipped")
        return events
    for f, event in zip(finishes, events, strict=True):
        if event == "skipped":
            log.warning("delivery.lease_lost key=%s intended=%s", f.claimed.dedupe_key, f.event)
        elif f.log is not None:
            f.log()
    return events


def finish(
    session_factory: sessionmaker[Session],
    claimed: Claimed,
    values: dict[str, Any],
    also: Callable[[Session], None] | None = None,
) -> bool:
    """Update one row only if this claim still owns it; run `also` in the same transaction if so."""
    return apply(session_factory, [Finish(claimed, values, "done", also)]) == ["done"]


def release_values(
    next_attempt_at: datetime, last_error: str | None = KEEP, counted: bool = False
) -> dict[str, Any]:
    """Values that hand a claimed row back to the queue (by default the attempt is not counted).

    Leaving `last_error` as it is keeps an "unknown outcome" marker, so the next owner still
    looks in history before posting.
    """
    values: dict[str, Any] = {
        "status": DeliveryStatus.PENDING,
        "next_attempt_at": next_attempt_at,
        "lease_until": None,
        "claim_token": None,
    }
    if last_error is not KEEP:
        values["last_error"] = last_error
    if not counted:
        values["attempts"] = T.c.attempts - 1
    return values


def release_all(session_factory: sessionmaker[Session], token_prefix: str, now: datetime) -> int:
    """Hand back every row still held by claims whose token starts with `token_prefix` (shutdown)."""
    stmt = (
        update(T)
        .where(
            T.c.status == DeliveryStatus.SENDING, T.c.claim_token.startswith(token_prefix, autoescape=True)
        )
        .values(**release_values(now))
    )
    with session_factory() as s:
        s.connection(execution_options=IMMEDIATE)
        count = int(getattr(s.execute(stmt), "rowcount", 0) or 0)
        s.commit()
    return count
