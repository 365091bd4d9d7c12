"""Dry-run fixtures: rows for service tests, and content (a pool, a type's `dry_run:`) for wiring tests."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from models import (
    CandidateLoop,
    Interview,
    InterviewType,
    MemberState,
    PanelSeat,
    Qualification,
)
from tests.support.content_files import copy_examples, edit
from tests.support.factories import GUIDANCE, candidate_loop, kit

# --- rows for service tests ---


def pairing_type(s: Session, rule: dict[str, Any] | None = None, slug: str = "pairing") -> InterviewType:
    """An interview type that asks for a dry run (with the hiring manager, once per type by default)."""
    t = InterviewType(
        slug=slug,
        name="Pairing exercise",
        duration_minutes=60,
        panel=[{"role": "lead", "min": 1, "max": 1}, {"role": "shadow", "min": 0, "max": 1}],
        dry_run=rule if rule is not None else {"before_first_lead": True, "with": "hiring_manager"},
    )
    s.add(t)
    s.flush()
    return t


def qualify(s: Session, kind: InterviewType, *users: str, state: str = MemberState.QUALIFIED) -> None:
    for user in users:
        s.add(Qualification(user_id=user, interview_type_id=kind.id, state=state))
    s.flush()


def led(
    s: Session,
    cl: CandidateLoop,
    kind: InterviewType,
    panel: list[tuple[str, str]],
    start: datetime,
    exercise: str = "set-a",
) -> Interview:
    """An interview of `kind` on `cl` with the given (user, role) panel; every seat gets kit `exercise`."""
    i = Interview(
        candidate_loop_id=cl.id,
        stage_key="pairing",
        interview_type_id=kind.id,
        starts_at=start,
        ends_at=start + timedelta(minutes=60),
        guidance={**GUIDANCE, "type_slug": kind.slug, "type_name": kind.name},
    )
    i.panel = [PanelSeat(user_id=u, role=r, position=n, kit=kit(exercise)) for n, (u, r) in enumerate(panel)]
    s.add(i)
    s.flush()
    s.refresh(cl)
    return i


def other_loop(s: Session, name: str, n: int) -> CandidateLoop:
    """Another candidate's loop (its own rubric and loop rows, so slugs stay unique)."""
    return candidate_loop(s, name=name, rubric_slug=f"eng{n}", loop_slug=f"swe{n}")


# --- content for wiring tests: the examples, with a dry run on the pairing exercise and a pool ---

POOL = """\
kind: interviewer_pool
slug: engineering
name: Engineering interviewers
interview_types: [pairing-exercise]
members:
  - user: U0ENGLEAD
    types: {pairing-exercise: qualified}
  - user: U0ENGPAIR
    types: {pairing-exercise: qualified}
  - user: U0ENGTOKY
    types: {pairing-exercise: qualified}
  - user: U0ENGOBSV
    types: {pairing-exercise: observer_only}
"""


def dry_run_examples(tmp_path: Path, rule: str = "{before_first_lead: true, with: hiring_manager}") -> Path:
    """A copy of the example content whose pairing exercise asks for the dry run `rule` (whatever the
    examples say), with POOL as the only pool, so the tests do not follow edits of the examples."""
    root = copy_examples(tmp_path)
    types = root / "software-engineer" / "interview-types.yaml"
    text = re.sub(r"(?m)^dry_run:.*\n(?:[ ]+.*\n)*", "", types.read_text(encoding="utf-8"))
    types.write_text(text, encoding="utf-8")
    edit(types, "lead_drives: true\n", f"lead_drives: true\ndry_run: {rule}\n")
    for pool in root.rglob("pool*.yaml"):
        pool.unlink()
    (root / "software-engineer" / "pools.yaml").write_text(POOL, encoding="utf-8")
    return root
