"""Panel suggestions: pools, load, free time, no repeats on a candidate, same panel for the role."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from bot.scheduling import SchedulingError, schedule_loop
from bot.scheduling.create import fill_suggested
from bot.settings import Settings, load_settings
from models import CandidateLoop, InterviewType, Qualification, TrainingSession
from tests.support.pool_content import MONDAY, NOW, hours, import_pool_content, interview, request


@pytest.fixture
def settings() -> Settings:
    return load_settings()


@pytest.fixture
def pools(session: Session, tmp_path: Path) -> Session:
    import_pool_content(session, tmp_path)
    return session


def suggested(
    session: Session, settings: Settings, name: str, *interviews: dict[str, object]
) -> list[list[tuple[str, str, str]]]:
    filled = fill_suggested(session, request(name, *interviews), settings)
    assert not filled.problems, filled.problems
    return [[(p.user, p.role, p.reason) for p in s.picks] for _n, s in filled.suggested]


def book(session: Session, settings: Settings, name: str, *interviews: dict[str, object]) -> CandidateLoop:
    return schedule_loop(session, request(name, *interviews), settings, NOW)


def test_every_seat_from_the_pool_lowest_load_first_ties_by_id(pools: Session, settings: Settings) -> None:
    assert suggested(pools, settings, "Ada", interview("pairing", MONDAY)) == [
        [
            ("U0ALICE", "lead", "lowest load: 0 this week, 0 that day"),
            ("U0BOB", "interviewer", "lowest load: 0 this week, 0 that day"),
            ("U0TRAINEE", "shadow", "trainee: shadowed 0/2"),
        ]
    ]
    # U0ALICE now has an interview that week (another day): U0BOB leads, U0BUSY interviews
    book(pools, settings, "Alan", interview("system-design", MONDAY + hours(26), ("U0ALICE", "lead")))
    [[lead, other, _shadow]] = suggested(pools, settings, "Ada", interview("pairing", MONDAY))
    assert lead == ("U0BOB", "lead", "lowest load: 0 this week, 0 that day")
    assert other[:2] == ("U0BUSY", "interviewer")


def test_busy_people_people_at_their_limit_and_the_candidates_panel_are_skipped(
    pools: Session, settings: Settings
) -> None:
    # U0ALICE sits at the same time for someone else; U0BUSY (1 a week) has had their one
    book(pools, settings, "Alan", interview("values", MONDAY, ("U0ALICE", "lead")))
    book(pools, settings, "Edsger", interview("pairing", MONDAY + hours(30), ("U0BUSY", "lead")))
    # and U0BOB is on this candidate's system design already
    filled = fill_suggested(
        pools,
        request(
            "Ada",
            interview("system-design", MONDAY + hours(3), ("U0BOB", "lead")),
            interview("pairing", MONDAY),
        ),
        settings,
    )
    [(n, found)] = filled.suggested
    assert n == 1
    assert [(p.user, p.role) for p in found.picks] == [("U0LEADONLY", "lead"), ("U0TRAINEE", "shadow")]
    # the observer's seat is optional: left empty, and said so
    assert found.notes == [
        "no interviewer of Pairing exercise is free and within their limits at that time: choose one yourself"
    ]
    assert filled.problems == []


def test_nobody_free_is_a_problem_at_the_panel(pools: Session, settings: Settings) -> None:
    for n, user in enumerate(["U0ALICE", "U0BOB", "U0BUSY", "U0LEADONLY"]):
        book(pools, settings, f"Other {n}", interview("values", MONDAY, (user, "lead")))
    with pytest.raises(SchedulingError) as caught:
        book(pools, settings, "Ada", interview("pairing", MONDAY))
    assert caught.value.problems == [
        ("interviews.0.panel", "no qualified lead of Pairing exercise is free and within their limits at "
         "that time: choose one yourself"),
    ]  # fmt: skip


def test_the_same_panel_as_the_roles_last_candidate(pools: Session, settings: Settings) -> None:
    book(pools, settings, "Ada Lovelace", interview("pairing", MONDAY, ("U0BUSY", "lead")))
    book(
        pools,
        settings,
        "Grace Hopper",
        interview("pairing", MONDAY + hours(24), ("U0BOB", "lead"), ("U0ALICE", "interviewer")),
    )
    # Grace is the latest: her lead and observer again, though U0ALICE has a lower load than nobody
    [[lead, other, shadow]] = suggested(pools, settings, "Alan", interview("pairing", MONDAY + hours(48)))
    assert lead == ("U0BOB", "lead", "same panel as Grace Hopper's pairing")
    assert other == ("U0ALICE", "interviewer", "same panel as Grace Hopper's pairing")
    assert shadow[:2] == ("U0TRAINEE", "shadow")
    # U0BOB is busy at Edsger's time: the rules choose the lead, and say why
    book(pools, settings, "Barbara", interview("values", MONDAY + hours(72), ("U0BOB", "lead")))
    [[lead, other, _]] = suggested(pools, settings, "Edsger", interview("pairing", MONDAY + hours(72)))
    assert lead == (
        "U0LEADONLY",
        "lead",
        "U0BOB (lead for Grace Hopper) is busy at that time; lowest load: 0 this week, 0 that day",
    )
    assert other == ("U0ALICE", "interviewer", "same panel as Grace Hopper's pairing")


def test_a_trainee_reverse_shadows_after_their_shadows_then_leads_once_graduated(
    pools: Session, settings: Settings
) -> None:
    kind = pools.query(InterviewType).filter_by(slug="pairing-exercise").one()
    for n, name in enumerate(["Ada", "Grace"]):
        shadowed = interview("pairing", MONDAY + hours(24 * n), ("U0ALICE", "lead"), ("U0TRAINEE", "shadow"))
        cl = book(pools, settings, name, shadowed)
        pools.add(
            TrainingSession(
                interview_id=cl.interviews[0].id,
                interview_type_id=kind.id,
                trainee="U0TRAINEE",
                qualified="U0ALICE",
                kind="shadow",
                exact=2,
                close=2,
                compared=2,
                details=[],
                compared_at=NOW,
            )
        )
    pools.flush()
    [picks] = suggested(pools, settings, "Alan", interview("pairing", MONDAY + hours(168)))
    assert picks == [
        ("U0ALICE", "lead", "same panel as Grace's pairing"),
        ("U0BOB", "interviewer", "lowest load: 0 this week, 0 that day"),
        ("U0TRAINEE", "reverse_shadow", "trainee: shadowed 2/2, reverse shadow 0/1"),
    ]
    # graduated: suggested as a lead once the qualified people with lower ids are busy
    pools.query(Qualification).filter_by(user_id="U0TRAINEE").update(
        {"state": "qualified", "source": "graduated"}
    )
    for user in ("U0ALICE", "U0BOB"):
        book(pools, settings, f"Busy {user}", interview("values", MONDAY + hours(168), (user, "lead")))
    [[lead]] = suggested(pools, settings, "Alan", interview("system-design", MONDAY + hours(168)))
    assert lead == ("U0TRAINEE", "lead", "lowest load: 0 this week, 0 that day")


def test_a_type_without_a_pool_cannot_be_suggested(pools: Session, settings: Settings) -> None:
    filled = fill_suggested(pools, request("Ada", interview("values", MONDAY)), settings)
    assert filled.problems == [
        ("interviews.0.panel", "Values interview has no interviewer pool to suggest from: choose the panel "
         "yourself, or add a `kind: interviewer_pool` file for it"),
    ]  # fmt: skip


def test_suggested_panels_are_scheduled_with_the_rules(pools: Session, settings: Settings) -> None:
    cl = book(
        pools,
        settings,
        "Ada",
        interview("pairing", MONDAY),
        interview("system-design", MONDAY + hours(2), ("U0BOB", "lead")),
    )
    pairing, design = cl.interviews
    # nobody twice on the candidate's loop: U0BOB, on the system design, is not suggested
    assert [(s.user_id, s.role) for s in pairing.panel] == [
        ("U0ALICE", "lead"),
        ("U0BUSY", "interviewer"),
        ("U0TRAINEE", "shadow"),
    ]
    assert [(s.user_id, s.role) for s in design.panel] == [("U0BOB", "lead")]


def test_reasons_for_slack_escape_the_candidates_name_and_mention_people(
    pools: Session, settings: Settings
) -> None:
    evil = "<https://evil.example|Open the kit> *x*"
    book(pools, settings, evil, interview("pairing", MONDAY, ("U0ALICE", "lead")))
    book(pools, settings, "Barbara", interview("values", MONDAY + hours(3), ("U0ALICE", "lead")))
    filled = fill_suggested(pools, request("Ada", interview("pairing", MONDAY + hours(3))), settings)
    [(_n, found)] = filled.suggested
    lead = next(p for p in found.picks if p.role == "lead")
    # the plain reason, as `loopbot schedule` prints it, and the same for a mrkdwn block
    assert (
        lead.reason == f"U0ALICE (lead for {evil}) is busy at that time; lowest load: 0 this week, 0 that day"
    )
    assert lead.shown() == (
        "<@U0ALICE> (lead for &lt;https://evil.example|Open the kit&gt; ∗x∗) is busy at that time; "
        "lowest load: 0 this week, 0 that day"
    )
    filled = fill_suggested(pools, request("Ada", interview("pairing", MONDAY + hours(50))), settings)
    [(_n, found)] = filled.suggested
    assert found.picks[0].reason == f"same panel as {evil}'s pairing"
    assert found.picks[0].shown() == "same panel as &lt;https://evil.example|Open the kit&gt; ∗x∗'s pairing"


def test_people_picked_for_a_suggestion_that_failed_count_for_the_later_ones(
    pools: Session, settings: Settings
) -> None:
    # the lead seat of the first cannot be filled (everyone who leads is busy), its shadow can
    for n, user in enumerate(["U0ALICE", "U0BOB", "U0BUSY", "U0LEADONLY"]):
        book(pools, settings, f"Other {n}", interview("values", MONDAY, (user, "lead")))
    first, later = interview("pairing", MONDAY), interview("pairing", MONDAY + hours(3))
    filled = fill_suggested(pools, request("Ada", first, later), settings)
    [(_first, failed), (_later, found)] = filled.suggested
    assert failed.problems
    assert ("U0TRAINEE", "shadow") in [(p.user, p.role) for p in failed.picks]
    # U0TRAINEE is already on Ada's loop (one interview of a candidate each): not picked again
    assert "U0TRAINEE" not in [p.user for p in found.picks]
