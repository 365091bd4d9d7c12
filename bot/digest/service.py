"""When the digest goes out: is a loop's feedback complete, plan the digest, release held-back scores.

Every function works inside the caller's session (one unit of work per Slack request).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import and_, func, select, union
from sqlalchemy.orm import Session

from bot.db import IMMEDIATE
from bot.delivery import planner
from bot.feedback.blind import can_see_feedback
from models import (
    UNCOUNTED_ROLES,
    CandidateLoop,
    Feedback,
    FeedbackStatus,
    Interview,
    InterviewStatus,
    MemberState,
    PanelRole,
    PanelSeat,
    Qualification,
    TrainingSession,
)


class ReleaseRefused(Exception):
    """The user may not release this digest's scorecards; `text` (mrkdwn) says why and what to do."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def loop_feedback_complete(session: Session, cl: CandidateLoop) -> bool:
    """Every feedback the loop waits for (scheduled interviews, non-declined, non-shadow seats) is in.

    One statement, however big the loop: owed seats, and how many of them have submitted feedback.
    "Owed" is feedback_logic.owes_feedback in SQL (not declined, not a shadow): change both together.
    """
    owed, submitted = session.execute(
        select(func.count(PanelSeat.id), func.count(Feedback.id))
        .join(Interview, PanelSeat.interview_id == Interview.id)
        .outerjoin(
            Feedback,
            and_(
                Feedback.interview_id == Interview.id,
                Feedback.interviewer == PanelSeat.user_id,
                Feedback.status == FeedbackStatus.SUBMITTED,
            ),
        )
        .where(
            Interview.candidate_loop_id == cl.id,
            Interview.status == InterviewStatus.SCHEDULED,
            PanelSeat.declined_at.is_(None),
            PanelSeat.role.not_in(sorted(UNCOUNTED_ROLES)),
        )
    ).one()
    return bool(owed) and owed == submitted


def training_seats(session: Session, cl: CandidateLoop) -> frozenset[tuple[int, str]]:
    """(interview id, user) of the loop's shadow seats held by a trainee: their scorecards are training.

    A trainee is someone whose live state for the interview's type is trainee, or who already has a
    compared training session for that interview (they may have graduated since). One statement.
    """
    trainee_now = (
        select(PanelSeat.interview_id, PanelSeat.user_id)
        .join(Interview, PanelSeat.interview_id == Interview.id)
        .join(
            Qualification,
            and_(
                Qualification.user_id == PanelSeat.user_id,
                Qualification.interview_type_id == Interview.interview_type_id,
            ),
        )
        .where(
            Interview.candidate_loop_id == cl.id,
            PanelSeat.role == PanelRole.SHADOW,
            Qualification.state == MemberState.TRAINEE,
        )
    )
    compared = (
        select(TrainingSession.interview_id, TrainingSession.trainee)
        .join(Interview, TrainingSession.interview_id == Interview.id)
        .where(Interview.candidate_loop_id == cl.id)
    )
    return frozenset((iid, user) for iid, user in session.execute(union(trainee_now, compared)))


def digest_if_due(session: Session, cl: CandidateLoop, now: datetime, late_reason: str) -> None:
    """Plan the digest at once when the last owed feedback is in, or update a posted one."""
    if cl.digest_ts:
        planner.plan_digest_now(session, cl.id, now, reason=late_reason)
    elif loop_feedback_complete(session, cl):
        planner.plan_digest_now(session, cl.id, now, reason="all_in")


def release_scorecards(
    session: Session, candidate_loop_id: int, user: str, now: datetime, admins: Collection[str] = ()
) -> bool:
    """Show a held-back digest's scores now (the recruiter's call); False if they already were."""
    session.connection(execution_options=IMMEDIATE)
    cl = session.get(CandidateLoop, candidate_loop_id, with_for_update=True)
    if cl is None:
        raise ReleaseRefused("That candidate loop no longer exists.")
    if user not in (cl.recruiter, cl.hiring_manager) and user not in admins:
        raise ReleaseRefused(
            ":lock: Only this candidate's recruiter, hiring manager or a loopbot admin can release the "
            "scorecards before everyone has submitted."
        )
    if not can_see_feedback(session, cl.id, user, admins):
        raise ReleaseRefused(
            ":lock: You are on this candidate's panel and your own feedback is not in yet, so you cannot "
            "see the others' scores. Submit yours first (*Open feedback form* in your prep DM or on "
            "loopbot's Home tab), then release them."
        )
    if cl.scorecards_released_at is not None:
        return False
    cl.scorecards_released_at = now
    planner.plan_digest_now(session, cl.id, now, reason="released")
    return True
