"""Is a claimed delivery still worth sending? Decided from current state, at send time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from bot.delivery.plan_logic import interview_reason
from bot.feedback.logic import owes_feedback
from bot.interviewers.outbox import OBSOLETE as INTERVIEWER_OBSOLETE
from models import (
    CandidateLoop,
    Delivery,
    DeliveryKind,
    Feedback,
    FeedbackStatus,
    Interview,
    PanelSeat,
)

SEAT_KINDS = frozenset(
    {DeliveryKind.PREP, DeliveryKind.PREP_NUDGE, DeliveryKind.FEEDBACK_REQUEST, DeliveryKind.REMINDER}
)
FEEDBACK_KINDS = frozenset({DeliveryKind.FEEDBACK_REQUEST, DeliveryKind.REMINDER})


@dataclass
class Facts:
    """What the checks and the seat renderers read for a batch of rows, loaded in three queries.

    Holding the interviews here also keeps them in the session's (weak) identity map, so the
    renderer's `session.get(Interview, id)` finds them instead of loading them again.
    """

    interviews: dict[int, Interview]
    submitted: dict[int, set[str]]

    @classmethod
    def load(cls, session: Session, rows: Sequence[Delivery]) -> Facts:
        """Interviews of `rows` with panel, candidate loop and candidate; who submitted feedback on them."""
        ids = sorted({r.interview_id for r in rows if r.interview_id is not None})
        if not ids:
            return cls({}, {})
        interviews = session.scalars(
            select(Interview)
            .where(Interview.id.in_(ids))
            .options(
                selectinload(Interview.panel),
                joinedload(Interview.candidate_loop).joinedload(CandidateLoop.candidate),
            )
        ).all()
        submitted: dict[int, set[str]] = {i: set() for i in ids}
        for interview_id, user in session.execute(
            select(Feedback.interview_id, Feedback.interviewer).where(
                Feedback.interview_id.in_(ids), Feedback.status == FeedbackStatus.SUBMITTED
            )
        ):
            submitted[interview_id].add(user)
        return cls({i.id: i for i in interviews}, submitted)


def submitted_by(session: Session, interview_id: int, facts: Facts | None = None) -> set[str]:
    """Panelists whose feedback on the interview is submitted."""
    if facts is not None and interview_id in facts.submitted:
        return facts.submitted[interview_id]
    return set(
        session.scalars(
            select(Feedback.interviewer).where(
                Feedback.interview_id == interview_id, Feedback.status == FeedbackStatus.SUBMITTED
            )
        )
    )


def late_panelists(session: Session, interview: Interview, facts: Facts | None = None) -> list[str]:
    """Panelists who owe feedback on the interview (not declined, not shadows) and have not given it."""
    done = submitted_by(session, interview.id, facts)
    return [
        s.user_id
        for s in interview.panel
        if owes_feedback(s.role, s.declined_at is not None) and s.user_id not in done
    ]


def seat_of(interview: Interview, user: str) -> PanelSeat | None:
    """The recipient's seat on the panel, if they still have one."""
    return next((s for s in interview.panel if s.user_id == user), None)


def _interview(session: Session, row: Delivery, facts: Facts | None) -> Interview | None:
    if not row.interview_id:
        return None
    if facts is not None and row.interview_id in facts.submitted:  # looked for in the batch
        return facts.interviews.get(row.interview_id)
    return session.get(Interview, row.interview_id)


def obsolete_reason(session: Session, row: Delivery, facts: Facts | None = None) -> str | None:
    """Why the row should not be sent any more, or None when it is still relevant."""
    kind = row.kind
    if kind in INTERVIEWER_OBSOLETE:
        return INTERVIEWER_OBSOLETE[kind](session, row)
    if kind in SEAT_KINDS or kind == DeliveryKind.ESCALATION:
        interview = _interview(session, row, facts)
        reason = interview_reason(interview, row)
        if reason or interview is None:
            return reason
        if kind == DeliveryKind.ESCALATION:
            return None if late_panelists(session, interview, facts) else "all feedback in"
        seat = seat_of(interview, row.recipient)
        if seat is None:
            return "no longer on the panel"
        if seat.declined_at is not None:
            return "panelist declined"
        if kind in FEEDBACK_KINDS and row.recipient in submitted_by(session, interview.id, facts):
            return "feedback already in"
        return None
    if kind == DeliveryKind.DIGEST and row.payload.get("reason") == "deadline":
        cl = session.get(CandidateLoop, row.candidate_loop_id) if row.candidate_loop_id else None
        if cl is None:
            return "candidate loop deleted"
        if cl.digest_ts:
            return "digest already posted"
    return None
