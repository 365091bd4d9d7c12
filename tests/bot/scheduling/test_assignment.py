"""Pure panel rules: question-set rotation, panel shapes and double-booking."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.scheduling.assignment import (
    Booking,
    InterviewSpec,
    SeatSpec,
    assign_question_sets,
    double_bookings,
    panel_shape_problems,
)

ALTS = {"team": ["set-a", "set-b", "set-c"]}


def seats(*roles: str) -> list[SeatSpec]:
    return [SeatSpec(f"U{n}", role) for n, role in enumerate(roles)]


def test_askers_rotate_and_shadows_share_the_leads_set() -> None:
    result = assign_question_sets(
        [InterviewSpec("team", seats("lead", "shadow")), InterviewSpec("team", seats("lead", "interviewer"))],
        ALTS,
    )
    assert result == [["set-a", "set-a"], ["set-b", "set-c"]]


def test_same_slot_gets_the_same_set_for_every_candidate() -> None:
    plan = [InterviewSpec("team", seats("lead")), InterviewSpec("team", seats("interviewer", "lead"))]
    first = assign_question_sets(plan, ALTS)
    other_people = [InterviewSpec(i.stage, [SeatSpec("W" + s.user, s.role) for s in i.seats]) for i in plan]
    assert assign_question_sets(other_people, ALTS) == first == [["set-a"], ["set-b", "set-c"]]


def test_explicit_choices_are_kept_and_skipped_by_rotation() -> None:
    plan = [
        InterviewSpec("team", [SeatSpec("U1", "lead"), SeatSpec("U2", "interviewer", "set-a")]),
    ]
    # Slot 0 would take set-a, but someone already has it on this candidate.
    assert assign_question_sets(plan, ALTS) == [["set-b", "set-a"]]


def test_more_askers_than_alternatives_wrap_around() -> None:
    plan = [InterviewSpec("team", seats("lead", "interviewer", "interviewer", "interviewer"))]
    assert assign_question_sets(plan, {"team": ["x", "y"]}) == [["x", "y", "x", "y"]]


def test_stages_rotate_independently_and_stages_without_sets_get_none() -> None:
    plan = [
        InterviewSpec("screen", seats("lead")),
        InterviewSpec("team", seats("lead")),
        InterviewSpec("design", seats("lead", "shadow")),
    ]
    result = assign_question_sets(plan, {"team": ["t1", "t2"], "design": ["d1", "d2"]})
    assert result == [[None], ["t1"], ["d1", "d1"]]


def test_shadow_with_explicit_set_and_shadow_without_lead() -> None:
    plan = [InterviewSpec("team", [SeatSpec("U1", "shadow", "set-c"), SeatSpec("U2", "interviewer")])]
    assert assign_question_sets(plan, ALTS) == [["set-c", "set-a"]]
    plan = [InterviewSpec("team", [SeatSpec("U1", "shadow"), SeatSpec("U2", "interviewer")])]
    assert assign_question_sets(plan, ALTS) == [["set-a", "set-a"]]


SHAPE = [{"role": "lead", "min": 1, "max": 1}, {"role": "shadow", "min": 0, "max": 1}]


def test_panel_shape() -> None:
    assert panel_shape_problems(SHAPE, ["lead", "shadow"], "Pairing") == []
    assert panel_shape_problems(SHAPE, ["shadow", "shadow"], "Pairing") == [
        "a Pairing panel needs 1 lead (has 0)",
        "a Pairing panel needs 0 to 1 shadow (has 2)",
    ]
    assert panel_shape_problems(SHAPE, ["lead", "interviewer"], "Pairing") == [
        "a Pairing panel has no interviewer (roles: lead, shadow)"
    ]


def test_double_bookings_only_when_times_overlap() -> None:
    t = datetime(2030, 1, 1, 9, tzinfo=UTC)
    hour = timedelta(hours=1)
    a = Booking("U1", "interviews.0", t, t + hour)
    back_to_back = Booking("U1", "interviews.1", t + hour, t + 2 * hour)
    overlapping = Booking("U1", "interviews.2", t + hour / 2, t + 2 * hour)
    someone_else = Booking("U2", "interviews.3", t, t + hour)
    assert double_bookings([a, back_to_back, someone_else]) == []
    assert double_bookings([a, back_to_back, overlapping]) == [(a, overlapping)]


def test_two_stages_sharing_alternatives_do_not_repeat_a_set_on_one_candidate() -> None:
    plan = [
        InterviewSpec("onsite-1", seats("lead", "interviewer")),
        InterviewSpec("onsite-2", seats("lead")),
    ]
    shared = ["s1", "s2", "s3"]
    result = assign_question_sets(plan, {"onsite-1": shared, "onsite-2": shared})
    assert result == [["s1", "s2"], ["s3"]]  # s1 again would ask the candidate the same questions
