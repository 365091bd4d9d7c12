"""A trainee's progress for one interview type: sessions done per kind, and agreement over the latest ones.

Agreement is the share of categories, over the latest `Training.sessions` counted sessions, that the
trainee rated close to the qualified interviewer (within one step and on the same side of the scale's
middle; exact counts too); a category either side left at "no signal" is not compared. A session in
which fewer than MIN_COMPARED categories were compared (everything "no signal" on one side) says
nothing about calibration: it counts neither towards the sessions nor in the window.

A TrainingSession exists only once the trainee may see feedback on its candidate loop (see
calibration.py), so these numbers never reveal a comparison the blind rule still hides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.interviewers.rules import Training, training_rule
from models import InterviewType, TrainingKind, TrainingSession

MIN_COMPARED = 1  # categories a session must compare to count


@dataclass(frozen=True)
class Progress:
    type_name: str
    rule: Training
    shadows: int
    reverse_shadows: int
    close: int  # categories rated close, over the latest sessions
    exact: int
    compared: int

    @property
    def sessions_met(self) -> bool:
        return self.shadows >= self.rule.shadow and self.reverse_shadows >= self.rule.reverse_shadow

    @property
    def rate(self) -> float | None:
        return self.close / self.compared if self.compared else None

    @property
    def agreement_met(self) -> bool:
        rate = self.rate
        return rate is not None and rate >= self.rule.agreement

    @property
    def ready(self) -> bool:
        """Ready to graduate, but for the approver's confirmation."""
        return self.sessions_met and self.agreement_met

    def line(self) -> str:
        """ "Pairing exercise: shadowed 2/2, reverse shadow 0/1, agreement 3 of 4 categories"."""
        agreement = (
            f"agreement {self.close} of {self.compared} categories" if self.compared else "no agreement yet"
        )
        return (
            f"{self.type_name}: shadowed {self.shadows}/{self.rule.shadow}, "
            f"reverse shadow {self.reverse_shadows}/{self.rule.reverse_shadow}, {agreement}"
        )


def counts(row: TrainingSession) -> bool:
    """Whether a compared session counts towards training (enough categories compared)."""
    return row.compared >= MIN_COMPARED


def from_sessions(kind: InterviewType, rows: Sequence[TrainingSession]) -> Progress:
    """Progress from the trainee's sessions for `kind`, newest first (sessions that do not count skipped)."""
    rule = training_rule(kind)
    counted = [r for r in rows if counts(r)]
    latest = counted[: rule.sessions]
    return Progress(
        type_name=kind.name,
        rule=rule,
        shadows=sum(1 for r in counted if r.kind == TrainingKind.SHADOW),
        reverse_shadows=sum(1 for r in counted if r.kind == TrainingKind.REVERSE_SHADOW),
        close=sum(r.close for r in latest),
        exact=sum(r.exact for r in latest),
        compared=sum(r.compared for r in latest),
    )


def progress(session: Session, user: str, kind: InterviewType) -> Progress:
    """Where `user` stands in training for `kind`, from their compared sessions (one query).

    populate_existing: after graduation's row lock, rows another transaction changed are read again.
    """
    rows = session.scalars(
        select(TrainingSession)
        .where(TrainingSession.trainee == user, TrainingSession.interview_type_id == kind.id)
        .order_by(TrainingSession.compared_at.desc(), TrainingSession.id.desc())
        .execution_options(populate_existing=True)
    ).all()
    return from_sessions(kind, rows)
