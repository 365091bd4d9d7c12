"""Panels that must not be scheduled: an unfilled `panel: suggest`, and a move, reassignment or
`--update` that books someone on two candidates' interviews at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.scheduling import SchedulingError, move_interview, reassign_panelist, schedule_loop
from bot.scheduling.assignment import Booking
from bot.scheduling.create import _Checker, _resolve, existing_schedule, update_clashes
from bot.settings import Settings, load_settings
from models import CandidateLoop, InterviewType, Loop
from tests.support.pool_content import MONDAY, NOW, hours, import_pool_content, interview, request


@pytest.fixture
def settings() -> Settings:
    return load_settings()


@pytest.fixture
def pools(session: Session, tmp_path: Path) -> Session:
    import_pool_content(session, tmp_path)
    return session


def test_a_suggestion_with_only_optional_seats_and_nobody_free_is_refused(
    pools: Session, settings: Settings
) -> None:
    kind = pools.scalars(select(InterviewType).filter_by(slug="system-design")).one()
    kind.panel = [{"role": "lead", "min": 0, "max": 1}]  # `- role: lead` without min, as the schema allows
    pools.flush()
    # the two qualified system-design people (and the trainee) are busy at that time
    both = interview("pairing", MONDAY, ("U0ALICE", "lead"), ("U0TRAINEE", "shadow"))
    schedule_loop(pools, request("X", both), settings, NOW)
    schedule_loop(
        pools, request("Y", interview("pairing", MONDAY + hours(0.5), ("U0BOB", "lead"))), settings, NOW
    )
    with pytest.raises(SchedulingError) as caught:
        schedule_loop(pools, request("Ada", interview("system-design", MONDAY)), settings, NOW)
    [(path, message)] = caught.value.problems
    assert path == "interviews.0.panel"
    assert message == (
        "nobody could be suggested for this panel: no qualified lead of System design is free and within "
        "their limits at that time: choose one yourself"
    )
    assert pools.scalar(select(CandidateLoop).join(CandidateLoop.candidate).filter_by(name="Ada")) is None


def test_an_interview_still_marked_suggest_is_refused_by_the_checks(pools: Session) -> None:
    loop = pools.scalars(select(Loop).filter_by(slug="software-engineer")).one()
    check = _Checker(pools, loop, NOW)
    bookings: list[Booking] = []
    [spec] = request("Ada", interview("system-design", MONDAY)).interviews
    _resolve(check, "interviews.0", spec, bookings)
    assert check.problems == [
        ("interviews.0.panel", "no panel was suggested for this interview: choose the panel yourself")
    ]
    # a failed suggestion, reported with its reason, is not reported twice
    check.problems.clear()
    _resolve(check, "interviews.0", spec, bookings, unfilled={"interviews.0.panel"})
    assert check.problems == []


def test_a_move_onto_another_candidates_interview_of_a_panelist_is_refused(
    pools: Session, settings: Settings
) -> None:
    schedule_loop(pools, request("Ada", interview("pairing", MONDAY, ("U0ALICE", "lead"))), settings, NOW)
    grace = schedule_loop(
        pools,
        request("Grace", interview("system-design", MONDAY + hours(3), ("U0ALICE", "lead"))),
        settings,
        NOW,
    ).interviews[0]
    with pytest.raises(SchedulingError) as caught:
        move_interview(pools, grace.id, MONDAY, settings, NOW, actor="U0RECRUITER")
    assert caught.value.problems == [
        ("start", "U0ALICE is already on Ada's pairing interview at 2030-03-04T09:00:00+00:00")
    ]
    assert grace.starts_at == MONDAY + hours(3)
    assert not caught.value.over_limit


def test_a_reassignment_to_someone_on_another_candidates_interview_is_refused(
    pools: Session, settings: Settings
) -> None:
    schedule_loop(pools, request("Ada", interview("pairing", MONDAY, ("U0ALICE", "lead"))), settings, NOW)
    grace = schedule_loop(
        pools, request("Grace", interview("system-design", MONDAY, ("U0BOB", "lead"))), settings, NOW
    ).interviews[0]
    with pytest.raises(SchedulingError) as caught:
        reassign_panelist(pools, grace.id, "U0BOB", "U0ALICE", settings, NOW, actor="U0RECRUITER")
    assert caught.value.problems == [
        ("new_user", "U0ALICE is already on Ada's pairing interview at 2030-03-04T09:00:00+00:00")
    ]
    assert [s.user_id for s in grace.panel] == ["U0BOB"]


def test_an_update_keeping_the_panel_checks_the_kept_panel_at_the_new_time(
    pools: Session, settings: Settings
) -> None:
    schedule_loop(
        pools,
        request("Grace", interview("system-design", MONDAY + hours(24), ("U0ALICE", "lead"))),
        settings,
        NOW,
    )
    schedule_loop(pools, request("Ada", interview("pairing", MONDAY, ("U0ALICE", "lead"))), settings, NOW)
    moved = request("Ada", interview("pairing", MONDAY + hours(24)))  # panel: suggest keeps U0ALICE
    found = existing_schedule(pools, moved)
    assert found is not None
    cl, _changes = found
    expected = [
        ("interviews.0.panel.0.user", "U0ALICE is already on Grace's system-design interview at "
         "2030-03-05T09:00:00+00:00"),
    ]  # fmt: skip
    assert update_clashes(pools, cl, moved) == expected
    explicit = request("Ada", interview("pairing", MONDAY + hours(24), ("U0ALICE", "lead")))
    assert update_clashes(pools, cl, explicit) == expected
    assert update_clashes(pools, cl, request("Ada", interview("pairing", MONDAY + hours(48)))) == []
