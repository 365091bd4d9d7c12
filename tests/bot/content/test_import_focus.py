"""Importing focus, types' own rubrics, checklists and short labels; content without them still imports."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from blocks.prep import prep_messages
from bot.content.importer import import_bundle
from bot.content.loader import load_content
from bot.feedback.focus_logic import form_categories
from bot.scheduling import InterviewIn, PanelistIn, ScheduleRequest, schedule_loop
from bot.settings import load_settings
from models import InterviewType, Loop, RubricCategory
from tests.support.content_files import EXAMPLES

NOW = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
LEGACY = """\
kind: rubric
slug: legacy
name: Legacy
categories:
  - {key: craft, name: Craft}
  - {key: teamwork, name: Teamwork}
---
kind: interview_type
slug: chat
name: Chat
duration_minutes: 30
panel: [{role: lead, min: 1, max: 1}, {role: interviewer, min: 0, max: 1}]
look_for: [Asks good questions]
---
kind: loop
slug: legacy-loop
name: Legacy loop
role: Engineer
rubric: legacy
hiring_channel: C0LEGACY
stages:
  - {key: chat, name: Chat, interview_type: chat}
"""


def kind(session: Session, slug: str) -> InterviewType:
    return session.scalars(select(InterviewType).where(InterviewType.slug == slug)).one()


def test_examples_import_focus_type_rubrics_checklists_and_short_labels(session: Session) -> None:
    import_bundle(session, load_content([EXAMPLES]))
    values = kind(session, "values-interview")
    assert values.rubric is not None
    assert values.rubric.slug == "company-values"
    assert values.focus == []  # assesses its whole rubric
    assert values.example_questions
    assert kind(session, "recruiter-screen").focus == ["motivation", "role-fit"]
    assert kind(session, "pairing-exercise").lead_drives is True
    assert kind(session, "values-interview").lead_drives is False
    swe = session.scalars(select(Loop).where(Loop.slug == "software-engineer")).one()
    assert {s.key: s.focus for s in swe.stages}["peers"] == ["collaboration"]
    assert {s.key: s.focus for s in swe.stages}["pairing"] == []
    shorts = session.scalars(select(RubricCategory.short).where(RubricCategory.key == "running-the-team"))
    assert list(shorts) == ["Running the team"]
    again = import_bundle(session, load_content([EXAMPLES]))
    assert again.changed == 0


def test_content_written_before_focus_imports_and_rates_as_before(session: Session, tmp_path: Path) -> None:
    (tmp_path / "legacy.yaml").write_text(LEGACY, encoding="utf-8")
    bundle = load_content([tmp_path])
    assert bundle.errors == []
    [advice] = [str(p) for p in bundle.warnings]
    assert "declares no focus" in advice
    import_bundle(session, bundle)
    panel = [PanelistIn(user="U1X", role="lead"), PanelistIn(user="U2X", role="interviewer")]
    request = ScheduleRequest(
        candidate="Ada",
        loop="legacy-loop",
        interviews=[InterviewIn(stage="chat", start=datetime(2030, 3, 4, 9, tzinfo=UTC), panel=panel)],
    )
    [interview] = schedule_loop(session, request, load_settings(), NOW).interviews
    assert interview.guidance["focus"] is None
    assert interview.guidance["rubric"] is None
    lead = interview.panel[0]
    rubric = interview.candidate_loop.rubric
    assert [c.key for c in form_categories(lead.kit, rubric, interview.guidance, "chat")] == [
        "craft",
        "teamwork",
    ]
    text = json.dumps([m.blocks_dicts() for m in prep_messages(interview, lead, NOW)], ensure_ascii=False)
    assert "follow the lead's plan" not in text
    assert "*What this interview assesses*" in text
