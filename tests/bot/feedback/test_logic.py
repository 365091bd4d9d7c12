"""Pure feedback rules: categories covered, parsing a view's state, validation, owing, the blind rule."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.feedback.logic import (
    ERR_RECOMMENDATION,
    ERR_SUMMARY,
    Category,
    FeedbackForm,
    SeatFacts,
    covered_categories,
    form_is_open,
    may_see_feedback,
    owes_feedback,
    parse_state,
    question_signals,
    scale,
    validate,
)
from tests.support.factories import RUBRIC_SNAPSHOT, kit, kit_question


def test_covered_categories_follow_rubric_order_and_keep_unknown_ones() -> None:
    k = kit(questions=[kit_question("a", "build"), kit_question("b", "learn"), kit_question("c", "extra")])
    assert covered_categories(k, RUBRIC_SNAPSHOT) == [
        Category("learn", "Ability to learn and teach", "Curiosity."),
        Category("build", "Building systems", "Design."),
        Category("extra", "extra", ""),
    ]


def test_an_empty_kit_rates_the_whole_rubric() -> None:
    assert [c.key for c in covered_categories({"questions": []}, RUBRIC_SNAPSHOT)] == [
        "learn",
        "build",
        "team",
    ]


def test_scale_ends_with_no_signal() -> None:
    assert scale(RUBRIC_SNAPSHOT)[-1] == ("no_signal", "No signal")
    assert scale({**RUBRIC_SNAPSHOT, "no_signal_label": "Not assessed"})[-1] == ("no_signal", "Not assessed")


def test_signal_ids_are_stable() -> None:
    ids = [s.id for s in question_signals(kit_question("q"))]
    assert ids == ["great:q:0", "great:q:1", "negative:q:0"]


def test_parse_state_reads_every_kind_of_input() -> None:
    values = {
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


def test_validate_names_each_missing_piece_by_block() -> None:
    cats = [Category("learn", "L"), Category("build", "B")]
    errors = validate(FeedbackForm(ratings={"learn": "bogus"}, summary=" " * 40), cats, RUBRIC_SNAPSHOT)
    assert set(errors) == {"rating__learn", "rating__build", "recommendation", "summary"}
    assert errors["recommendation"] == ERR_RECOMMENDATION and errors["summary"] == ERR_SUMMARY
    ok = FeedbackForm(
        ratings={"learn": "no_signal", "build": "strong_no"}, recommendation="strong_no", summary="s" * 30
    )
    assert validate(ok, cats, RUBRIC_SNAPSHOT) == {}


def test_snapshot_ignores_order_and_empty_notes() -> None:
    a = FeedbackForm(signals=["b", "a"], question_notes={"q": "", "r": "x"})
    b = FeedbackForm(signals=["a", "b"], question_notes={"r": "x"})
    assert a.snapshot() == b.snapshot()


def test_who_owes_feedback() -> None:
    assert owes_feedback("lead", False) and owes_feedback("interviewer", False)
    assert not owes_feedback("shadow", False) and not owes_feedback("lead", True)


def test_form_opens_at_the_start() -> None:
    start = datetime(2026, 1, 1, 10, tzinfo=UTC)
    assert form_is_open(start, start) and not form_is_open(start, start.replace(minute=0, hour=9))


def test_may_see_feedback() -> None:
    def see(user: str, *seats: SeatFacts, admins: tuple[str, ...] = ()) -> bool:
        return may_see_feedback(user, seats, "UREC", "UHM", admins)

    pending, done = SeatFacts("lead", False, False), SeatFacts("interviewer", False, True)
    assert not see("U1", pending) and not see("U1", done, pending) and see("U1", done)
    assert not see("UHM", pending) and see("UHM") and see("UREC")
    assert see("U3", SeatFacts("shadow", False, False))
    assert not see("U4", SeatFacts("lead", True, False))  # declined and not the recruiter
    assert not see("U5") and see("U5", admins=("U5",))
