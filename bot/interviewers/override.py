"""An admin's override of someone's qualification for an interview type, recorded with who and why.

`loopbot interviewers qualify|unqualify` sets the live state (qualified or trainee) with source
`override`, which a content import never overwrites, and writes a QualificationEvent in the same
transaction: the audit trail says who changed it, from where, and the reason they gave.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import InterviewType, MemberState, Qualification, QualificationEvent, QualificationSource

OVERRIDE_STATES = (MemberState.QUALIFIED, MemberState.TRAINEE)


@dataclass(frozen=True)
class Overridden:
    user: str
    type_name: str
    before: str | None  # the live state before, None when there was none
    after: str


def override(
    session: Session, user: str, kind: InterviewType, state: str, by: str, reason: str, now: datetime
) -> Overridden:
    """Set `user`'s state for `kind` as an override and record it; the caller's session commits."""
    if state not in OVERRIDE_STATES:
        raise ValueError(f"an override sets qualified or trainee, not {state!r}")
    found = session.scalars(
        select(Qualification)
        .where(Qualification.user_id == user, Qualification.interview_type_id == kind.id)
        .with_for_update()
    ).one_or_none()
    before = found.state if found else None
    if found is None:
        found = Qualification(user_id=user, interview_type_id=kind.id)
        session.add(found)
    found.state = state
    found.source = QualificationSource.OVERRIDE
    found.updated_at = now
    session.add(
        QualificationEvent(
            user_id=user,
            interview_type_id=kind.id,
            action=f"override:{state}",
            by=by[:64],
            reason=reason,
            created_at=now,
        )
    )
    session.flush()
    return Overridden(user, kind.name, before, state)
