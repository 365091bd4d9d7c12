"""The blind rule on a real candidate loop: who may see other panelists' scores, scorecards and notes.

The rule itself is `bot.feedback.logic.may_see_feedback`; this reads the facts it needs.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.feedback.logic import SeatFacts, may_see_feedback
from models import CandidateLoop, Feedback, FeedbackStatus, InterviewStatus


def can_see_feedback(
    session: Session, candidate_loop_id: int, user: str, admins: Collection[str] = ()
) -> bool:
    """Blind rule: may `user` see other panelists' feedback on this candidate loop?"""
    cl = session.get(CandidateLoop, candidate_loop_id)
    if cl is None:
        return False
    submitted = set(
        session.scalars(
            select(Feedback.interview_id).where(
                Feedback.interviewer == user,
                Feedback.status == FeedbackStatus.SUBMITTED,
                Feedback.interview_id.in_([i.id for i in cl.interviews]),
            )
        )
    )
    seats = [
        SeatFacts(
            role=s.role,
            declined=s.declined_at is not None or i.status != InterviewStatus.SCHEDULED,
            submitted=i.id in submitted,
        )
        for i in cl.interviews
        for s in i.panel
        if s.user_id == user
    ]
    return may_see_feedback(user, seats, cl.recruiter, cl.hiring_manager, admins)
