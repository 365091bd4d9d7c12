"""The feedback form of an interview without questions: a rating per focus category, and its checklist."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from blocks import feedback_modal as fm
from blocks.feedback import feedback_view
from blocks.feedback_form import block_errors, parse_state
from blocks.ids import BlockId
from bot.demo.forms import submitted_view
from bot.feedback.focus_logic import form_categories
from bot.feedback.logic import TEXT_MAX_CHARS, FeedbackForm, FormErrors
from models import Interview
from tests.support.factories import EMPTY_KIT, RUBRIC_SNAPSHOT, focus_guidance, memory_interview


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    fm.templates.clear()
    yield
    fm.templates.clear()


def values_interview(**guidance: Any) -> Interview:
    return memory_interview(
        [("U1", "lead"), ("U2", "interviewer")],
        kits={"U1": EMPTY_KIT, "U2": EMPTY_KIT},
        guidance=focus_guidance(**guidance),
    )


def view_of(i: Interview, form: FeedbackForm | None = None) -> dict[str, Any]:
    seat = i.panel[0]
    categories = form_categories(seat.kit, i.candidate_loop.rubric, i.guidance, i.stage_key)
    fresh = feedback_view(i, seat, categories, form).to_dict()
    assert fm.feedback_modal(i, seat, categories, form).to_dict() == fresh
    return fresh


def inputs(view: dict[str, Any], prefix: str) -> list[dict[str, Any]]:
    return [b for b in view["blocks"] if b["type"] == "input" and b["block_id"].startswith(prefix)]


def test_only_the_focus_categories_are_rated_and_no_signal_stays_a_choice() -> None:
    view = view_of(values_interview())
    ratings = inputs(view, BlockId.RATING_PREFIX)
    assert [b["block_id"] for b in ratings] == ["rating__initiative", "rating__candor"]
    assert [b["label"]["text"] for b in ratings] == [
        "Takes initiative beyond their scope?",
        "Gives candid feedback?",
    ]
    assert ratings[0]["hint"]["text"] == "Fixes what nobody owns."
    assert [o["value"] for o in ratings[1]["element"]["options"]][-1] == "no_signal"
    assert not any(key in str(view) for key in ("rating__learn", "rating__build"))


def test_what_to_look_for_and_the_attributes_are_checkboxes() -> None:
    view = view_of(values_interview())
    groups = inputs(view, BlockId.SIGNALS_PREFIX)
    assert [b["label"]["text"] for b in groups] == [
        "What you saw, of what to look for",
        "What you saw: Takes initiative beyond their scope?",
        "What you saw: Gives candid feedback?",
    ]
    assert [[o["value"] for o in b["element"]["options"]] for b in groups] == [
        ["look:0"],
        ["attr:initiative:0"],
        ["attr:candor:0", "attr:candor:1"],
    ]
    assert all(b["optional"] for b in groups)


def test_ticked_checklist_signals_come_back_and_are_restored() -> None:
    i = values_interview()
    view = view_of(i)
    answers = {
        b["block_id"]: [o["value"] for o in b["element"]["options"]] for b in inputs(view, "signals__")
    }
    form = parse_state(submitted_view(view, answers)["state"]["values"])
    assert sorted(form.signals) == ["attr:candor:0", "attr:candor:1", "attr:initiative:0", "look:0"]
    again = view_of(i, FeedbackForm(signals=["attr:candor:1"]))
    [candor] = [b for b in inputs(again, "signals__") if "candid" in b["label"]["text"]]
    assert [o["value"] for o in candor["element"]["initial_options"]] == ["attr:candor:1"]


def test_more_than_ten_checklist_items_are_split_across_checkbox_groups() -> None:
    many = [f"Signal number {n}" for n in range(13)]
    view = view_of(values_interview(look_for=many, rubric=None, focus=None))
    groups = inputs(view, "signals__")
    assert [len(b["element"]["options"]) for b in groups] == [10, 3]
    assert groups[1]["label"]["text"].endswith("(more)")
    # Without a focus this old-style interview rates the whole loop rubric, as before.
    assert len(inputs(view, BlockId.RATING_PREFIX)) == len(RUBRIC_SNAPSHOT["categories"])


def test_every_text_input_declares_the_max_length_the_server_enforces() -> None:
    view = view_of(values_interview())
    texts = [b for b in view["blocks"] if b["type"] == "input" and b["element"]["type"] == "plain_text_input"]
    assert texts
    assert {b["element"]["max_length"] for b in texts} == {TEXT_MAX_CHARS}


def test_length_errors_go_on_the_summary_the_private_note_and_each_note() -> None:
    errors = FormErrors(summary="long", private_note="longer", notes={"q1": "too long"})
    assert block_errors(errors) == {"summary": "long", "private_note": "longer", "note__q1": "too long"}
