"""Producers' side of the outbox: write delivery rows in the caller's transaction."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from blocks.text import esc, esc_name, slack_date
from bot.delivery.plan_logic import (
    PAYLOAD_VERSION,
    InterviewFacts,
    PlannedDelivery,
    Timing,
    digest_deadline_delivery,
    digest_now_delivery,
    iso,
    plan_interview_deliveries,
)
from bot.feedback.blind import can_see_feedback
from models import (
    UNCOUNTED_ROLES,
    CandidateLoop,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Feedback,
    Interview,
    InterviewStatus,
)

log = logging.getLogger("loopbot.delivery")


def _facts(interview: Interview) -> InterviewFacts:
    cl = interview.candidate_loop
    return InterviewFacts(
        interview_id=interview.id,
        candidate_loop_id=cl.id,
        starts_at=interview.starts_at,
        ends_at=interview.ends_at,
        panel=tuple(seat.user_id for seat in interview.panel if seat.declined_at is None),
        recruiter=cl.recruiter,
        hiring_manager=cl.hiring_manager,
        shadows=frozenset(seat.user_id for seat in interview.panel if seat.role in UNCOUNTED_ROLES),
    )


def store(session: Session, planned: list[PlannedDelivery]) -> int:
    """Insert what is missing; revive a cancelled row with the same key (e.g. a panelist put back)."""
    if not planned:
        return 0
    keys = [p.dedupe_key for p in planned]
    existing = {
        d.dedupe_key: d for d in session.scalars(select(Delivery).where(Delivery.dedupe_key.in_(keys)))
    }
    written = 0
    for p in planned:
        row = existing.get(p.dedupe_key)
        if row is not None and row.status != DeliveryStatus.CANCELLED:
            continue
        if row is None:
            row = Delivery(dedupe_key=p.dedupe_key)
            session.add(row)
        row.kind, row.recipient, row.payload = p.kind, p.recipient, p.payload
        row.interview_id, row.candidate_loop_id = p.interview_id, p.candidate_loop_id
        row.due_at = row.next_attempt_at = p.due_at
        row.expires_at = p.expires_at
        row.status, row.attempts, row.last_error = DeliveryStatus.PENDING, 0, None
        row.lease_until = row.claim_token = None
        written += 1
        log.debug("delivery.planned key=%s kind=%s due=%s", p.dedupe_key, p.kind, iso(p.due_at))
    session.flush()
    if written:  # one line per batch at INFO (an interview plans ~15 rows); each row at DEBUG
        kinds = ",".join(sorted({p.kind for p in planned}))
        log.info("delivery.planned count=%d kinds=%s", written, kinds)
    return written


def plan_interview(session: Session, interview: Interview, settings: Timing, now: datetime) -> None:
    """All rows for all seats of a scheduled interview, plus the loop's digest deadline (idempotent)."""
    if interview.status == InterviewStatus.SCHEDULED:
        store(session, plan_interview_deliveries(_facts(interview), settings, now))
    plan_digest_deadline(session, interview.candidate_loop, settings)


