"""The feedback modal builder: structure, pre-filled values, limits on big kits, escaping."""

from __future__ import annotations

import json
from typing import Any

from blocks import limits
from blocks.feedback import feedback_view, message_view
from blocks.feedback_form import FeedbackMeta
from blocks.ids import CallbackId
from bot.feedback.logic import FeedbackForm, covered_categories
from bot.standin import blockkit
from tests.support.factories import RUBRIC_SNAPSHOT, kit, kit_question, memory_interview


def _view(kits: dict[str, Any] | None = None, form: FeedbackForm | None = None, **kw: Any) -> dict[str, Any]:
    i = memory_interview([("U1", "lead")], kits=kits, **kw)
    seat = i.panel[0]
    view = feedback_view(i, seat, covered_categories(seat.kit, RUBRIC_SNAPSHOT), form)
    limits.check_view(view)
    return view.to_dict()


def _by_id(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b for b in view["blocks"] if "block_id" in b}


def test_modal_frame() -> None:
    view = _view()
    assert view["type"] == "modal"
    assert view["callback_id"] == CallbackId.FEEDBACK
    assert view["title"]["text"] == "Interview feedback"
    assert view["submit"]["text"] == "Submit feedback"
    assert view["close"]["text"] == "Save for later"
    assert FeedbackMeta.model_validate_json(view["private_metadata"]) == FeedbackMeta(
        interview_id=7, user="U1"
    )


def test_full_layout_of_one_question() -> None:
    blocks = _by_id(_view())
    great = blocks["signals__q-learn__g0"]
    assert great["optional"] is True
    assert great["label"]["text"] == "Great-answer signals you heard"
    assert [o["text"]["text"] for o in great["element"]["options"]] == [
        "+ Mentions trade-offs",
        "+ Names a concrete metric",
    ]
    negative = blocks["signals__q-learn__n0"]["element"]["options"]
    assert [(o["text"]["text"], o["value"]) for o in negative] == [("− Blames others", "negative:q-learn:0")]
    assert blocks["note__q-learn"]["element"]["max_length"] == 3000
    assert blocks["note__q-learn"]["optional"] is True
    assert blocks["summary"].get("optional", False) is False
    assert blocks["private_note"]["optional"] is True
    recommendation = blocks["recommendation"]["element"]
    assert recommendation["type"] == "radio_buttons"
    assert [(o["value"], o["text"]["text"]) for o in recommendation["options"]] == [
        ("strong_no", "Strong No"),
        ("no", "No"),
        ("yes", "Yes"),
        ("strong_yes", "Strong Yes"),
    ]


def test_more_than_ten_signals_are_split_into_several_checkbox_groups() -> None:
    q = kit_question("many", great_signals=[f"signal {n}" for n in range(23)])
    blocks = _by_id(_view(kits={"U1": kit(questions=[q])}))
    groups = [blocks[f"signals__many__g{n}"]["element"]["options"] for n in range(3)]
    assert [len(g) for g in groups] == [10, 10, 3]
    assert [o["value"] for g in groups for o in g] == [f"great:many:{n}" for n in range(23)]


def test_long_signals_fit_option_limits() -> None:
    q = kit_question("long", great_signals=["word " * 60])
    option = _by_id(_view(kits={"U1": kit(questions=[q])}))["signals__long__g0"]["element"]["options"][0]
    assert len(option["text"]["text"]) <= 75
    assert len(option["description"]["text"]) <= 75


def test_prefilled_values_round_trip() -> None:
    form = FeedbackForm(
        ratings={"learn": "no_signal"},
        signals=["negative:q-build:0"],
        question_notes={"q-build": "n"},
        recommendation="strong_no",
        summary="s",
        private_note="p",
    )
    blocks = _by_id(_view(form=form))
    assert blocks["rating__learn"]["element"]["initial_option"]["value"] == "no_signal"
    assert blocks["signals__q-build__n0"]["element"]["initial_options"][0]["value"] == "negative:q-build:0"
    assert "initial_options" not in blocks["signals__q-build__g0"]["element"]
    assert blocks["recommendation"]["element"]["initial_option"]["value"] == "strong_no"
    assert blocks["private_note"]["element"]["initial_value"] == "p"


def test_a_thirty_question_kit_still_fits_a_modal_with_every_signal() -> None:
    questions = [
        kit_question(
            f"q{n}", ("learn", "build", "team")[n % 3], great_signals=[f"g{n}.{k}" for k in range(6)]
        )
        for n in range(30)
    ]
    view = _view(kits={"U1": kit(questions=questions)})
    assert len(view["blocks"]) <= 100
    values = {
        o["value"] for b in view["blocks"] if b["type"] == "input" for o in b["element"].get("options", [])
    }
    assert all(f"great:q{n}:5" in values and f"negative:q{n}:0" in values for n in range(30))
    assert {f"note__q{n}" for n in range(30)} <= set(_by_id(view))
    assert len(json.dumps(view)) < limits.VIEW_BYTES


def test_user_text_is_escaped() -> None:
    q = kit_question("evil", prompt="<!here> now", great_signals=["<@U1> & co"], category_name="<!channel>")
    view = _view(kits={"U1": kit(questions=[q])}, candidate="<!channel> Eve")
    text = json.dumps(view)
    assert "<!channel>" not in text
    assert "<!here>" not in text
    assert "<@U1>" not in text
    assert "&lt;!channel&gt; Eve" in text


def test_message_view_is_a_plain_modal() -> None:
    view = message_view("A title that is far too long for Slack", "Hello").to_dict()
    assert len(view["title"]["text"]) <= 24
    assert "submit" not in view
    assert view["blocks"][0]["text"]["text"] == "Hello"


def test_a_long_scale_uses_a_select_without_descriptions() -> None:
    i = memory_interview([("U1", "lead")])
    i.candidate_loop.rubric = {
        **RUBRIC_SNAPSHOT,
        "scale": [{"key": f"l{n}", "label": f"Level {n} " + "x" * 80} for n in range(12)],
    }
    seat = i.panel[0]
    view = feedback_view(
        i, seat, covered_categories(seat.kit, RUBRIC_SNAPSHOT), FeedbackForm(ratings={"learn": "l3"})
    )
    limits.check_view(view)
    element = _by_id(view.to_dict())["rating__learn"]["element"]
    assert element["type"] == "static_select"
    assert len(element["options"]) == 13
    assert all("description" not in o and len(o["text"]["text"]) <= 75 for o in element["options"])
    assert element["initial_option"]["value"] == "l3"


def test_big_kit_view_passes_the_stand_ins_independent_checks() -> None:
    questions = [
        kit_question(f"q{n}", great_signals=[f"g{k} " + "x" * 120 for k in range(14)]) for n in range(30)
    ]
    view = _view(kits={"U1": kit(questions=questions)})
    assert blockkit.view(view, "modal") == []
