"""Who stands where: the live qualification of people per interview type, and each type's pool."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import MemberState, PoolMember, Qualification

QUALIFIED_STATES = frozenset({MemberState.QUALIFIED, MemberState.LEAD_ONLY})
# Which live states may take each seat of a type that has a pool.
SEAT_STATES = {
    "lead": frozenset({"qualified", "lead_only"}),
    "interviewer": frozenset({"qualified"}),
    "shadow": frozenset({"trainee", "qualified", "observer_only"}),
    "reverse_shadow": frozenset({"trainee"}),
}


def states(session: Session, users: Iterable[str], type_id: int) -> dict[str, str]:
    """{user: live state} for the users who have a qualification for the type (others are absent)."""
    wanted = sorted(set(users))
    if not wanted:
        return {}
    rows = session.execute(
        select(Qualification.user_id, Qualification.state).where(
            Qualification.interview_type_id == type_id, Qualification.user_id.in_(wanted)
        )
    )
    return {str(row[0]): str(row[1]) for row in rows}


def is_trainee(session: Session, user: str, type_id: int) -> bool:
    return states(session, [user], type_id).get(user) == MemberState.TRAINEE


def qualified(session: Session, type_id: int) -> list[str]:
    """Users qualified for the type (lead_only included), in a stable order."""
    rows = session.scalars(
        select(Qualification.user_id)
        .where(Qualification.interview_type_id == type_id, Qualification.state.in_(sorted(QUALIFIED_STATES)))
        .order_by(Qualification.user_id)
    )
    return list(rows)


@dataclass(frozen=True)
class Member:
    """One person of a type's pool with their live state and their own limits (None = the default)."""

    user: str
    state: str
    weekly_limit: int | None
    daily_limit: int | None


def pool_of(session: Session, type_id: int) -> list[Member]:
    """Everyone in any pool for the type, once each, with the live state (the content's when none yet)."""
    rows = session.scalars(
        select(PoolMember).where(PoolMember.interview_type_id == type_id).order_by(PoolMember.id)
    ).all()
    live = states(session, [r.user_id for r in rows], type_id)
    seen: dict[str, Member] = {}
    for row in rows:
        if row.user_id not in seen:
            state = live.get(row.user_id, row.state)
            seen[row.user_id] = Member(row.user_id, state, row.weekly_limit, row.daily_limit)
    return list(seen.values())
