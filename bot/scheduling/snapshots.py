"""Content frozen at scheduling time: what renders later reads these, never the live content tables.

Focus lives in two of them: the candidate loop's rubric snapshot holds each stage's own `focus`, and
an interview's guidance holds its type's focus and the type's own rubric. Snapshots taken before
focus existed have neither, and bot/feedback/focus_logic.py then rates as it did before.
"""

from __future__ import annotations

from typing import Any

from bot.feedback.focus_logic import short_label
from models import InterviewType, Loop, QuestionSet, Rubric


def _categories(r: Rubric) -> list[dict[str, Any]]:
    return [
        {
            "key": c.key,
            "name": c.name,
            "short": c.short or short_label(c.name),
            "description": c.description,
            "attributes": list(c.attributes),
            "rubric": r.slug,
        }
        for c in r.categories
    ]


def rubric_snapshot(loop: Loop) -> dict[str, Any]:
    """The loop's rubric (and its stages' focus) as frozen into a candidate loop."""
    r = loop.rubric
    return {
        "slug": r.slug,
        "name": r.name,
        "scale": [dict(level) for level in r.scale],
        "no_signal_label": r.no_signal_label,
        "categories": _categories(r),
        "stages": [
            {"key": s.key, "name": s.name, "required": s.required, "focus": list(s.focus) or None}
            for s in loop.stages
        ],
        "role": loop.role,
        "loop_name": loop.name,
        "loop_slug": loop.slug,
    }


def _type_focus(kind: InterviewType) -> list[str] | None:
    if kind.focus:
        return list(kind.focus)
    return [c.key for c in kind.rubric.categories] if kind.rubric else None


def guidance_snapshot(kind: InterviewType, duration_minutes: int) -> dict[str, Any]:
    """An interview type's guidance, focus and own rubric as frozen into an interview."""
    own = kind.rubric
    return {
        "type_slug": kind.slug,
        "type_name": kind.name,
        "duration_minutes": duration_minutes,
        "candidate_prep": kind.candidate_prep,
        "must_do_before": list(kind.must_do_before),
        "guidance_during": list(kind.guidance_during),
        "look_for": list(kind.look_for),
        "resources": [dict(r) for r in kind.resources],
        "panel": [dict(p) for p in kind.panel],
        "focus": _type_focus(kind),
        "rubric": {"slug": own.slug, "name": own.name, "categories": _categories(own)} if own else None,
        "example_questions": list(kind.example_questions),
        "lead_drives": kind.lead_drives,
    }


def kit_snapshot(qs: QuestionSet | None) -> dict[str, Any]:
    """A question set as frozen into a panel seat (empty when the seat has no set)."""
    if qs is None:
        return {"slug": "", "name": "", "questions": []}
    return {
        "slug": qs.slug,
        "name": qs.name,
        "questions": [
            {
                "slug": q.slug,
                "prompt": q.prompt,
                "follow_ups": list(q.follow_ups),
                "goal": q.goal,
                "category_key": q.category.key,
                "category_name": q.category.name,
                "great_signals": list(q.great_signals),
                "negative_signals": list(q.negative_signals),
                "technologies": list(q.technologies),
                "is_backup": q.is_backup,
                "backup_when": q.backup_when,
            }
            for q in (item.question for item in qs.items)
        ],
    }
