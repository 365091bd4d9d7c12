"""Simulated answers fill the real feedback modal, and loopbot's own parser reads them back."""

from __future__ import annotations

from typing import Any

from blocks.feedback_form import parse_state
from bot.demo.forms import Scorecard, answers_for, describe, submitted_view

SCALE = ["strong_no", "no", "yes", "strong_yes", "no_signal"]


def _radio(block_id: str, values: list[str]) -> dict[str, Any]:
    options = [{"text": {"type": "plain_text", "text": v.title()}, "value": v} for v in values]
    return {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": block_id},
        "element": {"type": "radio_buttons", "action_id": "feedback_field", "options": options},
    }


VIEW = {
    "type": "modal",
    "blocks": [
        _radio("rating__ops", SCALE),
        _radio("rating__strategy", SCALE),
        {
            "type": "input",
            "block_id": "signals__q1__g0",
            "label": {"type": "plain_text", "text": "Great"},
            "element": {
                "type": "checkboxes",
                "action_id": "feedback_field",
                "options": [
                    {"text": {"type": "plain_text", "text": "+ x"}, "value": "great:q1:0"},
                    {"text": {"type": "plain_text", "text": "− y"}, "value": "negative:q1:0"},
                ],
            },
        },
        {
            "type": "input",
            "block_id": "note__q1",
            "label": {"type": "plain_text", "text": "Notes"},
            "element": {"type": "plain_text_input", "action_id": "feedback_field"},
        },
        _radio("recommendation", ["strong_no", "no", "yes", "strong_yes"]),
        {
            "type": "input",
            "block_id": "summary",
            "label": {"type": "plain_text", "text": "Summary"},
            "element": {"type": "plain_text_input", "action_id": "feedback_field"},
        },
    ],
}


def test_a_scorecard_round_trips_through_state_values() -> None:
    card = Scorecard("no", "Long enough summary of what was seen.", lean=3, ratings={"strategy": "no_signal"})
    form = parse_state(submitted_view(VIEW, answers_for(VIEW, card))["state"]["values"])
    assert form.ratings == {"ops": "strong_yes", "strategy": "no_signal"}
    assert form.signals == ["great:q1:0"]
    assert form.question_notes == {"q1": card.note}
    assert (form.recommendation, form.summary) == ("no", card.summary)


def test_an_incomplete_card_leaves_fields_empty_and_describes_what_was_typed() -> None:
    card = Scorecard(None, "Great", lean=1, ratings={"strategy": ""}, negative=True)
    answers = answers_for(VIEW, card)
    form = parse_state(submitted_view(VIEW, answers)["state"]["values"])
    assert form.ratings == {"ops": "no"}
    assert form.recommendation is None
    assert sorted(form.signals) == ["great:q1:0", "negative:q1:0"]
    assert describe(VIEW, answers) == [
        "1 great-answer and 1 negative signals ticked, 1 question notes",
        "rating__ops: No",
        "Summary: Great",
    ]
