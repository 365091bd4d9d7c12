"""Content frozen at scheduling time: what renders later reads these, never the live content tables."""

from __future__ import annotations

from typing import Any

from models import InterviewType, Loop, QuestionSet


def rubric_snapshot(loop: Loop) -> dict[str, Any]:
    """The loop's rubric as frozen into a candidate loop."""
    r = loop.rubric
    return {
        "slug": r.slug,
        "name": r.name,
        "scale": [dict(level) for level in r.scale],
        "no_signal_label": r.no_signal_label,
        "categories": [
            {"key": c.key, "name": c.name, "description": c.description, "attributes": list(c.attributes)}
            for c in r.categories
        ],
        "role": loop.role,
        "loop_name": loop.name,
        "loop_slug": loop.slug,
    }


def guidance_snapshot(kind: InterviewType, duration_minutes: int) -> dict[str, Any]:
    """An interview type's guidance as frozen into an interview."""
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
