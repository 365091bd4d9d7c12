"""Scorecards: one feedback per interviewer per interview, with its edit history."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, created, intpk, json_dict, json_list, long_text, slack_id, utcnow


class FeedbackStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class Recommendation(StrEnum):
    STRONG_NO = "strong_no"
    NO = "no"
    YES = "yes"
    STRONG_YES = "strong_yes"


class Feedback(Base):
    """A panelist's scorecard for one interview; a draft until submitted."""

    __tablename__ = "feedback"
    __table_args__ = (
        UniqueConstraint("interview_id", "interviewer"),
        Index("ix_feedback_interviewer_status", "interviewer", "status"),
    )

    id: Mapped[intpk]
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"))
    interviewer: Mapped[slack_id]
    status: Mapped[str] = mapped_column(String(16), default=FeedbackStatus.DRAFT)
    # {category_key: level_key or "no_signal"}
    ratings: Mapped[json_dict]
    # Signal texts the interviewer ticked, as "great:<question>:<n>" / "negative:<question>:<n>" ids.
    signals: Mapped[json_list]
    # {question_slug: note}
    question_notes: Mapped[json_dict]
    recommendation: Mapped[str | None] = mapped_column(String(16))
    summary: Mapped[long_text]
    private_note: Mapped[long_text]
    version: Mapped[int] = mapped_column(Integer, default=0)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[created]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    revisions: Mapped[list[FeedbackRevision]] = relationship(
        order_by="FeedbackRevision.version", cascade="all, delete-orphan"
    )


class FeedbackRevision(Base):
    """A submitted version of a scorecard, kept when it is edited later."""

    __tablename__ = "feedback_revisions"
    __table_args__ = (UniqueConstraint("feedback_id", "version"),)

    id: Mapped[intpk]
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    data: Mapped[json_dict]
    created_at: Mapped[created]
