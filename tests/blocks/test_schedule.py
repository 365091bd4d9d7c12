"""Scheduling, move and reassign modals: what they hold, reading them back, and where errors land."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from blocks import limits
from blocks.ids import ActionId, BlockId
from blocks.schedule import move_view, reassign_view, schedule_view, scheduled_view
from blocks.schedule_form import (
    MAX_INTERVIEWS,
    Choices,
    InterviewForm,
    LoopChoice,
    ScheduleForm,
    ScheduleMeta,
    error_block,
    errors_for,
    parse_form,
)
from tests.support.factories import memory_interview

INFRA = LoopChoice(
    slug="infra",
    name="Infrastructure manager loop",
    hiring_channel="C0HIRING",
    stages=[("screen", "Hiring manager screen"), ("team", "Team interviews")],
    question_sets=[("im-set-a", "Set A"), ("im-set-b", "Set B")],
)
SWE = LoopChoice(slug="swe", name="Software engineer", stages=[("team", "Team")])
CHOICES = Choices(loops=[INFRA, SWE], types=[("arch", "Architecture"), ("values", "Values")])
T1 = int(datetime(2030, 3, 5, 14, 0, tzinfo=UTC).timestamp())


def state_of(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """state.values as Slack would send them for the view's initial values."""
    values: dict[str, dict[str, Any]] = {}
    for b in view["blocks"]:
        if b["type"] != "input":
            continue
        el = b["element"]
        kind = el["type"]
        if kind == "static_select":
            state: dict[str, Any] = {"selected_option": el.get("initial_option")}
        elif kind == "multi_users_select":
            state = {"selected_users": el.get("initial_users", [])}
        elif kind == "datetimepicker":
            state = {"selected_date_time": el.get("initial_date_time")}
        elif kind == "conversations_select":
            state = {"selected_conversation": el.get("initial_conversation")}
        elif kind == "checkboxes":
            state = {"selected_options": el.get("initial_options", [])}
        else:
            state = {"value": el.get("initial_value")}
        values[b["block_id"]] = {el["action_id"]: {"type": kind, **state}}
    return values


def form(n: int = 1) -> ScheduleForm:
    interviews = [
        InterviewForm(
            stage="team",
            type="arch",
            start=T1 + k * 7200,
            duration="45",
            lead=[f"U0LEAD{k}"],
            interviewers=["U0PAIR"],
            shadows=["U0OBSV"],
            question_set="im-set-b",
            consent=True,
        )
        for k in range(n)
    ]
    return ScheduleForm(candidate="Ada Lovelace", loop="infra", channel="C0OTHER", interviews=interviews)


def test_interviews_appear_once_a_loop_is_chosen() -> None:
    view = schedule_view(CHOICES).to_dict()
    ids = [b.get("block_id") for b in view["blocks"]]
    assert ids[:3] == [BlockId.CANDIDATE, BlockId.LOOP, BlockId.CHANNEL]
    assert f"{BlockId.STAGE}0" not in ids
    assert "Choose a loop" in json.dumps(view)
    loop_block = view["blocks"][1]
    assert loop_block["dispatch_action"] is True
    assert loop_block["element"]["action_id"] == ActionId.CHOOSE_LOOP
    single = schedule_view(Choices(loops=[INFRA])).to_dict()
    assert f"{BlockId.STAGE}0" in [b.get("block_id") for b in single["blocks"]]
    channel = next(b for b in single["blocks"] if b.get("block_id") == BlockId.CHANNEL)
    assert channel["element"]["initial_conversation"] == "C0HIRING"  # the loop's channel by default


def test_a_typed_form_survives_a_rebuild() -> None:
    typed = form(3)
    view = schedule_view(CHOICES, typed).to_dict()
    meta = ScheduleMeta.model_validate_json(view["private_metadata"])
    assert meta == ScheduleMeta(loop="infra", count=3)
    assert parse_form(state_of(view), meta) == typed


