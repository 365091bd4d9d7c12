"""Domain rows and outbox rows for the delivery tests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.delivery import planner
from models import Delivery
from tests.support import factories


def scheduled(
    sf: sessionmaker[Session], start: datetime, panel: tuple[str, ...], now: datetime, settings: object
) -> tuple[int, int]:
    """A candidate loop with one planned interview; returns (candidate_loop_id, interview_id)."""
    with sf.begin() as s:
        cl = factories.candidate_loop(s)
        interview = factories.interview(s, cl, list(panel), starts_at=start)
        interview.guidance = {"type_name": "Architecture"}
        s.flush()
        planner.plan_interview(s, interview, settings, now)  # type: ignore[arg-type]
        return cl.id, interview.id


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
