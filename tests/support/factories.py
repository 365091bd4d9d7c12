"""Small builders of domain rows for tests that do not go through content files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from models import (
    Candidate,
    CandidateLoop,
    Interview,
    InterviewType,
    Loop,
    PanelSeat,
    Rubric,
    RubricCategory,
)

SCALE = [
    {"key": "strong_no", "label": "Strong No"},
    {"key": "no", "label": "No"},
    {"key": "yes", "label": "Yes"},
    {"key": "strong_yes", "label": "Strong Yes"},
]


def rubric(s: Session, slug: str = "eng") -> Rubric:
    r = Rubric(slug=slug, name="Engineering", description="", scale=SCALE)
    r.categories = [
        RubricCategory(key="learn", position=0, name="Ability to learn and teach", attributes=["curiosity"]),
        RubricCategory(key="build", position=1, name="Building systems", attributes=[]),
    ]
    s.add(r)
    s.flush()
    return r


def interview_type(s: Session, slug: str = "architecture") -> InterviewType:
    t = InterviewType(
        slug=slug,
        name="Architecture",
        duration_minutes=60,
        panel=[{"role": "lead", "min": 1, "max": 1}, {"role": "interviewer", "min": 0, "max": 2}],
    )
    s.add(t)
    s.flush()
    return t


def candidate_loop(s: Session, name: str = "Ada Lovelace", **kw: Any) -> CandidateLoop:
    r = rubric(s, slug=kw.pop("rubric_slug", "eng"))
    loop = Loop(slug=kw.pop("loop_slug", "swe"), name="Software engineer", role="Software Engineer", rubric=r)
    s.add(loop)
    s.flush()
    cl = CandidateLoop(
        candidate=Candidate(name=name),
        loop_id=loop.id,
        hiring_channel="C0HIRING",
        recruiter="U0RECRUIT",
        hiring_manager="U0MANAGER",
        rubric={"slug": r.slug, "scale": SCALE, "categories": [{"key": "learn"}, {"key": "build"}]},
    )
    s.add(cl)
    s.flush()
    return cl


def interview(
    s: Session,
    cl: CandidateLoop,
    panel: list[str],
    starts_at: datetime | None = None,
    type_slug: str = "arch",
) -> Interview:
    t = interview_type(s, slug=type_slug)
    start = starts_at or datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
    i = Interview(
        candidate_loop_id=cl.id,
        stage_key="team",
        interview_type_id=t.id,
        starts_at=start,
        ends_at=start + timedelta(minutes=60),
    )
    i.panel = [
        PanelSeat(user_id=u, role="lead" if n == 0 else "interviewer", position=n)
        for n, u in enumerate(panel)
    ]
    s.add(i)
    s.flush()
    return i
