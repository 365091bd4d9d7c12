"""Two schedulers at once cannot both pass a load limit or a double booking (bot/scheduling/lock.py).

Each thread has its own connection and really commits; a barrier releases both into schedule_loop
together. On PostgreSQL the advisory lock makes the second wait and then see the first one's seats;
without it both would read "0 interviews" and both commit. SQLite serialises writers by itself.
A move or reassignment racing a cancel waits for it the same way, and then sees it cancelled.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from bot.scheduling import (
    ScheduleRequest,
    SchedulingError,
    cancel_interview,
    move_interview,
    reassign_panelist,
    schedule_loop,
)
from bot.settings import load_settings
from models import CandidateLoop, Delivery, DeliveryKind, DeliveryStatus, Interview, InterviewStatus
from tests.support.pool_content import MONDAY, NOW, hours, import_pool_content, interview, request
from tests.support.waiting import eventually


def _limit(name: str, n: int) -> ScheduleRequest:
    """U0BUSY takes one interview a week: two pairing exercises two days apart."""
    return request(name, interview("pairing", MONDAY + hours(48 * n), ("U0BUSY", "lead")))


def _double_booking(name: str, n: int) -> ScheduleRequest:
    """The same lead on two candidates' values interviews that overlap by half an hour."""
    return request(name, interview("values", MONDAY + hours(0.5 * n), ("U0ANYONE", "lead"), minutes=60))


CASES: dict[str, Callable[[str, int], ScheduleRequest]] = {"limit": _limit, "double booking": _double_booking}


def _schedule_together(factory: sessionmaker[Session], requests: list[ScheduleRequest]) -> list[str]:
    settings = load_settings()
    barrier = threading.Barrier(len(requests))
    outcomes: list[str] = []

    def run(req: ScheduleRequest) -> None:
        try:
            with factory.begin() as s:
                barrier.wait(timeout=30)
                schedule_loop(s, req, settings, NOW)
            outcomes.append("scheduled")
        except SchedulingError as exc:
            outcomes.append(f"refused: {exc}")

    threads = [threading.Thread(target=run, args=(r,)) for r in requests]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return outcomes


@pytest.mark.parametrize("case", sorted(CASES))
def test_exactly_one_of_two_schedulers_gets_the_last_seat(
    fresh_session_factory: sessionmaker[Session], tmp_path: Path, case: str
) -> None:
    with fresh_session_factory.begin() as s:
        import_pool_content(s, tmp_path)
    build = CASES[case]
    outcomes = _schedule_together(fresh_session_factory, [build("Ada", 0), build("Grace", 1)])
    assert sorted(o.split(":")[0] for o in outcomes) == ["refused", "scheduled"], outcomes
    refusal = next(o for o in outcomes if o.startswith("refused"))
    expected = "(limit 1 a week)" if case == "limit" else "'s values interview at 2030-03-04T09"
    assert expected in refusal
    with fresh_session_factory() as s:
        assert s.scalar(select(func.count()).select_from(CandidateLoop)) == 1


def test_the_lock_is_taken_before_the_checks_read(
    fresh_session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    """Both wait at the barrier holding an open transaction; the lock, not luck, orders them: repeat."""
    with fresh_session_factory.begin() as s:
        import_pool_content(s, tmp_path)
    for n in range(3):
        start = MONDAY + hours(168 * (n + 1))
        reqs = [
            request(f"Ada {n}", interview("pairing", start, ("U0BUSY", "lead"))),
            request(f"Grace {n}", interview("pairing", start + hours(24), ("U0BUSY", "lead"))),
        ]
        outcomes = _schedule_together(fresh_session_factory, reqs)
        assert sorted(o.split(":")[0] for o in outcomes) == ["refused", "scheduled"], outcomes


@pytest.mark.parametrize("change", ["move", "reassign"])
def test_a_change_racing_a_cancel_waits_for_it_and_is_refused(
    backend: str, fresh_session_factory: sessionmaker[Session], tmp_path: Path, change: str
) -> None:
    """The cancel holds the scheduling lock until it commits; the change then reads the interview as it
    is (cancelled) and refuses, instead of moving it or giving it a new panelist and re-planning."""
    if backend != "postgresql":
        pytest.skip("SQLite serialises writers by itself")
    settings = load_settings()
    with fresh_session_factory.begin() as s:
        import_pool_content(s, tmp_path)
        booked = schedule_loop(
            s, request("Ada", interview("pairing", MONDAY, ("U0ALICE", "lead"))), settings, NOW
        )
        interview_id = booked.interviews[0].id
    cancelling = fresh_session_factory()
    cancelling.begin()
    cancel_interview(cancelling, interview_id, settings, NOW, actor="U0RECRUITER")  # not committed yet
    started, outcome = threading.Event(), []

    def other() -> None:
        try:
            with fresh_session_factory.begin() as s:
                started.set()
                if change == "move":
                    move_interview(s, interview_id, MONDAY + hours(24), settings, NOW, actor="U0RECRUITER")
                else:
                    reassign_panelist(s, interview_id, "U0ALICE", "U0BOB", settings, NOW, actor="U0RECRUITER")
            outcome.append("changed")
        except SchedulingError as exc:
            outcome.append(str(exc))

    thread = threading.Thread(target=other)
    thread.start()
    assert started.wait(timeout=30)
    with fresh_session_factory() as s:  # the change waits for the lock the cancel holds
        waited = eventually(lambda: _waiting_for_advisory_lock(s))
    cancelling.commit()  # first, so a change blocked elsewhere (a row lock) goes on and the test ends
    cancelling.close()
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert waited, "the change did not wait for the scheduling lock"
    assert outcome == [f"interview: interview {interview_id} is cancelled"]
    with fresh_session_factory() as s:
        cancelled = s.get_one(Interview, interview_id)
        assert cancelled.status == InterviewStatus.CANCELLED
        assert cancelled.starts_at == MONDAY
        assert [seat.user_id for seat in cancelled.panel] == ["U0ALICE"]
        pending = s.scalars(
            select(Delivery.kind).where(
                Delivery.interview_id == interview_id, Delivery.status == DeliveryStatus.PENDING
            )
        ).all()
        assert pending == [DeliveryKind.NOTICE]  # only the cancel notice


def _waiting_for_advisory_lock(s: Session) -> bool:
    waiting = s.execute(
        text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )
    ).scalar_one()
    s.rollback()
    return bool(waiting)
