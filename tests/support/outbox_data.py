"""Domain rows and outbox rows for the delivery tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.delivery import planner
from bot.delivery.plan_logic import Timing
from models import Delivery, Interview
from tests.support import factories


def scheduled(
    sf: sessionmaker[Session], start: datetime, panel: tuple[str, ...], now: datetime, settings: Timing
) -> tuple[int, int]:
    """A candidate loop with one planned interview; returns (candidate_loop_id, interview_id).

    The first panelist leads, the others interview; each has a kit, and the interview has the rubric and
    guidance snapshots scheduling gives it, so the real builders render what panelists would see.
    """
    with sf.begin() as s:
        seats = [(user, "lead" if n == 0 else "interviewer") for n, user in enumerate(panel)]
        interview = factories.snapshot_interview(s, seats, starts_at=start)
        planner.plan_interview(s, interview, settings, now)
        return interview.candidate_loop_id, interview.id


def submit(sf: sessionmaker[Session], interview_id: int, who: str, at: datetime, **kw: Any) -> int:
    """A submitted scorecard from `who`, with ratings and a summary as a real one has; returns its id."""
    with sf.begin() as s:
        fb = factories.submitted_feedback(s, s.get_one(Interview, interview_id), who, submitted_at=at, **kw)
        return int(fb.id)


def notices(sf: sessionmaker[Session], recipients: list[str], now: datetime, prefix: str = "n") -> list[str]:
    """One due notice per recipient; returns their dedupe keys."""
    keys = [f"{prefix}:{r}" for r in recipients]
    with sf.begin() as s:
        for key, who in zip(keys, recipients, strict=True):
            planner.notify(
                s,
                recipient=who,
                candidate_loop_id=None,
                interview_id=None,
                notice=f"hi {who}",
                key=key,
                now=now,
            )
    return keys


def rows(sf: sessionmaker[Session], **where: object) -> list[Delivery]:
    with sf() as s:
        stmt = select(Delivery).order_by(Delivery.id)
        for name, value in where.items():
            stmt = stmt.where(getattr(Delivery, name) == value)
        return list(s.scalars(stmt))


def one(sf: sessionmaker[Session], key: str) -> Delivery:
    [row] = rows(sf, dedupe_key=key)
    return row
