"""Dry-run messages as pure builders: who is named, which button, and what replaces it once settled."""

from __future__ import annotations

import json

from blocks.ids import ActionId, BlockId
from blocks.interviewers import dry_run as blocks
from blocks.prep import prep_messages
from models import DryRun
from tests.support.factories import memory_interview

LEAD, PARTNER = "U0NEWLEAD", "U0PARTNER"


def row(exercise: str = "") -> DryRun:
    return DryRun(id=5, user_id=LEAD, interview_type_id=1, exercise=exercise, partner=PARTNER)


def test_the_partner_gets_the_one_button_and_the_lead_what_to_do() -> None:
    interview = memory_interview([(LEAD, "lead")], candidate="<!channel> Eve")
    to_partner = blocks.request_to_partner(interview, row())
    [actions] = [b for b in to_partner.blocks_dicts() if b.get("block_id") == BlockId.DRY_RUN_ACTIONS]
    assert [(e["action_id"], e["value"]) for e in actions["elements"]] == [(ActionId.DRY_RUN_DONE, "5")]
    to_lead = json.dumps(blocks.request_to_lead(interview, row()).blocks_dicts())
    assert "rehearse it with <@U0PARTNER>" in to_lead
    assert "<@U0RECRUIT>" in to_lead
    assert "<!channel>" not in to_lead
    assert ActionId.DRY_RUN_DONE not in to_lead


def test_per_exercise_the_set_is_named() -> None:
    interview = memory_interview([(LEAD, "lead")])
    text = json.dumps(blocks.reminder(interview, row("set-a")).blocks_dicts())
    assert "(exercise: *Set set-a*)" in text


def test_the_warning_names_the_suggested_lead_in_its_swap_button_or_says_what_to_do() -> None:
    interview = memory_interview([(LEAD, "lead")])
    warning = blocks.warning(interview, row(), "U0VETERAN")
    text = json.dumps(warning.blocks_dicts())
    assert "Suggested lead: <@U0VETERAN>" in text
    [actions] = [b for b in warning.blocks_dicts() if b.get("block_id") == BlockId.DRY_RUN_ACTIONS]
    [button] = actions["elements"]
    assert button["action_id"] == ActionId.SWAP_LEAD
    assert blocks.parse_swap_value(button["value"]) == (interview.id, 5, "U0VETERAN")
    assert "needs a dry run too" not in text
    assert "needs no dry run" in text
    nobody = json.dumps(blocks.warning(interview, row(), None).blocks_dicts())
    assert ActionId.SWAP_LEAD not in nobody
    assert "choose a lead yourself" in nobody


def test_a_suggested_lead_who_has_not_led_it_either_is_said_to_need_a_dry_run_too() -> None:
    interview = memory_interview([(LEAD, "lead")])
    text = json.dumps(blocks.warning(interview, row(), "U0NOVICE1", needs_dry_run=True).blocks_dicts())
    assert "Suggested lead: <@U0NOVICE1> (needs a dry run too)" in text
    assert "needs no dry run" not in text


def test_swap_values_that_loopbot_did_not_make_are_refused() -> None:
    assert blocks.parse_swap_value("7:5:") == (7, 5, "")
    for bad in ("7:5:<!channel>", "7:x:U1", "", None, 7, "7:5:U0A:extra"):
        assert blocks.parse_swap_value(bad) is None
    # Ids as bot/guard/inputs.record_id takes them: 1 to 2**31 - 1 (INTEGER columns on PostgreSQL).
    assert blocks.parse_swap_value("2147483647:1:") == (2147483647, 1, "")
    for out_of_range in ("999999999999:1:", "2147483648:1:", "1:2147483648:", "0:5:", "7:0:U0ABC"):
        assert blocks.parse_swap_value(out_of_range) is None


def test_a_settled_message_keeps_its_text_and_loses_its_buttons() -> None:
    interview = memory_interview([(LEAD, "lead")])
    original = blocks.request_to_partner(interview, row()).blocks_dicts()
    once = blocks.settled(original, "Confirmed.")
    twice = blocks.settled(once, "Confirmed again.")
    assert [b.get("block_id") for b in twice][-1] == BlockId.DRY_RUN_SETTLED
    assert BlockId.DRY_RUN_ACTIONS not in [b.get("block_id") for b in twice]
    assert len(twice) == len(once) == len(original)
    assert "Confirmed again." in json.dumps(twice[-1])


def test_the_prep_shows_the_dry_run_line_it_is_given() -> None:
    interview = memory_interview([(LEAD, "lead")])
    seat = interview.panel[0]
    line = "Dry run: not done yet — rehearse with <@U0PARTNER> and ask them to press *Dry run done*"
    shown = json.dumps([m.blocks_dicts() for m in prep_messages(interview, seat, interview.starts_at, line)])
    assert "rehearse with <@U0PARTNER>" in shown
    plain = json.dumps([m.blocks_dicts() for m in prep_messages(interview, seat, interview.starts_at)])
    assert "Dry run:" not in plain
