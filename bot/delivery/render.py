"""Turn a claimed delivery into the Slack calls to make, from current state, via the block builders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session, selectinload

from blocks import digest, prep
from blocks.message import Message
from bot.delivery import planner
from bot.delivery.relevance import late_panelists, seat_of
from bot.delivery.rendered import Part, Rendered
from bot.digest import service as digest_service
from bot.interviewers import dry_runs
from bot.interviewers.outbox import RENDERERS as INTERVIEWER_RENDERERS
from models import (
    CandidateLoop,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Feedback,
    FeedbackStatus,
    Interview,
    PanelSeat,
)


def _seat_render(
    build: Callable[[Interview, str, Delivery, datetime], list[Message]],
) -> Callable[..., Rendered]:
    def render(session: Session, row: Delivery, now: datetime, _sla: timedelta) -> Rendered:
        interview = session.get_one(Interview, row.interview_id)
        messages = build(interview, row.recipient, row, now)
        return Rendered(row.recipient, [Part(str(n), m) for n, m in enumerate(messages)])

    return render


def _prep(interview: Interview, user: str, _row: Delivery, now: datetime) -> list[Message]:
    seat, session = _seat(interview, user), object_session(interview)
    line = dry_runs.dry_run_line(session, seat, interview) if session is not None else None
    return prep.prep_messages(interview, seat, now, dry_run=line)


def _nudge(interview: Interview, user: str, _row: Delivery, _now: datetime) -> list[Message]:
    return [prep.prep_nudge(interview, _seat(interview, user))]


def _feedback_request(interview: Interview, user: str, _row: Delivery, _now: datetime) -> list[Message]:
    return [prep.feedback_request(interview, _seat(interview, user))]


def _reminder(interview: Interview, user: str, row: Delivery, _now: datetime) -> list[Message]:
    return [prep.feedback_reminder(interview, _seat(interview, user), int(row.payload.get("nth", 1)))]


def _seat(interview: Interview, user: str) -> PanelSeat:
    seat = seat_of(interview, user)
    if seat is None:
        raise LookupError(f"{user} has no seat on interview {interview.id}")
    return seat


def _escalation(session: Session, row: Delivery, now: datetime, _sla: timedelta) -> Rendered:
    interview = session.get_one(Interview, row.interview_id)
    late = [(interview, user) for user in late_panelists(session, interview)]
    return Rendered(row.recipient, [Part("0", digest.escalation(interview.candidate_loop, late, now))])


def _notice(_session: Session, row: Delivery, _now: datetime, _sla: timedelta) -> Rendered:
    return Rendered(row.recipient, [Part("0", prep.notice(str(row.payload.get("text", ""))))])


def already_replied(session: Session, candidate_loop_id: int) -> set[int]:
    """Feedback ids whose scorecard reply is already in the digest thread."""
    payloads = session.scalars(
        select(Delivery.payload).where(
            Delivery.candidate_loop_id == candidate_loop_id,
            Delivery.kind == DeliveryKind.DIGEST,
            Delivery.status == DeliveryStatus.SENT,
        )
    )
    return {int(i) for p in payloads for i in p.get("replied", [])}


def _digest(session: Session, row: Delivery, now: datetime, sla: timedelta) -> Rendered:
    # Panels in one IN query, not one per interview: the digest's statement count stays constant.
    cl = session.get_one(
        CandidateLoop,
        row.candidate_loop_id,
        options=[selectinload(CandidateLoop.interviews).selectinload(Interview.panel)],
    )
    interviews = {i.id: i for i in cl.interviews}
    feedback = list(
        session.scalars(
            select(Feedback)
            .where(Feedback.interview_id.in_(interviews), Feedback.status == FeedbackStatus.SUBMITTED)
            .order_by(Feedback.submitted_at, Feedback.id)
        )
    )
    trainees = digest_service.training_seats(session, cl)
    main = digest.digest_message(cl, feedback, now, sla, trainees=trainees)
    # A scorecard posted once is not posted again; an edited one is updated in the digest itself.
    # While feedback is missing the thread stays empty (blind rule); the update that completes or
    # releases the loop posts them all.
    done = already_replied(session, cl.id) if cl.digest_ts else set()
    held = digest.scorecards_held(cl, feedback, now, sla)
    todo = [] if held else [fb for fb in feedback if fb.id not in done]
    replies = [
        Part(
            f"fb{fb.id}",
            digest.scorecard_reply(
                cl,
                interviews[fb.interview_id],
                fb,
                sla,
                trainee=(fb.interview_id, fb.interviewer) in trainees,
            ),
            in_thread=True,
        )
        for fb in todo
    ]
    replied = [fb.id for fb in todo]
    if cl.digest_ts and cl.digest_channel:
        return Rendered(cl.digest_channel, replies, thread_ts=cl.digest_ts, update=main, replied=replied)
    return Rendered(cl.hiring_channel, [Part("main", main), *replies], replied=replied)


def _private_notes(session: Session, row: Delivery, _now: datetime, _sla: timedelta) -> Rendered:
    cl = session.get_one(CandidateLoop, row.candidate_loop_id)
    ids = [int(i) for i in row.payload.get("feedback_ids", [])]
    feedback = list(session.scalars(select(Feedback).where(Feedback.id.in_(ids)).order_by(Feedback.id)))
    message = digest.private_notes_message(cl, feedback)
    return Rendered(row.recipient, [Part("0", message)] if message else [])


RENDERERS: dict[str, Callable[[Session, Delivery, datetime, timedelta], Rendered]] = {
    DeliveryKind.PREP: _seat_render(_prep),
    DeliveryKind.PREP_NUDGE: _seat_render(_nudge),
    DeliveryKind.FEEDBACK_REQUEST: _seat_render(_feedback_request),
    DeliveryKind.REMINDER: _seat_render(_reminder),
    DeliveryKind.ESCALATION: _escalation,
    DeliveryKind.DIGEST: _digest,
    DeliveryKind.NOTICE: _notice,
    DeliveryKind.PRIVATE_NOTES: _private_notes,
    **INTERVIEWER_RENDERERS,
}


def render(session: Session, row: Delivery, now: datetime, sla: timedelta = timedelta(hours=24)) -> Rendered:
    """The Slack calls for a row, built from current state; `sla` decides which feedback counts as late."""
    return RENDERERS[row.kind](session, row, now, sla)


def record_sent(
    session: Session,
    row: Delivery,
    rendered: Rendered,
    channel: str,
    first_ts: str | None,
    now: datetime,
) -> None:
    """Bookkeeping after a digest went out: where it lives, which scorecards it shows, private notes."""
    if row.kind != DeliveryKind.DIGEST or row.candidate_loop_id is None:
        return
    cl = session.get_one(CandidateLoop, row.candidate_loop_id)
    if not cl.digest_ts and first_ts:
        cl.digest_channel, cl.digest_ts = channel, first_ts
    stored = session.get_one(Delivery, row.id)
    stored.payload = {**stored.payload, "replied": rendered.replied}
    with_notes = session.scalars(
        select(Feedback.id).where(Feedback.id.in_(rendered.replied), Feedback.private_note != "")
    ).all()
    planner.plan_private_notes(session, cl, list(with_notes), now)
