"""A candidate going through a loop: the candidate loop, its interviews and their panels."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, created, intpk, json_dict, slack_id, str200, utc


class PanelRole(StrEnum):
    LEAD = "lead"
    INTERVIEWER = "interviewer"
    SHADOW = "shadow"
    # A trainee who leads while a qualified lead on the same panel observes; takes the shadow seat.
    REVERSE_SHADOW = "reverse_shadow"


# Roles whose scorecards are shown for context and never counted, chased or waited for: an observer's,
# and a trainee's while they lead under observation.
UNCOUNTED_ROLES = frozenset({PanelRole.SHADOW, PanelRole.REVERSE_SHADOW})


class InterviewStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class Candidate(Base):
    """A person being interviewed."""

    __tablename__ = "candidates"

    id: Mapped[intpk]
    name: Mapped[str200]
    email: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[created]


class CandidateLoop(Base):
    """One candidate going through one loop."""

    __tablename__ = "candidate_loops"

    id: Mapped[intpk]
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    loop_id: Mapped[int] = mapped_column(ForeignKey("loops.id", ondelete="RESTRICT"), index=True)
    hiring_channel: Mapped[str] = mapped_column(String(32))
    recruiter: Mapped[slack_id]
    hiring_manager: Mapped[slack_id]
    # Rubric as it was at scheduling time: slug, name, scale, no_signal_label and categories.
    rubric: Mapped[json_dict]
    digest_channel: Mapped[str | None] = mapped_column(String(32))
    digest_ts: Mapped[str | None] = mapped_column(String(32))
    # Blind rule: the digest holds scorecards back while feedback is missing, unless released here.
    scorecards_released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[created]

    candidate: Mapped[Candidate] = relationship()
    interviews: Mapped[list[Interview]] = relationship(
        back_populates="candidate_loop", order_by="Interview.starts_at", cascade="all, delete-orphan"
    )


class Interview(Base):
    """One interview of a candidate loop, with its type's guidance frozen at scheduling time."""

    __tablename__ = "interviews"
    __table_args__ = (Index("ix_interviews_status_ends_at", "status", "ends_at"),)

    id: Mapped[intpk]
    candidate_loop_id: Mapped[int] = mapped_column(
        ForeignKey("candidate_loops.id", ondelete="CASCADE"), index=True
    )
    stage_key: Mapped[str] = mapped_column(String(100))
    interview_type_id: Mapped[int] = mapped_column(
        ForeignKey("interview_types.id", ondelete="RESTRICT"), index=True
    )
    starts_at: Mapped[utc]
    ends_at: Mapped[utc]
    status: Mapped[str] = mapped_column(String(16), default=InterviewStatus.SCHEDULED)
    recording_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    # Interview type as it was at scheduling time (name, guidance, what to look for, resources).
    guidance: Mapped[json_dict]
    created_at: Mapped[created]

    candidate_loop: Mapped[CandidateLoop] = relationship(back_populates="interviews")
    panel: Mapped[list[PanelSeat]] = relationship(
        back_populates="interview", order_by="PanelSeat.position", cascade="all, delete-orphan"
    )


class PanelSeat(Base):
    """A panelist of an interview, with the question kit they were given."""

    __tablename__ = "panel_seats"
    __table_args__ = (UniqueConstraint("interview_id", "user_id"),)

    id: Mapped[intpk]
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(32), index=True)
    role: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(default=0)
    question_set_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_sets.id", ondelete="SET NULL"), index=True
    )
    # Questions as they were at scheduling time: {"slug", "name", "questions": [{...}, ...]}
    kit: Mapped[json_dict]
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    interview: Mapped[Interview] = relationship(back_populates="panel")
