"""Which deliveries an interview needs, and when: pure functions, no Slack, no SQL.

Expiry per kind (a delivery claimed after its `expires_at` is marked expired and counted):
- prep / prep_nudge: the interview's start; a kit after the interview has begun is noise.
- reminder n: when reminder n+1 becomes due, so downtime never fires two reminders at once;
  the last reminder does not expire.
- feedback_request, escalation, digest, notice: no expiry; whether they still matter is
  decided from current state at send time (feedback in, panelist declined, digest posted...).

Shadows (observers) get the prep and the feedback request, but are never chased: no reminders,
and escalations do not name them (bot.feedback.logic.owes_feedback).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from models.delivery import Delivery, DeliveryKind
from models.hiring import Interview, InterviewStatus

PAYLOAD_VERSION = 1


class Timing(Protocol):
    """The settings the planner reads (bot.settings.Settings satisfies it)."""

    prep_leads: list[timedelta]
    feedback_reminders: list[timedelta]
    feedback_sla: timedelta
    digest_deadline: timedelta


@dataclass(frozen=True)
class InterviewFacts:
    """What the planner needs to know about one interview."""

    interview_id: int
    candidate_loop_id: int
    starts_at: datetime
    ends_at: datetime
    panel: tuple[str, ...]  # panelists still on it (declined ones left out)
    recruiter: str = ""
    hiring_manager: str = ""
    shadows: frozenset[str] = frozenset()  # observers: asked for feedback, never chased for it


@dataclass(frozen=True)
class PlannedDelivery:
    """One row the outbox should hold."""

    kind: DeliveryKind
    recipient: str
    dedupe_key: str
    due_at: datetime
    expires_at: datetime | None
    payload: dict[str, Any] = field(default_factory=dict)
    interview_id: int | None = None
    candidate_loop_id: int | None = None


def iso(when: datetime) -> str:
    """An instant as ISO-8601 UTC with a Z, the form used inside dedupe keys and payloads."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def delivery_key(
    kind: str, interview_id: int, recipient: str, start: datetime, nth: int | None = None
) -> str:
    """kind + interview + recipient + scheduled start: a moved interview gets new keys."""
    tag = kind if nth is None else f"{kind}.{nth}"
    return f"{tag}:i{interview_id}:{recipient}:{iso(start)}"


def plan_interview_deliveries(
    facts: InterviewFacts,
    timing: Timing,
    now: datetime,
    already_prepped: frozenset[str] = frozenset(),
) -> list[PlannedDelivery]:
    """Every per-interview delivery: prep, nudges, feedback request, reminders, escalations.

    `already_prepped` names panelists who already got the full kit for an earlier time of this
    interview (a move): they are not sent it again at once, only at its normal lead time.
    """
    start, end = facts.starts_at, facts.ends_at
    base = {"v": PAYLOAD_VERSION, "start": iso(start)}
    out: list[PlannedDelivery] = []

    def add(kind: DeliveryKind, who: str, due: datetime, expires: datetime | None, nth: int | None) -> None:
        payload = dict(base) if nth is None else {**base, "nth": nth}
        out.append(
            PlannedDelivery(
                kind=kind,
                recipient=who,
                dedupe_key=delivery_key(kind, facts.interview_id, who, start, nth),
                due_at=due,
                expires_at=expires,
                payload=payload,
                interview_id=facts.interview_id,
                candidate_loop_id=facts.candidate_loop_id,
            )
        )

    leads = sorted(timing.prep_leads, reverse=True)
    for who in facts.panel:
        if now < start and leads:
            prep_due = start - leads[0]
            if prep_due > now or who not in already_prepped:
                # Inside the first lead window the kit goes out at once: a 9:00 interview must not wait.
                add(DeliveryKind.PREP, who, max(prep_due, now), start, None)
            for n, lead in enumerate(leads[1:], start=1):
                # A nudge whose time has passed is covered by the kit that is going out now.
                if start - lead > now:
                    add(DeliveryKind.PREP_NUDGE, who, start - lead, start, n)
        add(DeliveryKind.FEEDBACK_REQUEST, who, end, None, None)
        if who in facts.shadows:
            continue
        reminders = sorted(timing.feedback_reminders)
        for n, after in enumerate(reminders, start=1):
            expires = end + reminders[n] if n < len(reminders) else None
            add(DeliveryKind.REMINDER, who, end + after, expires, n)
    for who in dict.fromkeys(u for u in (facts.recruiter, facts.hiring_manager) if u):
        add(DeliveryKind.ESCALATION, who, end + timing.feedback_sla, None, None)
    return out


def digest_deadline_delivery(
    candidate_loop_id: int, hiring_channel: str, last_end: datetime, timing: Timing
) -> PlannedDelivery:
    """The loop's digest at the deadline after its last interview (listing what is missing)."""
    return PlannedDelivery(
        kind=DeliveryKind.DIGEST,
        recipient=hiring_channel,
        dedupe_key=f"digest.deadline:cl{candidate_loop_id}:{hiring_channel}:{iso(last_end)}",
        due_at=last_end + timing.digest_deadline,
        expires_at=None,
        payload={"v": PAYLOAD_VERSION, "reason": "deadline", "last_end": iso(last_end)},
        candidate_loop_id=candidate_loop_id,
    )


def digest_now_delivery(
    candidate_loop_id: int, hiring_channel: str, now: datetime, reason: str
) -> PlannedDelivery:
    """A digest post or update due at once ("all feedback in", "late feedback")."""
    return PlannedDelivery(
        kind=DeliveryKind.DIGEST,
        recipient=hiring_channel,
        dedupe_key=f"digest.{reason}:cl{candidate_loop_id}:{hiring_channel}:{now.astimezone(UTC).isoformat()}",
        due_at=now,
        expires_at=None,
        payload={"v": PAYLOAD_VERSION, "reason": reason},
        candidate_loop_id=candidate_loop_id,
    )


def interview_reason(interview: Interview | None, row: Delivery) -> str | None:
    """Why a row about `interview` is obsolete because of the interview itself (gone, cancelled, moved)."""
    if interview is None:
        return "interview deleted"
    if interview.status == InterviewStatus.CANCELLED:
        return "interview cancelled"
    if row.payload.get("start") not in (None, iso(interview.starts_at)):
        return "interview moved"
    return None
