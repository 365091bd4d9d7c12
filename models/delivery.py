"""The outbox of time-based messages (see docs/architecture.md#the-deliveries-table)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, created, intpk, json_dict, utc


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class DeliveryKind(StrEnum):
    PREP = "prep"
    PREP_NUDGE = "prep_nudge"
    FEEDBACK_REQUEST = "feedback_request"
    REMINDER = "reminder"
    ESCALATION = "escalation"
    DIGEST = "digest"
    PRIVATE_NOTES = "private_notes"
    NOTICE = "notice"
    CALIBRATION = "calibration"  # a trainee's card: where they agreed with the qualified interviewer
    GRADUATION = "graduation"  # asks the approver to confirm a trainee who met the requirements
    DRY_RUN = "dry_run"  # a first-time lead and their partner: rehearse before the interview
    DRY_RUN_REMINDER = "dry_run_reminder"
    DRY_RUN_WARNING = "dry_run_warning"  # the recruiter at T-24h when it has not happened


class Delivery(Base):
    """One message to send to one recipient at one time, at most once."""

    __tablename__ = "deliveries"
    __table_args__ = (
        Index("ix_deliveries_due", "status", "next_attempt_at"),
        Index("ix_deliveries_lease", "status", "lease_until"),
    )

    id: Mapped[intpk]
    dedupe_key: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    recipient: Mapped[str] = mapped_column(String(32), index=True)
    candidate_loop_id: Mapped[int | None] = mapped_column(
        ForeignKey("candidate_loops.id", ondelete="CASCADE"), index=True
    )
    interview_id: Mapped[int | None] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), index=True
    )
    # Ids only, never pickles: {"v": 1, ...}
    payload: Mapped[json_dict]
    due_at: Mapped[utc]
    next_attempt_at: Mapped[utc]
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claim_token: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str | None] = mapped_column(String(32))
    ts: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[created]


class SendPace(Base):
    """A send rate shared by every replica: the next free slot of a GCRA schedule (bot/delivery/pacing.py).

    One row per paced method (`chat.postMessage`). Each replica reserves slots for the posts it is
    about to make with one short UPDATE ... RETURNING, so all replicas together keep one rate and an
    idle replica reserves nothing.
    """

    __tablename__ = "send_pace"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    # GCRA's "theoretical arrival time" in microseconds since the epoch (integers: exact arithmetic in SQL).
    next_slot_us: Mapped[int] = mapped_column(BigInteger)
