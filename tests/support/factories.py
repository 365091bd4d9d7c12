"""Small builders of domain rows for tests that do not go through content files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from models import (
    Candidate,
    CandidateLoop,
    Feedback,
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


# --- Scheduling-time snapshots (seat.kit, interview.guidance, cl.rubric) in the documented format ---

RUBRIC_SNAPSHOT: dict[str, Any] = {
    "slug": "eng",
    "name": "Engineering",
    "scale": SCALE,
    "no_signal_label": "No signal",
    "categories": [
        {"key": "learn", "name": "Ability to learn and teach", "description": "Curiosity.", "attributes": []},
        {"key": "build", "name": "Building systems", "description": "Design.", "attributes": []},
        {"key": "team", "name": "Effective team member", "description": "", "attributes": []},
    ],
    "role": "Software Engineer",
    "loop_name": "Software engineer",
}

GUIDANCE: dict[str, Any] = {
    "type_slug": "architecture",
    "type_name": "Architecture",
    "duration_minutes": 60,
    "candidate_prep": "They will design a new system from scratch.",
    "must_do_before": ["Do a dry run with the hiring manager if this is your first time leading it"],
    "guidance_during": ["Save the last 10 minutes for the candidate's questions", "The observer stays muted"],
    "look_for": ["How do they make tradeoffs?"],
    "resources": [{"title": "Backend systems notes", "url": "https://example.com/backend"}],
    "panel": [{"role": "lead", "min": 1, "max": 1}, {"role": "shadow", "min": 0, "max": 1}],
}


def kit_question(slug: str, category_key: str = "learn", **kw: Any) -> dict[str, Any]:
    """One question of a kit snapshot; keyword arguments override the defaults."""
    names = {c["key"]: c["name"] for c in RUBRIC_SNAPSHOT["categories"]}
    q: dict[str, Any] = {
        "slug": slug,
        "prompt": f"Tell me about {slug}.",
        "follow_ups": ["What would you change?"],
        "goal": "See how they reason about it.",
        "category_key": category_key,
        "category_name": names.get(category_key, category_key),
        "great_signals": ["Mentions trade-offs", "Names a concrete metric"],
        "negative_signals": ["Blames others"],
        "technologies": ["Kubernetes"],
        "is_backup": False,
        "backup_when": "",
    }
    q.update(kw)
    return q


def kit(slug: str = "set-a", questions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A kit snapshot: two main questions and a backup unless given."""
    if questions is None:
        questions = [
            kit_question("q-learn", "learn"),
            kit_question("q-build", "build"),
            kit_question("q-backup", "build", is_backup=True, backup_when="No cloud experience"),
        ]
    return {"slug": slug, "name": f"Set {slug}", "questions": questions}


def snapshot_interview(
    s: Session,
    panel: list[tuple[str, str]],
    starts_at: datetime | None = None,
    candidate: str = "Ada Lovelace",
    cl: CandidateLoop | None = None,
    kits: dict[str, dict[str, Any]] | None = None,
    type_slug: str = "arch",
) -> Interview:
    """An interview whose snapshots are filled; panel is [(user, role)], kits optional per user."""
    cl = cl or candidate_loop(s, name=candidate)
    cl.rubric = dict(RUBRIC_SNAPSHOT)
    i = interview(s, cl, [u for u, _ in panel], starts_at=starts_at, type_slug=type_slug)
    i.guidance = dict(GUIDANCE)
    for seat, (_, role) in zip(i.panel, panel, strict=True):
        seat.role = role
        seat.kit = (kits or {}).get(seat.user_id) or kit()
    s.flush()
    return i


def memory_interview(
    panel: list[tuple[str, str]],
    candidate: str = "Ada Lovelace",
    starts_at: datetime | None = None,
    kits: dict[str, dict[str, Any]] | None = None,
    interview_id: int = 7,
    **kw: Any,
) -> Interview:
    """An interview with its loop, candidate and panel, not in any session (for pure builder tests)."""
    start = starts_at or datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
    cl = CandidateLoop(
        id=3,
        candidate=Candidate(name=candidate),
        hiring_channel="C0HIRING",
        recruiter="U0RECRUIT",
        hiring_manager="U0MANAGER",
        rubric=dict(RUBRIC_SNAPSHOT),
    )
    i = Interview(
        id=interview_id,
        candidate_loop=cl,
        stage_key="team",
        starts_at=start,
        ends_at=start + timedelta(minutes=60),
        status="scheduled",
        recording_consent=kw.pop("recording_consent", False),
        guidance=kw.pop("guidance", dict(GUIDANCE)),
    )
    i.panel = [
        PanelSeat(user_id=u, role=role, position=n, kit=(kits or {}).get(u) or kit())
        for n, (u, role) in enumerate(panel)
    ]
    return i


def submitted_feedback(
    s: Session,
    interview: Interview,
    user: str,
    recommendation: str = "yes",
    submitted_at: datetime | None = None,
    **kw: Any,
) -> Feedback:
    """A submitted scorecard; keyword arguments set any other Feedback column."""
    fb = Feedback(
        interview_id=interview.id,
        interviewer=user,
        status=kw.pop("status", "submitted"),
        ratings=kw.pop("ratings", {"learn": "yes", "build": "no_signal"}),
        recommendation=recommendation,
        summary=kw.pop("summary", "Clear thinker; strong trade-off reasoning throughout."),
        version=kw.pop("version", 1),
        submitted_at=submitted_at or interview.ends_at + timedelta(hours=1),
        **kw,
    )
    s.add(fb)
    s.flush()
    return fb


# --- Focus: a type's own rubric, its focus and checklist, frozen into an interview's guidance ---

VALUES_RUBRIC: dict[str, Any] = {
    "slug": "values",
    "name": "Company values",
    "categories": [
        {
            "key": "initiative",
            "name": "Takes initiative beyond their scope?",
            "short": "Initiative",
            "description": "Fixes what nobody owns.",
            "attributes": ["Solved a problem outside their job"],
            "rubric": "values",
        },
        {
            "key": "candor",
            "name": "Gives candid feedback?",
            "short": "Candor",
            "description": "",
            "attributes": ["Gave feedback nobody asked for", "Acted on feedback"],
            "rubric": "values",
        },
    ],
}
EMPTY_KIT: dict[str, Any] = {"slug": "", "name": "", "questions": []}


def focus_guidance(focus: list[str] | None = None, **kw: Any) -> dict[str, Any]:
    """The guidance snapshot of a values interview: its own rubric, its focus, what to look for."""
    g: dict[str, Any] = {
        **GUIDANCE,
        "type_slug": "values",
        "type_name": "Values interview",
        "guidance_during": ["Keep the last five minutes for their questions"],
        "look_for": ["Took the initiative on something outside their scope"],
        "focus": focus if focus is not None else ["initiative", "candor"],
        "rubric": VALUES_RUBRIC,
        "example_questions": ["Tell us about a problem you fixed that was not your job."],
        "lead_drives": False,
    }
    g.update(kw)
    return g


def with_stages(rubric: dict[str, Any], focus: dict[str, list[str] | None]) -> dict[str, Any]:
    """A rubric snapshot with stages (in the given order) and each stage's own focus."""
    stages = [{"key": k, "name": k.title(), "required": True, "focus": f} for k, f in focus.items()]
    return {**rubric, "stages": stages}
