"""Interviewers: pools from content, and the live state the program earns (training, dry runs, overrides).

Content (`kind: interviewer_pool`) says who is in which pool and their starting state per interview type
(PoolMember). What people earn later lives in Qualification, TrainingSession, GraduationRequest and DryRun,
which a content import never erases (examples/content/README.md#interviewer-pools-training-and-dry-runs).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import (
    Base,
    UTCDateTime,
    created,
    intpk,
    json_dict,
    json_list,
    long_text,
    slack_id,
    slug_str,
    str200,
)


class MemberState(StrEnum):
    """What a pool member may do in interviews of one type."""

    TRAINEE = "trainee"  # shadows and reverse-shadows until graduated
    QUALIFIED = "qualified"  # any seat
    LEAD_ONLY = "lead_only"  # qualified, seated only as lead
    OBSERVER_ONLY = "observer_only"  # seated only as a silent observer (shadow seat), never trained


class QualificationSource(StrEnum):
    CONTENT = "content"  # the pool file says so
    GRADUATED = "graduated"  # earned: sessions, agreement and the approver's confirmation
    OVERRIDE = "override"  # an admin's `loopbot interviewers qualify|unqualify`


class TrainingKind(StrEnum):
    SHADOW = "shadow"
    REVERSE_SHADOW = "reverse_shadow"


class GraduationStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    NOT_YET = "not_yet"
    WITHDRAWN = "withdrawn"  # approved too late: no longer a trainee, or no longer ready (reason says)


PENDING_ONLY = text("status = 'pending'")


class DryRunStatus(StrEnum):
    REQUESTED = "requested"
    DONE = "done"


class InterviewerPool(Base):
    """A named group of interviewers who staff some interview types."""

    __tablename__ = "interviewer_pools"

    id: Mapped[intpk]
    slug: Mapped[slug_str]
    name: Mapped[str200]
    description: Mapped[long_text]
    # Slugs of the interview types the pool staffs.
    interview_types: Mapped[json_list]

    members: Mapped[list[PoolMember]] = relationship(
        back_populates="pool", order_by="PoolMember.position", cascade="all, delete-orphan"
    )


class PoolMember(Base):
    """One person's starting state for one interview type of a pool, as the content file gives it."""

    __tablename__ = "pool_members"
    __table_args__ = (UniqueConstraint("pool_id", "user_id", "interview_type_id"),)

    id: Mapped[intpk]
    pool_id: Mapped[int] = mapped_column(ForeignKey("interviewer_pools.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(32), index=True)
    interview_type_id: Mapped[int] = mapped_column(
        ForeignKey("interview_types.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Interviews per week / per day this person takes at most; None = the settings' default.
    weekly_limit: Mapped[int | None] = mapped_column(Integer)
    daily_limit: Mapped[int | None] = mapped_column(Integer)

    pool: Mapped[InterviewerPool] = relationship(back_populates="members")


class Qualification(Base):
    """Where one person stands for one interview type now: the live state, earned or granted."""

    __tablename__ = "qualifications"
    __table_args__ = (UniqueConstraint("user_id", "interview_type_id"),)

    id: Mapped[intpk]
    user_id: Mapped[slack_id]
    interview_type_id: Mapped[int] = mapped_column(
        ForeignKey("interview_types.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16), default=QualificationSource.CONTENT)
    graduated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[created]


class QualificationEvent(Base):
    """Who changed a qualification, how and why: graduations, approvals, refusals, overrides."""

    __tablename__ = "qualification_events"
    __table_args__ = (Index("ix_qualification_events_user_type", "user_id", "interview_type_id"),)

    id: Mapped[intpk]
    user_id: Mapped[slack_id]
    interview_type_id: Mapped[int] = mapped_column(ForeignKey("interview_types.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(24))
    by: Mapped[str] = mapped_column(String(64))  # a member id, or "cli:<login>" for the command line
    reason: Mapped[long_text]
    created_at: Mapped[created]


class TrainingSession(Base):
    """A trainee's session compared with the qualified interviewer's, once both scorecards are in.

    `details`: [{"key", "name", "trainee", "qualified", "exact": bool, "close": bool}] per category both
    rated (a "no signal" on either side is left out of the rate).
    """

    __tablename__ = "training_sessions"
    __table_args__ = (
        UniqueConstraint("interview_id", "trainee"),
        Index("ix_training_sessions_trainee_type", "trainee", "interview_type_id"),
    )

    id: Mapped[intpk]
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"))
    interview_type_id: Mapped[int] = mapped_column(ForeignKey("interview_types.id", ondelete="CASCADE"))
    trainee: Mapped[slack_id]
    qualified: Mapped[slack_id]  # whose scorecard the trainee's was compared with
    kind: Mapped[str] = mapped_column(String(16))
    exact: Mapped[int] = mapped_column(Integer, default=0)
    close: Mapped[int] = mapped_column(Integer, default=0)  # within one step of the scale, exact included
    compared: Mapped[int] = mapped_column(Integer, default=0)
    details: Mapped[json_list]
    compared_at: Mapped[datetime] = mapped_column(UTCDateTime())


class GraduationRequest(Base):
    """An approver's one-click decision on a trainee who has met a type's requirements."""

    __tablename__ = "graduation_requests"
    __table_args__ = (
        Index("ix_graduation_requests_user_type", "user_id", "interview_type_id"),
        # At most one pending request per trainee and type, whatever two transactions do at once.
        Index(
            "uq_graduation_requests_pending",
            "user_id",
            "interview_type_id",
            unique=True,
            postgresql_where=PENDING_ONLY,
            sqlite_where=PENDING_ONLY,
        ),
    )

    id: Mapped[intpk]
    user_id: Mapped[slack_id]
    interview_type_id: Mapped[int] = mapped_column(ForeignKey("interview_types.id", ondelete="CASCADE"))
    approver: Mapped[slack_id]
    status: Mapped[str] = mapped_column(String(16), default=GraduationStatus.PENDING)
    # The sessions it was asked on: the progress line the approver saw.
    evidence: Mapped[json_dict]
    reason: Mapped[long_text]
    decided_by: Mapped[str] = mapped_column(String(32), default="")
    created_at: Mapped[created]
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DryRun(Base):
    """A rehearsal a first-time lead owes (per person, type and exercise) and its confirmation."""

    __tablename__ = "dry_runs"
    __table_args__ = (UniqueConstraint("user_id", "interview_type_id", "exercise"),)

    id: Mapped[intpk]
    user_id: Mapped[slack_id]
    interview_type_id: Mapped[int] = mapped_column(ForeignKey("interview_types.id", ondelete="CASCADE"))
    # The question set slug when the type asks per exercise, "" when once per type is enough.
    exercise: Mapped[str] = mapped_column(String(100), default="")
    partner: Mapped[slack_id]
    # The first interview that needs it (the recruiter's T-24h warning is about this one).
    interview_id: Mapped[int | None] = mapped_column(ForeignKey("interviews.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default=DryRunStatus.REQUESTED)
    requested_at: Mapped[created]
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_by: Mapped[str] = mapped_column(String(32), default="")


__all__ = [
    "DryRun",
    "DryRunStatus",
    "GraduationRequest",
    "GraduationStatus",
    "InterviewerPool",
    "MemberState",
    "PoolMember",
    "Qualification",
    "QualificationEvent",
    "QualificationSource",
    "TrainingKind",
    "TrainingSession",
]
