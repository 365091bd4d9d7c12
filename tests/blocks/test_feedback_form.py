"""The feedback modal's Slack side: reading state.values and placing errors on blocks."""

from __future__ import annotations

from typing import Any

from blocks.feedback_form import block_errors, parse_state
from bot.feedback.logic import ERR_RECOMMENDATION, FeedbackForm, FormErrors


def test_parse_state_reads_every_kind_of_input() -> None:
    values: dict[str, dict[str, Any]] = {
        "rating__learn": {"feedback_field": {"type": "radio_buttons", "selected_option": {"value": "yes"}}},
        "rating__build": {"feedback_field": {"type": "static_select", "selected_option": None}},
        "signals__q__g0": {
            "feedback_field": {"type": "checkboxes", "selected_options": [{"value": "great:q:0"}]}
        },
        "signals__q__n0": {
            "feedback_field": {"type": "checkboxes", "selected_options": [{"value": "negative:q:0"}]}
        },
        "note__q": {"feedback_field": {"type": "plain_text_input", "value": "note"}},
        "note__r": {"feedback_field": {"type": "plain_text_input", "value": None}},
        "recommendation": {"feedback_field": {"type": "radio_buttons", "selected_option": {"value": "no"}}},
        "summary": {"feedback_field": {"type": "plain_text_input", "value": "sum"}},
        "private_note": {"feedback_field": {"type": "plain_text_input", "value": None}},
        "someone_else": {"x": {"type": "plain_text_input", "value": "ignored"}},
    }
    assert parse_state(values) == FeedbackForm(
        ratings={"learn": "yes"},
        signals=["great:q:0", "negative:q:0"],
        question_notes={"q": "note"},
        recommendation="no",
        summary="sum",
        private_note="",
    )


def test_block_errors_put_each_problem_on_its_block() -> None:
    errors = FormErrors(ratings={"learn": "pick"}, recommendation=ERR_RECOMMENDATION)
    assert block_errors(errors) == {"rating__learn": "pick", "recommendation": ERR_RECOMMENDATION}
    assert block_errors(FormErrors()) == {}
