"""The prep of an interview without questions: its type's plan, for the lead as for the others."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from blocks import prep
from models import Interview
from tests.support.factories import EMPTY_KIT, GUIDANCE, focus_guidance, memory_interview

NOW = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
FOLLOW = "follow the lead's plan"
PANEL = [("U1", "lead"), ("U2", "interviewer"), ("U3", "shadow")]


def values_interview(**guidance: Any) -> Interview:
    return memory_interview(PANEL, kits={u: EMPTY_KIT for u, _ in PANEL}, guidance=focus_guidance(**guidance))


def prep_text(i: Interview, user: str) -> str:
    seat = next(s for s in i.panel if s.user_id == user)
    return "\n".join(
        json.dumps(m.blocks_dicts(), ensure_ascii=False) for m in prep.prep_messages(i, seat, NOW)
    )


def test_the_lead_gets_the_types_plan_not_someone_elses() -> None:
    text = prep_text(values_interview(), "U1")
    assert FOLLOW not in text
    assert "No questions were assigned" not in text
    assert "You run the interview from the plan below" in text
    assert "*Your plan: Values interview*" in text
    assert "*What this interview assesses*" in text
    assert "• *Takes initiative beyond their scope?* _(Company values)_: Fixes what nobody owns." in text
    assert "◦ Gave feedback nobody asked for" in text
    assert "*Example questions*\\n• Tell us about a problem you fixed that was not your job." in text
    assert "*What to look for*\\n• Took the initiative on something outside their scope" in text


def test_an_interviewer_shares_the_plan_unless_the_lead_drives() -> None:
    shared = prep_text(values_interview(), "U2")
    assert FOLLOW not in shared
    assert "You and the lead share the plan below" in shared
    assert "*Example questions*" in shared
    driven = prep_text(values_interview(lead_drives=True), "U2")
    assert FOLLOW in driven
    assert "*What this interview assesses*" in driven  # they still watch for it
    assert "*Example questions*" not in driven


def test_a_shadow_follows_the_lead() -> None:
    text = prep_text(values_interview(), "U3")
    assert FOLLOW in text
    assert "You observe to learn how this interview is run" in text


def test_time_guidance_comes_from_the_interview_type_only() -> None:
    five = prep_text(values_interview(), "U1")
    assert "Keep the last five minutes for their questions" in five
    assert "10 minutes" not in five
    with_kit = memory_interview(PANEL, guidance={**GUIDANCE, "guidance_during": ["Stop five minutes early."]})
    assert "10 minutes" not in prep_text(with_kit, "U1")


def test_the_nudge_of_an_interview_without_questions_says_what_it_assesses() -> None:
    i = values_interview()
    nudge = json.dumps(prep.prep_nudge(i, i.panel[0]).blocks_dicts(), ensure_ascii=False)
    assert "*It assesses:* Takes initiative beyond their scope?, Gives candid feedback?" in nudge
    assert "*Your questions*" not in nudge