def test_the_question_set_defaults_to_automatic() -> None:
    view = schedule_view(CHOICES, ScheduleForm(loop="infra")).to_dict()
    block = next(b for b in view["blocks"] if b.get("block_id") == f"{BlockId.QUESTION_SET}0")
    assert block["element"]["initial_option"]["value"] == "auto"
    parsed = parse_form(state_of(view), ScheduleMeta(loop="infra", count=1))
    assert parsed.interviews[0].question_set is None


def test_the_biggest_form_fits_a_modal_and_offers_no_more_interviews() -> None:
    view = schedule_view(CHOICES, form(MAX_INTERVIEWS))
    limits.check_view(view)
    data = json.dumps(view.to_dict())
    assert ActionId.ADD_INTERVIEW not in data
    assert ActionId.REMOVE_INTERVIEW in data
    assert ActionId.ADD_INTERVIEW in json.dumps(schedule_view(CHOICES, form(1)).to_dict())


def test_problems_land_on_the_right_block() -> None:
    f = form(2)
    assert error_block("candidate", "x", f) == BlockId.CANDIDATE
    assert error_block("hiring_channel", "x", f) == BlockId.CHANNEL
    assert error_block("interviews.1.start", "starts in the past", f) == f"{BlockId.START}1"
    assert error_block("interviews.0.duration_minutes", "x", f) == f"{BlockId.DURATION}0"
    assert error_block("interviews.1.stage", "x", f) == f"{BlockId.STAGE}1"
    assert error_block("interviews.0.type", "x", f) == f"{BlockId.TYPE}0"
    # panel seats are listed lead, interviewers, shadows
    assert error_block("interviews.1.panel.0.user", "double", f) == f"{BlockId.LEAD}1"
    assert error_block("interviews.1.panel.1.user", "double", f) == f"{BlockId.INTERVIEWERS}1"
    assert error_block("interviews.1.panel.2.user", "double", f) == f"{BlockId.SHADOWS}1"
    assert error_block("interviews.0.panel.0.question_set", "x", f) == f"{BlockId.QUESTION_SET}0"
    shape = "a Values panel needs 1 lead (has 0)"
    assert error_block("interviews.0.panel", shape, f) == f"{BlockId.LEAD}0"
    assert (
        error_block("interviews.0.panel", "a X panel needs 0 to 2 interviewer (has 3)", f)
        == f"{BlockId.INTERVIEWERS}0"
    )
    no_shadow = "a X panel has no shadow (roles: lead, interviewer)"
    assert error_block("interviews.0.panel", no_shadow, f) == f"{BlockId.SHADOWS}0"
    assert error_block("interviews.9.start", "x", f) == BlockId.CANDIDATE
    assert errors_for([("interviews.0.start", "a"), ("interviews.0.start", "b"), ("loop", "c")], f) == {
        f"{BlockId.START}0": "a; b",
        BlockId.LOOP: "c",
    }


def test_confirmation_and_change_modals_escape_the_candidate() -> None:
    i = memory_interview([("U1", "lead"), ("U2", "interviewer")], candidate="<!channel> Eve")
    for view in (scheduled_view("<!channel> Eve", [i]), move_view(i), reassign_view(i)):
        out = json.dumps(view.to_dict())
        assert "<!channel>" not in out
        assert "&lt;!channel&gt; Eve" in out
        limits.check_view(view)


def test_move_starts_from_the_current_time_and_reassign_preselects_who_declined() -> None:
    i = memory_interview([("U1", "lead"), ("U2", "interviewer")])
    move = move_view(i).to_dict()
    picker = next(b for b in move["blocks"] if b.get("block_id") == BlockId.NEW_START)
    assert picker["element"]["initial_date_time"] == int(i.starts_at.timestamp())
    assert json.loads(move["private_metadata"]) == {"interview_id": 7}
    i.panel[1].declined_at = i.starts_at
    old = next(b for b in reassign_view(i).to_dict()["blocks"] if b.get("block_id") == BlockId.OLD_USER)
    assert [o["text"]["text"] for o in old["element"]["options"]] == [
        "<@U1> · lead",
        "<@U2> · interviewer · can't make it",
    ]
    assert old["element"]["initial_option"]["value"] == "U2"
