"""Claiming due rows and finishing them, guarded by a lease and a claim token.

"Now" is always the application clock, passed as a bind parameter, on every backend. The
database clock would be one clock for all replicas, but loopbot also runs on simulated time
(the demo) where due times are computed from `deps.clock`; comparing those against the
database's `now()` would mix two timelines. Replicas therefore need synchronised host clocks
(NTP): skew must stay well below the lease, which is minutes by default.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, and_, case, literal, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.delivery.retry_logic import UNKNOWN
from models import Delivery, DeliveryStatus

T = cast(Table, Delivery.__table__)
# SQLite: take the write lock before reading what to claim, so two processes never pick the same rows.
IMMEDIATE = {"sqlite_begin": "BEGIN IMMEDIATE"}
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
    """Claim up to `limit` due rows (pending and due, or sending with an expired lease) in one statement."""
    due = or_(
        and_(T.c.status == DeliveryStatus.PENDING, T.c.next_attempt_at <= now),
        and_(T.c.status == DeliveryStatus.SENDING, T.c.lease_until < now),
    )
    # PostgreSQL: SKIP LOCKED lets concurrent claimers take disjoint rows; SQLAlchemy drops
    # FOR UPDATE on SQLite, where BEGIN IMMEDIATE serialises claimers instead.
    ids = (
        select(T.c.id).where(due).order_by(T.c.next_attempt_at).limit(limit).with_for_update(skip_locked=True)
    )
    stmt = (
        update(T)
        .where(T.c.id.in_(ids))
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


def finish(
    session_factory: sessionmaker[Session],
    claimed: Claimed,
    values: dict[str, Any],
    also: Callable[[Session], None] | None = None,
) -> bool:
    """Update the row only if this claim still owns it; run `also` in the same transaction if so."""
    stmt = (
        update(T)
        .where(T.c.id == claimed.id, T.c.claim_token == claimed.token, T.c.status == DeliveryStatus.SENDING)
        .values(**values)
    )
    with session_factory() as s:
        s.connection(execution_options=IMMEDIATE)
        owned = (getattr(s.execute(stmt), "rowcount", 0) or 0) == 1
        if owned and also is not None:
            also(s)
        s.commit()
    return owned


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
