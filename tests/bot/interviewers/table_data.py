"""Pools, qualifications, training sessions and booked interviews for the roster's tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from models import (
    CandidateLoop,
    Interview,
    InterviewerPool,
    InterviewType,
    PanelSeat,
    PoolMember,
    Qualification,
    TrainingSession,
)
from tests.support import factories

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)  # a Wednesday: the week runs 2 to 9 March (UTC)


def kind(s: Session, slug: str, name: str, **training: Any) -> InterviewType:
    t = InterviewType(slug=slug, name=name, duration_minutes=60, panel=[], training=dict(training))
    s.add(t)
    s.flush()
    return t


def pool(
    s: Session, slug: str, members: list[tuple[str, InterviewType, str]], weekly: dict[str, int] | None = None
) -> InterviewerPool:
    """A pool of (user, type, state) entries; `weekly` gives someone their own weekly limit."""
    types = list(dict.fromkeys(t.slug for _, t, _ in members))
    p = InterviewerPool(slug=slug, name=slug.title(), description="", interview_types=types)
    p.members = [
        PoolMember(
            user_id=u, interview_type_id=t.id, state=state, position=n, weekly_limit=(weekly or {}).get(u)
        )
        for n, (u, t, state) in enumerate(members)
    ]
    s.add(p)
    s.flush()
    return p


def qualify(s: Session, user: str, t: InterviewType, state: str, source: str = "content") -> None:
    s.add(Qualification(user_id=user, interview_type_id=t.id, state=state, source=source))
    s.flush()


def booked(
    s: Session, cl: CandidateLoop, t: InterviewType, panel: list[tuple[str, str]], starts_at: datetime
) -> Interview:
    """A scheduled interview of type `t` with a panel of (user, role)."""
    i = Interview(
        candidate_loop_id=cl.id,
        stage_key="team",
        interview_type_id=t.id,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        guidance={"type_name": t.name, "type_slug": t.slug},
    )
    i.panel = [PanelSeat(user_id=u, role=role, position=n) for n, (u, role) in enumerate(panel)]
    s.add(i)
    s.flush()
    return i


def trained(
    s: Session,
    interview: Interview,
    t: InterviewType,
    trainee: str,
    kind_: str,
    close: int,
    compared: int,
    at: datetime = NOW,
) -> TrainingSession:
    """A compared session, as the training helper writes it once both scorecards are in."""
    row = TrainingSession(
        interview_id=interview.id,
        interview_type_id=t.id,
        trainee=trainee,
        qualified="U0QUALIFY",
        kind=kind_,
        exact=close,
        close=close,
        compared=compared,
        details=[],
        compared_at=at,
    )
    s.add(row)
    s.flush()
    return row


def pairing_world(s: Session) -> dict[str, Any]:
    """Two types, two pools: Lee and Max qualified, Tia a trainee with two sessions, Max over his limit."""
    pairing = kind(s, "pairing", "Pairing exercise", shadow=2, reverse_shadow=1)
    arch = kind(s, "arch-review", "Architecture")
    pool(
        s,
        "backend",
        [("U0LEE", pairing, "qualified"), ("U0MAX", pairing, "qualified"), ("U0TIA", pairing, "trainee")],
        weekly={"U0MAX": 1},
    )
    pool(s, "platform", [("U0LEE", arch, "qualified"), ("U0TIA", arch, "observer_only")])
    qualify(s, "U0TIA", pairing, "trainee")
    cl = factories.candidate_loop(s)
    monday = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    first = booked(s, cl, pairing, [("U0MAX", "lead"), ("U0TIA", "shadow")], monday)
    second = booked(s, cl, pairing, [("U0MAX", "lead"), ("U0TIA", "reverse_shadow")], monday + timedelta(1))
    booked(s, cl, arch, [("U0LEE", "lead")], monday - timedelta(days=1))  # last week: not counted
    trained(s, first, pairing, "U0TIA", "shadow", 2, 2, NOW - timedelta(days=1))
    trained(s, second, pairing, "U0TIA", "reverse_shadow", 1, 2, NOW)
    return {"pairing": pairing, "arch": arch, "cl": cl}
