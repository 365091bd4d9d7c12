"""Constraints live in the database, and datetimes come back as the same UTC instant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from models import Candidate, Delivery, Feedback, Interview, PanelSeat, Rubric
from tests.support import factories


def test_offset_round_trips_to_the_same_instant(session: Session) -> None:
    cl = factories.candidate_loop(session)
    plus_two = timezone(timedelta(hours=2))
    start = datetime(2026, 3, 29, 10, 30, tzinfo=plus_two)
    interview = factories.interview(session, cl, ["U1"], starts_at=start)
    session.commit()
    session.expire_all()
    loaded = session.get(Interview, interview.id)
    assert loaded is not None
    assert loaded.starts_at == start
    assert loaded.starts_at.utcoffset() == timedelta(0)
    assert (loaded.starts_at.hour, loaded.starts_at.minute) == (8, 30)


def test_naive_datetime_is_refused(session: Session) -> None:
    cl = factories.candidate_loop(session)
    naive = datetime(2026, 1, 1, 9, 0)  # noqa: DTZ001 - naive on purpose: this is what must be refused
    with pytest.raises(StatementError, match="naive datetime"):
        factories.interview(session, cl, ["U1"], starts_at=naive)


def test_comparisons_in_sql_use_utc(session: Session) -> None:
    cl = factories.candidate_loop(session)
    factories.interview(
        session, cl, ["U1"], starts_at=datetime(2026, 5, 1, 12, 0, tzinfo=timezone(timedelta(hours=5)))
    )
    boundary = datetime(2026, 5, 1, 7, 30, tzinfo=UTC)
    found = session.scalars(select(Interview).where(Interview.starts_at < boundary)).all()
    assert len(found) == 1


def test_one_feedback_per_interview_and_interviewer(session: Session) -> None:
    cl = factories.candidate_loop(session)
    interview = factories.interview(session, cl, ["U1"])
    session.add(Feedback(interview_id=interview.id, interviewer="U1"))
    session.flush()
    session.add(Feedback(interview_id=interview.id, interviewer="U1"))
    with pytest.raises(IntegrityError):
        session.flush()


def test_one_panel_seat_per_user(session: Session) -> None:
    cl = factories.candidate_loop(session)
    interview = factories.interview(session, cl, ["U1"])
    session.add(PanelSeat(interview_id=interview.id, user_id="U1", role="shadow"))
    with pytest.raises(IntegrityError):
        session.flush()


def test_unique_slugs(session: Session) -> None:
    factories.rubric(session, slug="same")
    session.add(Rubric(slug="same", name="Again", scale=[]))
    with pytest.raises(IntegrityError):
        session.flush()


def test_unique_dedupe_key(session: Session) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    for _ in range(2):
        session.add(
            Delivery(dedupe_key="prep:1:U1", kind="prep", recipient="U1", due_at=now, next_attempt_at=now)
        )
    with pytest.raises(IntegrityError):
        session.flush()


def test_deleting_a_candidate_removes_their_interviews_and_feedback(session: Session) -> None:
    cl = factories.candidate_loop(session)
    interview = factories.interview(session, cl, ["U1"])
    session.add(Feedback(interview_id=interview.id, interviewer="U1"))
    session.flush()
    candidate = session.get(Candidate, cl.candidate_id)
    session.delete(candidate)
    session.flush()
    session.expire_all()
    assert session.scalars(select(Feedback)).all() == []
    assert session.scalars(select(Interview)).all() == []


def test_a_rubric_in_use_cannot_be_deleted(session: Session) -> None:
    cl = factories.candidate_loop(session)
    session.flush()
    with pytest.raises(IntegrityError):
        session.execute(delete(Rubric))  # bulk DELETE of every rubric, no ORM cascade
    assert cl.id
