"""Example content with a pool of our own for the software-engineer loop, for pool, limit and
suggestion tests: the pairing exercise keeps the same panel for every candidate of the role."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from bot.content.importer import import_bundle
from bot.content.loader import load_content
from bot.scheduling import ScheduleRequest
from tests.support.content_files import copy_examples

NOW = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
MONDAY = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)  # a Monday, so a week of interviews fits one UTC week

POOL = """\
kind: interviewer_pool
slug: engineers
name: Engineers
interview_types: [pairing-exercise, system-design]
members:
  - user: U0ALICE
    types: {pairing-exercise: qualified, system-design: qualified}
  - user: U0BOB
    types: {pairing-exercise: qualified, system-design: qualified}
  - user: U0TRAINEE
    types: {pairing-exercise: trainee, system-design: trainee}
  - user: U0LEADONLY
    types: {pairing-exercise: lead_only}
  - user: U0OBSERVER
    types: {pairing-exercise: observer_only}
  - user: U0BUSY
    types: {pairing-exercise: qualified}
    weekly_limit: 1
"""


def import_pool_content(session: Session, tmp_path: Path, pool: str = POOL) -> None:
    """The examples (whose pairing exercise has `same_panel_for_role: true`) with this pool instead of
    theirs."""
    root = copy_examples(tmp_path)
    (root / "software-engineer" / "pools.yaml").write_text(pool, encoding="utf-8")
    bundle = load_content([root])
    assert not bundle.errors, bundle.errors
    import_bundle(session, bundle)


def interview(
    stage: str, start: datetime, *panel: tuple[str, str], minutes: int | None = None
) -> dict[str, Any]:
    return {
        "stage": stage,
        "start": start,
        "duration_minutes": minutes,
        "panel": [{"user": u, "role": r} for u, r in panel] if panel else "suggest",
    }


def request(candidate: str, *interviews: dict[str, Any]) -> ScheduleRequest:
    return ScheduleRequest.model_validate(
        {"candidate": candidate, "loop": "software-engineer", "interviews": list(interviews)}
    )


def hours(n: float) -> timedelta:
    return timedelta(hours=n)