def replan_interview(
    session: Session, interview: Interview, settings: Timing, now: datetime, moved: bool | None = None
) -> None:
    """After a move (or a panel change): cancel what is pending, plan anew, tell the panel of a move once.

    `moved` says whether the start changed; when not given it is inferred from the rows planned so far
    (callers that know should say: cancelled rows of an earlier move would otherwise count again).
    """
    previous = session.scalars(
        select(Delivery).where(Delivery.interview_id == interview.id, Delivery.kind != DeliveryKind.NOTICE)
    ).all()
    start = iso(interview.starts_at)
    if moved is None:
        moved = any(d.payload.get("start") not in (None, start) for d in previous)
    if moved or interview.status != InterviewStatus.SCHEDULED:
        # A newer move or a cancellation supersedes "has moved" notices that have not gone out yet.
        session.execute(
            update(Delivery)
            .where(
                Delivery.interview_id == interview.id,
                Delivery.status == DeliveryStatus.PENDING,
                Delivery.dedupe_key.like(f"notice.moved:i{interview.id}:%"),
            )
            .values(status=DeliveryStatus.CANCELLED, last_error="superseded by a later change"),
            execution_options={"synchronize_session": "fetch"},
        )
    prepped = frozenset(
        d.recipient for d in previous if d.kind == DeliveryKind.PREP and d.status == DeliveryStatus.SENT
    )
    cancel_pending(session, interview_id=interview.id)
    if interview.status == InterviewStatus.SCHEDULED:
        facts = _facts(interview)
        store(session, plan_interview_deliveries(facts, settings, now, already_prepped=prepped))
        if moved:
            what = esc(interview.guidance.get("type_name") or "interview")
            who_ = esc_name(interview.candidate_loop.candidate.name)
            text = f"The {what} with *{who_}* has moved to {slack_date(interview.starts_at)}."
            for who in facts.panel:
                notify(
                    session,
                    recipient=who,
                    candidate_loop_id=facts.candidate_loop_id,
                    interview_id=interview.id,
                    notice=text,
                    # `now` makes each move its own notice (moving back and forth again is news again).
                    key=f"notice.moved:i{interview.id}:{who}:{start}:{iso(now)}",
                    now=now,
                )
    plan_digest_deadline(session, interview.candidate_loop, settings)


def plan_digest_deadline(session: Session, cl: CandidateLoop, settings: Timing) -> None:
    """One pending deadline digest per loop, at the deadline after its last scheduled interview."""
    ends = [i.ends_at for i in cl.interviews if i.status == InterviewStatus.SCHEDULED]
    wanted = digest_deadline_delivery(cl.id, cl.hiring_channel, max(ends), settings) if ends else None
    stale = update(Delivery).where(
        Delivery.candidate_loop_id == cl.id,
        Delivery.kind == DeliveryKind.DIGEST,
        Delivery.status == DeliveryStatus.PENDING,
        Delivery.dedupe_key.like("digest.deadline:%"),
    )
    if wanted is not None:
        stale = stale.where(Delivery.dedupe_key != wanted.dedupe_key)
    session.execute(
        stale.values(status=DeliveryStatus.CANCELLED), execution_options={"synchronize_session": "fetch"}
    )
    if wanted is not None and cl.hiring_channel:
        store(session, [wanted])


def cancel_pending(session: Session, *, interview_id: int | None = None, recipient: str | None = None) -> int:
    """Cancel pending rows of an interview and/or a recipient (notices still go out); returns the count."""
    if interview_id is None and recipient is None:
        raise ValueError("cancel_pending needs an interview_id or a recipient")
    stmt = update(Delivery).where(
        Delivery.status == DeliveryStatus.PENDING, Delivery.kind != DeliveryKind.NOTICE
    )
    if interview_id is not None:
        stmt = stmt.where(Delivery.interview_id == interview_id)
    if recipient is not None:
        stmt = stmt.where(Delivery.recipient == recipient)
    result = session.execute(
        stmt.values(status=DeliveryStatus.CANCELLED), execution_options={"synchronize_session": "fetch"}
    )
    count = int(getattr(result, "rowcount", 0) or 0)
    log.info("delivery.cancelled count=%d interview=%s recipient=%s", count, interview_id, recipient)
    return count


def notify(
    session: Session,
    *,
    recipient: str,
    candidate_loop_id: int | None,
    interview_id: int | None,
    notice: str,
    key: str,
    now: datetime,
    expires_at: datetime | None = None,
) -> None:
    """A one-off message through the outbox, sent once per `key` (mrkdwn `notice`, already escaped)."""
    store(
        session,
        [
            PlannedDelivery(
                kind=DeliveryKind.NOTICE,
                recipient=recipient,
                dedupe_key=key,
                due_at=now,
                expires_at=expires_at,
                payload={"v": 1, "text": notice},
                interview_id=interview_id,
                candidate_loop_id=candidate_loop_id,
            )
        ],
    )


