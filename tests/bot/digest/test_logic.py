"""What a debrief digest says, without Slack or SQL: tally, matrix, flags, lateness."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.digest import logic as dl
from bot.feedback.focus_logic import Category, rubric_categories
from tests.support.factories import RUBRIC_SNAPSHOT

END = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
NOW = END + timedelta(hours=30)


def seat(user: str, role: str = "interviewer", interview_id: int = 1, ends_at: datetime = END) -> dl.Seat:
    return dl.Seat(interview_id, user, role, "Architecture", ends_at)


def card(
    user: str,
    rec: str | None,
    ratings: dict[str, str] | None = None,
    role: str = "interviewer",
    submitted: datetime | None = END + timedelta(hours=2),
) -> dl.Card:
    return dl.Card(seat(user, role), rec, ratings or {}, submitted)


def test_tally_counts_each_recommendation_best_first() -> None:
    cards = [card("U1", "yes"), card("U2", "yes"), card("U3", "strong_no")]
    facts = dl.summarize(RUBRIC_SNAPSHOT, [seat(u) for u in ("U1", "U2", "U3")], cards, NOW)
    assert facts.tally == [("strong_yes", "Strong Yes", 0), ("yes", "Yes", 2), ("no", "No", 0),
                           ("strong_no", "Strong No", 1)]  # fmt: skip
    assert facts.complete
    assert not facts.missing


def test_split_decision_needs_both_sides() -> None:
    one_side = dl.summarize(RUBRIC_SNAPSHOT, [], [card("U1", "yes"), card("U2", "strong_yes")], NOW)
    both = dl.summarize(RUBRIC_SNAPSHOT, [], [card("U1", "yes"), card("U2", "no")], NOW)
    assert not one_side.split
    assert both.split
    assert not both.strong_no


def test_strong_no_is_flagged_with_its_author() -> None:
    facts = dl.summarize(RUBRIC_SNAPSHOT, [], [card("U1", "strong_no"), card("U2", "strong_yes")], NOW)
    assert [c.seat.user for c in facts.strong_no] == ["U1"]
    assert facts.split


def test_matrix_has_a_row_per_category_and_a_column_per_scorecard() -> None:
    cards = [
        card("U1", "yes", {"learn": "strong_yes", "build": "no_signal"}),
        card("U2", "no", {"learn": "no", "build": "strong_no"}),
    ]
    facts = dl.summarize(RUBRIC_SNAPSHOT, [], cards, NOW)
    assert [c.label for c in facts.columns] == ["A", "B"]
    assert [(r.category.name, r.cells) for r in facts.rows] == [
        ("Ability to learn and teach", ["SY", "N"]),
        ("Building systems", ["—", "SN"]),
        ("Effective team member", ["·", "·"]),
    ]
    assert ("SY", "Strong Yes") in facts.legend
    assert ("—", "No signal") in facts.legend


def test_categories_nobody_assessed_are_all_no_signal_or_unrated() -> None:
    cards = [
        card("U1", "yes", {"learn": "yes", "build": "no_signal"}),
        card("U2", "yes", {"build": "no_signal"}),
    ]
    facts = dl.summarize(RUBRIC_SNAPSHOT, [], cards, NOW)
    assert facts.unassessed == ["Building systems", "Effective team member"]


def test_missing_feedback_is_owed_seats_without_a_scorecard_and_future_ones_are_upcoming() -> None:
    later = seat("U4", interview_id=2, ends_at=NOW + timedelta(days=1))
    facts = dl.summarize(RUBRIC_SNAPSHOT, [seat("U1"), seat("U2"), later], [card("U1", "yes")], NOW)
    assert [s.user for s in facts.missing] == ["U2"]
    assert [s.user for s in facts.upcoming] == ["U4"]
    assert not facts.complete


def test_late_feedback_is_submitted_after_the_sla_from_the_interview_end() -> None:
    on_time = card("U1", "yes", submitted=END + timedelta(hours=23))
    late = card("U2", "yes", submitted=END + timedelta(hours=29))
    facts = dl.summarize(RUBRIC_SNAPSHOT, [], [on_time, late], NOW, sla=timedelta(hours=24))
    assert [(c.seat.user, over) for c, over in facts.late] == [("U2", timedelta(hours=5))]
    stricter = dl.summarize(RUBRIC_SNAPSHOT, [], [on_time, late], NOW, sla=timedelta(hours=12))
    assert len(stricter.late) == 2


def test_observers_are_shown_but_never_counted() -> None:
    cards = [card("U1", "yes", {"learn": "yes"}), card("U3", "strong_no", {"build": "no"}, role="shadow")]
    facts = dl.summarize(RUBRIC_SNAPSHOT, [], cards, NOW)
    assert [c.card.seat.user for c in facts.columns] == ["U1"]
    assert not facts.strong_no
    assert not facts.split
    assert "Building systems" in facts.unassessed
    assert [c.seat.user for c in facts.observers] == ["U3"]


def test_abbreviations_fall_back_to_positions_when_initials_collide() -> None:
    rubric = {"scale": [{"key": "a", "label": "Meets"}, {"key": "b", "label": "Misses"}], "categories": []}
    assert dl.abbreviations(rubric) == {"a": "1", "b": "2", "no_signal": "—"}


def test_column_labels_go_past_z() -> None:
    assert [dl.column_label(n) for n in (0, 25, 26, 27, 51, 52)] == ["A", "Z", "AA", "AB", "AZ", "BA"]


def test_matrix_lines_align_and_cut_long_category_names_between_words() -> None:
    rubric = {
        **RUBRIC_SNAPSHOT,
        "categories": [{"key": "x", "name": "A very long category name indeed here"}],
    }
    facts = dl.summarize(rubric, [], [card("U1", "yes", {"x": "strong_yes"}), card("U2", "no")], NOW)
    assert facts.rows[0].category.short == "A very long…"
    header, row = dl.matrix_lines(facts, 0, 8, name_width=10)
    assert row.startswith("A very…    SY")
    assert row.endswith("·")
    assert header.index("A") == row.index("SY")
    assert header.index("B") == row.index("·")


def test_minimal_rubric_snapshot_without_names_still_works() -> None:
    rubric = {"scale": RUBRIC_SNAPSHOT["scale"], "categories": [{"key": "learn"}]}
    facts = dl.summarize(rubric, [seat("U1")], [], NOW)
    assert [(r.category.name, r.cells) for r in facts.rows] == [("learn", [])]
    assert facts.unassessed == ["learn"]
    assert [s.user for s in facts.missing] == ["U1"]


def test_hours_reads_naturally() -> None:
    assert [dl.hours(timedelta(minutes=m)) for m in (5, 60, 150, 60 * 50)] == [
        "5 minutes",
        "1 hour",
        "2 hours",
        "2 days",
    ]


def test_a_category_outside_a_scorecards_focus_is_blank_and_does_not_count_as_assessed() -> None:
    values = dl.Card(seat("U1"), "yes", {"learn": "yes", "team": "no_signal"}, END, frozenset({"team"}))
    kit = dl.Card(seat("U2"), "yes", {"build": "strong_yes"}, END, frozenset({"learn", "build"}))
    facts = dl.summarize(RUBRIC_SNAPSHOT, [], [values, kit], NOW)
    assert [(r.category.key, r.cells) for r in facts.rows] == [
        ("learn", ["", "·"]),
        ("build", ["", "SY"]),
        ("team", ["—", ""]),
    ]
    # U1's "learn" is outside its focus and U2 did not rate it; "team" was only "no signal".
    assert facts.unassessed == ["Ability to learn and teach", "Effective team member"]


def test_columns_follow_the_stage_order_then_the_interviews_time() -> None:
    def at(user: str, stage: int, hours: int, position: int = 0) -> dl.Card:
        s = dl.Seat(hours, user, "interviewer", "x", END + timedelta(hours=hours), stage, position)
        return dl.Card(s, "yes", {}, END + timedelta(hours=50 - hours))

    cards = [at("late-stage", 3, 1), at("second", 1, 5, 1), at("first", 1, 5, 0), at("earlier", 1, 2)]
    facts = dl.summarize(RUBRIC_SNAPSHOT, [], cards, NOW)
    assert [c.card.seat.user for c in facts.columns] == ["earlier", "first", "second", "late-stage"]


def test_matrix_lines_group_rows_by_rubric_under_its_name() -> None:
    learn = dl.Card(seat("U1"), "yes", {"learn": "yes", "x": "no"}, END)
    scorecard = [
        *rubric_categories(RUBRIC_SNAPSHOT)[:1],
        Category("x", "Values thing", short="Values", rubric="values", rubric_name="Company values"),
    ]
    facts = dl.summarize(RUBRIC_SNAPSHOT, [], [learn], NOW, scorecard=scorecard)
    assert dl.matrix_lines(facts, 0, 8) == [
        "                    A",
        "Engineering",
        "  Ability to learn… Y",
        "Company values",
        "  Values            N",
    ]
