"""Interviews per person per week and per day, and the limits they are held to.

A week runs Monday to Sunday and a day midnight to midnight, in UTC, so every replica and every reader
counts the same interviews. A seat counts when it is not declined, on an interview that is scheduled.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Interview, InterviewStatus, PanelSeat, PoolMember


def week_of(when: datetime) -> tuple[datetime, datetime]:
    day = when.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start = day - timedelta(days=day.weekday())
    return start, start + timedelta(days=7)


def day_of(when: datetime) -> tuple[datetime, datetime]:
    day = when.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return day, day + timedelta(days=1)


def counts(
    session: Session,
    users: Iterable[str],
    start: datetime,
    end: datetime,
    exclude_interviews: Collection[int] = (),
) -> dict[str, int]:
    """{user: interviews starting in [start, end)} for each of `users` (0 when none), in one query."""
    wanted = sorted(set(users))
    found = dict.fromkeys(wanted, 0)
    if not wanted:
        return found
    query = (
        select(PanelSeat.user_id, func.count())
        .join(Interview, PanelSeat.interview_id == Interview.id)
        .where(
            PanelSeat.user_id.in_(wanted),
            PanelSeat.declined_at.is_(None),
            Interview.status == InterviewStatus.SCHEDULED,
            Interview.starts_at >= start,
            Interview.starts_at < end,
        )
        .group_by(PanelSeat.user_id)
    )
    if exclude_interviews:
        query = query.where(Interview.id.not_in(sorted(exclude_interviews)))
    found.update({str(row[0]): int(row[1]) for row in session.execute(query)})
    return found


@dataclass(frozen=True)
class Limits:
    weekly: int
    daily: int


def limits(session: Session, users: Iterable[str], weekly: int, daily: int) -> dict[str, Limits]:
    """Each user's limits: the lowest their pool entries give, else the defaults passed in."""
    wanted = sorted(set(users))
    result = {u: Limits(weekly, daily) for u in wanted}
    if not wanted:
        return result
    rows = session.execute(
        select(PoolMember.user_id, PoolMember.weekly_limit, PoolMember.daily_limit).where(
            PoolMember.user_id.in_(wanted)
        )
    )
    own: dict[str, tuple[list[int], list[int]]] = {}
    for user, week_cap, day_cap in rows:
        caps = own.setdefault(user, ([], []))
        if week_cap is not None:
            caps[0].append(week_cap)
        if day_cap is not None:
            caps[1].append(day_cap)
    for user, (weeks, days) in own.items():
        result[user] = Limits(min(weeks, default=weekly), min(days, default=daily))
    return result
