"""Scheduling the same candidate again: what would change, and which changes can be applied."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.scheduling.compare import Booked, differences

T = datetime(2027, 3, 2, 15, 0, tzinfo=UTC)
SCREEN = Booked("hm-screen", T, 45, (("U1", "lead"),))
TECH = Booked(
    "technical", T + timedelta(days=1), 60, (("U2", "lead"), ("U3", "interviewer"), ("U4", "shadow"))
)


def test_the_same_loop_has_no_differences() -> None:
    assert differences([SCREEN, TECH], [SCREEN, TECH]) == []


def test_a_moved_interview_and_a_reassigned_panelist_are_applicable() -> None:
    later = T + timedelta(days=2)
    wanted = Booked("technical", later, 60, (("U2", "lead"), ("U9", "interviewer"), ("U4", "shadow")))
    changes = differences([SCREEN, TECH], [SCREEN, wanted])
    assert [(c.kind, c.index, c.applicable) for c in changes] == [("move", 1, True), ("reassign", 1, True)]
    assert changes[0].start == later
    assert (changes[1].old_user, changes[1].new_user) == ("U3", "U9")
    assert changes[1].text == "technical: interviewer U3 -> U9"


def test_added_removed_and_resized_interviews_need_a_person() -> None:
    shorter = Booked("hm-screen", T, 30, (("U1", "lead"), ("U5", "shadow")))
    values = Booked("values", T + timedelta(days=3), 45, (("U6", "lead"),))
    changes = differences([SCREEN, TECH], [shorter, values])
    assert [(c.kind, c.applicable) for c in changes] == [
        ("length", False),
        ("add", False),  # U5 joins as a shadow
        ("add", False),  # the values interview
        ("remove", False),  # the technical interview
    ]
    assert changes[1].text == "hm-screen: shadow U5 joins the panel"
    assert changes[3].text == "technical: no longer in the file"


def test_two_interviews_of_one_stage_are_matched_in_order() -> None:
    a = Booked("team", T, 60, (("U1", "lead"),))
    b = Booked("team", T + timedelta(hours=2), 60, (("U2", "lead"),))
    moved = Booked("team", T + timedelta(hours=3), 60, (("U2", "lead"),))
    assert [(c.kind, c.index) for c in differences([a, b], [a, moved])] == [("move", 1)]
