"""Deliveries of the training feature: renderers and relevance checks by delivery kind.

CALIBRATION renders a trainee's card from the TrainingSession and the qualified interviewer's current
notes; GRADUATION the approver's DM from current progress. Both decide relevance from current state.

A card whose trainee owes a counted scorecard on the candidate loop by the time it is sent (the blind
rule) is cancelled with calibration.HELD as its reason; calibration.py plans it again under the same
key when the trainee's next submission lets them see feedback (see that module for why cancel).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from blocks.interviewers.calibration import calibration_card
from blocks.interviewers.graduation import graduation_request
from bot.delivery.rendered import Part, Rendered
from bot.feedback.blind import can_see_feedback
from bot.interviewers import roster
from bot.interviewers.calibration import HELD
from bot.interviewers.outbox_types import Obsolete, Renderer
from bot.interviewers.progress import progress
from models import (
    Delivery,
    DeliveryKind,
    Feedback,
    FeedbackStatus,
    GraduationRequest,
    GraduationStatus,
    Interview,
    InterviewType,
    TrainingSession,
)


def _training_session(session: Session, row: Delivery) -> TrainingSession | None:
    found = row.payload.get("training_session_id")
    return session.get(TrainingSession, int(found)) if found else None


def _submitted(session: Session, interview_id: int, users: list[str]) -> dict[str, Feedback]:
    cards = session.scalars(
        select(Feedback).where(
            Feedback.interview_id == interview_id,
            Feedback.interviewer.in_(users),
            Feedback.status == FeedbackStatus.SUBMITTED,
        )
    )
    return {f.interviewer: f for f in cards}


def _calibration(session: Session, row: Delivery, _now: datetime, _sla: timedelta) -> Rendered:
    ts = _training_session(session, row)
    if ts is None:
        raise LookupError(f"training session of delivery {row.id} is gone")
    interview = session.get_one(Interview, ts.interview_id)
    cards = _submitted(session, interview.id, [ts.trainee, ts.qualified])
    seat = next((s for s in interview.panel if s.user_id == ts.qualified), None)
    notes = dict(cards[ts.qualified].question_notes) if ts.qualified in cards else {}
    kind = session.get_one(InterviewType, ts.interview_type_id)
    line = progress(session, ts.trainee, kind).line()
    card = calibration_card(ts, interview, seat.kit if seat else {}, notes, line)
    return Rendered(row.recipient, [Part("0", card)])


def _calibration_obsolete(session: Session, row: Delivery) -> str | None:
    ts = _training_session(session, row)
    if ts is None:
        return "training session deleted"
    if len(_submitted(session, ts.interview_id, [ts.trainee, ts.qualified])) < 2:
        return "both scorecards are no longer submitted"  # never show one before both are in
    interview = session.get(Interview, ts.interview_id)
    if interview is None or not can_see_feedback(session, interview.candidate_loop_id, ts.trainee):
        return HELD
    return None


def _request(session: Session, row: Delivery) -> GraduationRequest | None:
    found = row.payload.get("request_id")
    return session.get(GraduationRequest, int(found)) if found else None


def sessions_of(session: Session, user: str, type_id: int) -> list[tuple[TrainingSession, datetime]]:
    """A trainee's compared sessions for a type with each interview's start, latest first."""
    rows = session.execute(
        select(TrainingSession, Interview.starts_at)
        .join(Interview, Interview.id == TrainingSession.interview_id)
        .where(TrainingSession.trainee == user, TrainingSession.interview_type_id == type_id)
        .order_by(TrainingSession.compared_at.desc(), TrainingSession.id.desc())
    )
    return [(ts, start) for ts, start in rows]


def _graduation(session: Session, row: Delivery, _now: datetime, _sla: timedelta) -> Rendered:
    request = _request(session, row)
    if request is None:
        raise LookupError(f"graduation request of delivery {row.id} is gone")
    kind = session.get_one(InterviewType, request.interview_type_id)
    line = progress(session, request.user_id, kind).line()
    sessions = sessions_of(session, request.user_id, kind.id)
    return Rendered(row.recipient, [Part("0", graduation_request(request, kind.name, line, sessions))])


def _graduation_obsolete(session: Session, row: Delivery) -> str | None:
    request = _request(session, row)
    if request is None:
        return "graduation request deleted"
    if request.status != GraduationStatus.PENDING:
        return "graduation already decided"
    if not roster.is_trainee(session, request.user_id, request.interview_type_id):
        return "no longer a trainee"
    return None


RENDERERS: dict[str, Renderer] = {
    DeliveryKind.CALIBRATION: _calibration,
    DeliveryKind.GRADUATION: _graduation,
}
OBSOLETE: dict[str, Obsolete] = {
    DeliveryKind.CALIBRATION: _calibration_obsolete,
    DeliveryKind.GRADUATION: _graduation_obsolete,
}
