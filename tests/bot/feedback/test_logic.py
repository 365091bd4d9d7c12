"""Pure feedback rules: categories covered, validation, owing, the blind rule."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.feedback.logic import (
    ERR_RECOMMENDATION,
    ERR_SUMMARY,
    TEXT_MAX_CHARS,
    Category,
    FeedbackForm,
    SeatFacts,
    clipped,
    covered_categories,
    form_is_open,
    may_see_feedback,
    owes_feedback,
    question_signals,
    restrict,
    scale,
    validate,
)
from tests.support.factories import RUBRIC_SNAPSHOT, kit, kit_question


def test_covered_categories_follow_rubric_order_and_keep_unknown_ones() -> None:
    k = kit(questions=[kit_question("a", "build"), kit_question("b", "learn"), kit_question("c", "extra")])
    found = covered_categories(k, RUBRIC_SNAPSHOT)
    assert [(c.key, c.name, c.description, c.rubric) for c in found] == [
        ("learn", "Ability to learn and teach", "Curiosity.", "eng"),
        ("build", "Building systems", "Design.", "eng"),
        ("extra", "extra", "", ""),
    ]
    assert [c.short for c in found] == ["Ability to learn…", "Building systems", "extra"]


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


def test_validate_names_each_missing_piece_by_field() -> None:
    cats = [Category("learn", "L"), Category("build", "B")]
    errors = validate(FeedbackForm(ratings={"learn": "bogus"}, summary=" " * 40), cats, RUBRIC_SNAPSHOT)
    assert errors
    assert set(errors.ratings) == {"learn", "build"}
    assert errors.recommendation == ERR_RECOMMENDATION
    assert errors.summary == ERR_SUMMARY
    ok = FeedbackForm(
        ratings={"learn": "no_signal", "build": "strong_no"}, recommendation="strong_no", summary="s" * 30
    )
    assert not validate(ok, cats, RUBRIC_SNAPSHOT)


def test_texts_over_the_modals_max_length_are_refused_field_by_field() -> None:
    cats = [Category("learn", "L")]
    long = "x" * (TEXT_MAX_CHARS + 1)
    form = FeedbackForm(
        ratings={"learn": "yes"},
        recommendation="yes",
        summary=long,
        private_note=long,
        question_notes={"q1": long, "q2": "fine"},
    )
    errors = validate(form, cats, RUBRIC_SNAPSHOT)
    assert errors.summary is not None
    assert f"{TEXT_MAX_CHARS} characters (it has {len(long)})" in errors.summary
    assert errors.private_note == errors.summary
    assert set(errors.notes) == {"q1"}
    exact = FeedbackForm(
        ratings={"learn": "yes"}, recommendation="yes", summary="s" * TEXT_MAX_CHARS, private_note="p"
    )
    assert not validate(exact, cats, RUBRIC_SNAPSHOT)


def test_restrict_keeps_only_what_the_form_offers() -> None:
    form = FeedbackForm(
        ratings={"learn": "yes", "operations": "strong_yes"},
        signals=["great:q:0", "look:9", "great:q:0", "look:0"],
        question_notes={"q": "note", "forged": "x"},
        summary="kept",
    )
    kept = restrict(form, [Category("learn", "L")], {"great:q:0", "look:0"}, {"q"})
    assert kept.ratings == {"learn": "yes"}
    assert kept.signals == ["great:q:0", "look:0"]
    assert kept.question_notes == {"q": "note"}
    assert kept.summary == "kept"


def test_a_draft_is_clipped_to_what_the_modal_accepts_back() -> None:
    long = "y" * (TEXT_MAX_CHARS + 50)
    draft = clipped(FeedbackForm(summary=long, private_note=long, question_notes={"q": long}))
    assert len(draft.summary) == len(draft.private_note) == len(draft.question_notes["q"]) == TEXT_MAX_CHARS


def test_snapshot_ignores_order_and_empty_notes() -> None:
    a = FeedbackForm(signals=["b", "a"], question_notes={"q": "", "r": "x"})
    b = FeedbackForm(signals=["a", "b"], question_notes={"r": "x"})
    assert a.snapshot() == b.snapshot()


def test_who_owes_feedback() -> None:
    assert owes_feedback("lead", False)
    assert owes_feedback("interviewer", False)
    assert not owes_feedback("shadow", False)
    assert not owes_feedback("lead", True)


def test_form_opens_at_the_start() -> None:
    start = datetime(2026, 1, 1, 10, tzinfo=UTC)
    assert form_is_open(start, start)
    assert not form_is_open(start, start.replace(minute=0, hour=9))


def test_may_see_feedback() -> None:
    def see(user: str, *seats: SeatFacts, admins: tuple[str, ...] = ()) -> bool:
        return may_see_feedback(user, seats, "UREC", "UHM", admins)

    pending, done = SeatFacts("lead", False, False), SeatFacts("interviewer", False, True)
    assert not see("U1", pending)
    assert not see("U1", done, pending)
    assert see("U1", done)
    assert not see("UHM", pending)
    assert see("UHM")
    assert see("UREC")
    assert see("U3", SeatFacts("shadow", False, False))
    assert not see("U4", SeatFacts("lead", True, False))  # declined and not the recruiter
    assert not see("U5")
    assert see("U5", admins=("U5",))
