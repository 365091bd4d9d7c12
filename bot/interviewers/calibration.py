"""After a scorecard is submitted: compare each trainee's with the qualified lead's, once both are in.

Called from bot/feedback/service.py `submit()` inside its transaction. A trainee seat is a shadow or
reverse-shadow seat whose person is a trainee for the interview's type; their counterpart is the lead
seat (the qualified interviewer who led, or who observed a reverse shadow). Nothing happens until both
have submitted: the calibration card is the first place a trainee sees anyone else's ratings.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.delivery import planner
from bot.delivery.plan_logic import PlannedDelivery
from bot.feedback.focus_logic import pool
from bot.interviewers import graduation, roster
from bot.interviewers.training import Comparison, compare, scale_keys
from models import (
    UNCOUNTED_ROLES,
    DeliveryKind,
    Feedback,
    FeedbackStatus,
    Interview,
    InterviewType,
    MemberState,
    PanelRole,
    PanelSeat,
    TrainingKind,
    TrainingSession,
)

log = logging.getLogger("loopbot.interviewers")


def _trainee_seats(session: Session, interview: Interview, lead: PanelSeat) -> list[PanelSeat]:
    seats = [
        s
        for s in interview.panel
        if s.role in UNCOUNTED_ROLES and s.declined_at is None and s.user_id != lead.user_id
    ]
    if not seats:
        return []
    live = roster.states(session, [s.user_id for s in seats], interview.interview_type_id)
    return [s for s in seats if live.get(s.user_id) == MemberState.TRAINEE]


def _lock(session: Session, interview: Interview) -> None:
    """Serialise the comparison per interview: each submission holds only its own seat's lock.

    FOR NO KEY UPDATE, not FOR UPDATE: inserting a feedback row takes a KEY SHARE lock on its
    interview (the foreign key), which FOR UPDATE would wait on, so two first submissions would
    deadlock. On SQLite the write transaction already serialises everything (BEGIN IMMEDIATE).
    """
    session.execute(select(Interview.id).where(Interview.id == interview.id).with_for_update(key_share=True))


def after_submit(session: Session, feedback: Feedback, interview: Interview, now: datetime) -> None:
    """Compare every trainee seat of the interview with its lead once both scorecards are submitted."""
    del feedback  # whoever submitted, the comparison reads every submitted scorecard of the interview
    lead = next((s for s in interview.panel if s.role == PanelRole.LEAD and s.declined_at is None), None)
    if lead is None:
        return
    trainees = _trainee_seats(session, interview, lead)
    if not trainees:
        return
    _lock(session, interview)
    # After the lock each statement sees what a concurrent submission committed (READ COMMITTED):
    # populate_existing so rows already in this session are read again too.
    cards = {
        f.interviewer: f
        for f in session.scalars(
            select(Feedback)
            .where(Feedback.interview_id == interview.id, Feedback.status == FeedbackStatus.SUBMITTED)
            .execution_options(populate_existing=True)
        )
    }
    qualified = cards.get(lead.user_id)
    if qualified is None:
        return
    kind = session.get_one(InterviewType, interview.interview_type_id)
    for seat in trainees:
        mine = cards.get(seat.user_id)
        if mine is None:
            continue
        result = compare_cards(interview, mine, qualified)
        row, changed = _record(session, interview, seat, lead.user_id, result, now)
        if changed:
            graduation.consider(session, kind, row, interview.candidate_loop, now)


def compare_cards(interview: Interview, trainee: Feedback, qualified: Feedback) -> Comparison:
    """The two scorecards compared on the candidate loop's scale, in the rubric's category order."""
    rubric = interview.candidate_loop.rubric
    names = {c.key: c.name for c in pool(rubric, interview.guidance)}
    return compare(scale_keys(rubric), names, dict(trainee.ratings), dict(qualified.ratings))


def _record(
    session: Session,
    interview: Interview,
    seat: PanelSeat,
    qualified: str,
    result: Comparison,
    now: datetime,
) -> tuple[TrainingSession, bool]:
    """Create the session (and plan its card), or update its numbers after an edit; True if it changed."""
    row = session.scalars(
        select(TrainingSession).where(
            TrainingSession.interview_id == interview.id, TrainingSession.trainee == seat.user_id
        )
    ).first()
    kind = TrainingKind.REVERSE_SHADOW if seat.role == PanelRole.REVERSE_SHADOW else TrainingKind.SHADOW
    numbers = (qualified, kind.value, result.exact, result.close, result.compared, result.details())
    if row is not None:
        before = (row.qualified, row.kind, row.exact, row.close, row.compared, list(row.details))
        if before == numbers:
            return row, False
    else:
        row = TrainingSession(
            interview_id=interview.id,
            interview_type_id=interview.interview_type_id,
            trainee=seat.user_id,
            compared_at=now,
        )
        session.add(row)
    row.qualified, row.kind = qualified, kind.value
    row.exact, row.close, row.compared, row.details = (
        result.exact,
        result.close,
        result.compared,
        result.details(),
    )
    session.flush()
    _plan_card(session, interview, row, now)
    log.info(
        "training.compared interview=%s trainee=%s kind=%s close=%d/%d",
        interview.id,
        seat.user_id,
        kind.value,
        result.close,
        result.compared,
    )
    return row, True


def _plan_card(session: Session, interview: Interview, row: TrainingSession, now: datetime) -> None:
    """The trainee's calibration card, once per session (a later edit re-renders a card not sent yet).

    No interview_id on the row: moving or cancelling the interview afterwards must not cancel it.
    """
    planned = PlannedDelivery(
        kind=DeliveryKind.CALIBRATION,
        recipient=row.trainee,
        dedupe_key=f"calibration:t{row.id}",
        due_at=now,
        expires_at=None,
        payload={"v": 1, "training_session_id": row.id},
        candidate_loop_id=interview.candidate_loop_id,
    )
    planner.store(session, [planned])