def plan_prep_resend(session: Session, interview: Interview, user: str, now: datetime) -> bool:
    """The full prep kit again, to `user` now (`/loop prep`); False if asked already within this minute.

    A key of its own per request leaves the planned prep rows alone; the minute in it makes a repeat
    within the minute one send. The kit is pointless once the interview has begun, so it expires then.
    """
    start = iso(interview.starts_at)
    planned = PlannedDelivery(
        kind=DeliveryKind.PREP,
        recipient=user,
        dedupe_key=f"prep.resend:i{interview.id}:{user}:{start}:{iso(now)[:16]}",
        due_at=now,
        expires_at=interview.starts_at,
        payload={"v": PAYLOAD_VERSION, "start": start},
        interview_id=interview.id,
        candidate_loop_id=interview.candidate_loop_id,
    )
    return store(session, [planned]) == 1


def plan_digest_now(session: Session, candidate_loop_id: int, now: datetime, reason: str) -> None:
    """Post (or update) the loop's digest at once; a pending deadline digest is no longer needed."""
    cl = session.get_one(CandidateLoop, candidate_loop_id)
    if not cl.hiring_channel:
        return
    # One pending digest per loop is enough (it renders current state): a deadline digest, or an
    # earlier update not sent yet, would otherwise post the same new scorecards a second time.
    session.execute(
        update(Delivery)
        .where(
            Delivery.candidate_loop_id == candidate_loop_id,
            Delivery.status == DeliveryStatus.PENDING,
            Delivery.kind == DeliveryKind.DIGEST,
        )
        .values(status=DeliveryStatus.CANCELLED, last_error="superseded by a later digest"),
        execution_options={"synchronize_session": "fetch"},
    )
    store(session, [digest_now_delivery(candidate_loop_id, cl.hiring_channel, now, reason)])


def plan_private_notes(session: Session, cl: CandidateLoop, feedback_ids: list[int], now: datetime) -> None:
    """The private notes of newly posted scorecards, to the hiring manager's DM only.

    Blind rule (bot/feedback/blind.py): a hiring manager who still owes feedback on the loop is sent
    no notes. Once they may see them, the notes held back so far go out with the next ones.
    """
    if not cl.hiring_manager or not feedback_ids:
        return
    if not can_see_feedback(session, cl.id, cl.hiring_manager):
        log.info("delivery.private_notes_held cl=%s reason=hiring manager owes feedback", cl.id)
        return
    ids = sorted(set(feedback_ids) | _notes_held_back(session, cl))
    key = f"private_notes:cl{cl.id}:{cl.hiring_manager}:" + ",".join(map(str, ids))
    store(
        session,
        [
            PlannedDelivery(
                kind=DeliveryKind.PRIVATE_NOTES,
                recipient=cl.hiring_manager,
                dedupe_key=key[:255],
                due_at=now,
                expires_at=None,
                payload={"v": 1, "feedback_ids": ids},
                candidate_loop_id=cl.id,
            )
        ],
    )


def _notes_held_back(session: Session, cl: CandidateLoop) -> set[int]:
    """Feedback with a private note whose scorecard is in the digest thread, not yet planned for the
    hiring manager (held back while they owed feedback)."""
    posted = session.scalars(
        select(Delivery.payload).where(
            Delivery.candidate_loop_id == cl.id, Delivery.kind == DeliveryKind.DIGEST
        )
    )
    replied = {int(i) for p in posted for i in (p.get("replied") or [])}
    if not replied:
        return set()
    planned = session.scalars(
        select(Delivery.payload).where(
            Delivery.candidate_loop_id == cl.id,
            Delivery.kind == DeliveryKind.PRIVATE_NOTES,
            Delivery.recipient == cl.hiring_manager,
            Delivery.status != DeliveryStatus.CANCELLED,
        )
    )
    sent = {int(i) for p in planned for i in (p.get("feedback_ids") or [])}
    with_notes = session.scalars(
        select(Feedback.id).where(Feedback.id.in_(replied - sent), Feedback.private_note != "")
    )
    return set(with_notes)
