"""Feedback side effects: who may open a form, drafts, idempotent submission with history, declines.

Every function works inside the caller's session (one unit of work per Slack request).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from blocks import kit_text as kt
from blocks.text import mention, slack_date
from bot.db import IMMEDIATE
from bot.delivery import planner
from bot.delivery.plan_logic import iso
from bot.digest import service as digest_service
from bot.feedback.focus_logic import Category, Signal, checklist, form_categories
from bot.feedback.logic import (
    FeedbackForm,
    FormErrors,
    clipped,
    form_is_open,
    question_signals,
    restrict,
    validate,
)
from bot.interviewers import calibration
from models import (
    Candidate,
    CandidateLoop,
    Feedback,
    FeedbackRevision,
    FeedbackStatus,
    Interview,
    InterviewStatus,
    PanelSeat,
)

# Writers take SQLite's write lock when the transaction begins (IMMEDIATE), so racing submissions
# (double click, Slack retry) queue behind each other instead of failing on a stale read snapshot.
# Before ack() the whole request must answer Slack within 3 s: wait at most this long for the lock.
BEFORE_ACK: dict[str, object] = {**IMMEDIATE, "sqlite_busy_ms": 2000}


def _write_lock(session: Session, options: Mapping[str, object] = IMMEDIATE) -> None:
    session.connection(execution_options=options)


class FeedbackRefused(Exception):
    """The user may not use this form now; `text` (mrkdwn) says why, for a modal or an ephemeral."""

    def __init__(self, text: str, title: str = "Feedback") -> None:
        super().__init__(text)
        self.text, self.title = text, title


class FeedbackInvalid(Exception):
    """The form is incomplete: its problems by field."""

    def __init__(self, errors: FormErrors) -> None:
        super().__init__(errors)
        self.errors = errors


@dataclass
class FormContext:
    """A panelist's form: what it rates (`categories`) and the checklist of a form without questions."""

    interview: Interview
    seat: PanelSeat
    feedback: Feedback | None
    categories: list[Category]
    checklist: list[Signal] = field(default_factory=list)

    def offered(self, form: FeedbackForm) -> FeedbackForm:
        """Only what this form shows: other categories' ratings, signals and notes are never kept."""
        questions = list(self.seat.kit.get("questions") or [])
        signals = {s.id for q in questions for s in question_signals(q)} | {s.id for s in self.checklist}
        notes = {str(q.get("slug")) for q in questions}
        return restrict(form, self.categories, signals, notes)


@dataclass(frozen=True)
class SubmitResult:
    feedback: Feedback
    changed: bool  # False for a repeated submission of the same content (double click, retry)
    interview: Interview  # with its candidate loop and candidate loaded


def _refusal(session: Session, interview_id: int) -> FeedbackRefused:
    """Why the user has no seat on this interview (the uncommon path, so it may cost a statement more)."""
    interview = session.get(Interview, interview_id)
    if interview is None:
        return FeedbackRefused("That interview no longer exists.")
    return FeedbackRefused(
        f"Only the panel of the {kt.what(interview)} can give feedback on it, and you are not on it. "
        f"If you should be, ask {mention(interview.candidate_loop.recruiter)}."
    )


def load_form(
    session: Session, interview_id: int, user: str, now: datetime, lock: bool = False
) -> FormContext:
    """The interview, seat and current feedback, if `user` may use the form now; else FeedbackRefused.

    One statement loads the interview, its candidate loop and candidate, the user's seat and feedback.
    `lock=True` (writers) first locks the seat row: every write of a feedback row holds it, so two
    submissions of one form (double click, Slack retry) run one after the other, and the read that
    follows sees what the first one committed.
    """
    if lock:
        session.execute(
            select(PanelSeat.id)
            .where(PanelSeat.interview_id == interview_id, PanelSeat.user_id == user)
            .with_for_update()
        )
    found = session.execute(
        select(Interview, CandidateLoop, Candidate, PanelSeat, Feedback)
        .join(CandidateLoop, Interview.candidate_loop_id == CandidateLoop.id)
        .join(Candidate, CandidateLoop.candidate_id == Candidate.id)
        .join(PanelSeat, and_(PanelSeat.interview_id == Interview.id, PanelSeat.user_id == user))
        .outerjoin(Feedback, and_(Feedback.interview_id == Interview.id, Feedback.interviewer == user))
        .where(Interview.id == interview_id)
    ).one_or_none()
    if found is None:
        raise _refusal(session, interview_id)
    interview, cl, _candidate, seat, feedback = found
    if interview.status == InterviewStatus.CANCELLED:
        raise FeedbackRefused("This interview was cancelled, so there is no feedback to give.")
    what = f"the {kt.what(interview)}"
    if seat.declined_at is not None:
        raise FeedbackRefused(
            f"You told us you couldn't make {what}, so there is no form for you. If you did take part, "
            f"ask {mention(cl.recruiter)} to put you back on the panel."
        )
    if not form_is_open(interview.starts_at, now):
        raise FeedbackRefused(
            f"The feedback form for {what} opens when the interview starts, "
            f"{slack_date(interview.starts_at)}. See you then!",
            title="Not open yet",
        )
    categories = form_categories(seat.kit, cl.rubric, interview.guidance, interview.stage_key)
    return FormContext(
        interview, seat, feedback, categories, checklist(interview.guidance, categories, seat.kit)
    )


def form_of(feedback: Feedback | None) -> FeedbackForm:
    """The form values stored in a feedback row (empty without one)."""
    if feedback is None:
        return FeedbackForm()
    return FeedbackForm(
        ratings=dict(feedback.ratings),
        signals=list(feedback.signals),
        question_notes=dict(feedback.question_notes),
        recommendation=feedback.recommendation,
        summary=feedback.summary,
        private_note=feedback.private_note,
    )


def _apply(feedback: Feedback, form: FeedbackForm) -> None:
    snap = form.snapshot()
    feedback.ratings, feedback.signals = snap["ratings"], snap["signals"]
    feedback.question_notes, feedback.recommendation = snap["question_notes"], form.recommendation
    feedback.summary, feedback.private_note = form.summary, form.private_note


def _row(session: Session, ctx: FormContext, now: datetime) -> Feedback:
    """The user's feedback row, created as an empty draft when missing (the seat lock is held)."""
    if ctx.feedback is not None:
        return ctx.feedback
    row = Feedback(
        interview_id=ctx.interview.id,
        interviewer=ctx.seat.user_id,
        status=FeedbackStatus.DRAFT,
        version=0,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    return row


def save_draft(
    session: Session, interview_id: int, user: str, form: FeedbackForm, now: datetime
) -> Feedback | None:
    """Keep what was typed when the modal is closed; a submitted scorecard is never overwritten by it."""
    _write_lock(session)
    ctx = load_form(session, interview_id, user, now, lock=True)
    row = _row(session, ctx, now)
    if row.status == FeedbackStatus.SUBMITTED:
        return None  # an edit that was closed without submitting is dropped; the submitted version stays
    _apply(row, clipped(ctx.offered(form)))
    row.updated_at = now
    session.flush()
    return row


def submit(session: Session, interview_id: int, user: str, form: FeedbackForm, now: datetime) -> SubmitResult:
    """Store a submission once: repeats are no-ops, edits bump `version` and add a FeedbackRevision.

    Runs before ack(): on SQLite a lock held too long by another writer raises OperationalError
    ("database is locked") after 2 s instead of making Slack give up on the request.
    """
    _write_lock(session, BEFORE_ACK)
    ctx = load_form(session, interview_id, user, now, lock=True)
    form = ctx.offered(form)
    errors = validate(form, ctx.categories, ctx.interview.candidate_loop.rubric)
    if errors:
        raise FeedbackInvalid(errors)
    row = _row(session, ctx, now)
    if row.status == FeedbackStatus.SUBMITTED and form_of(row).snapshot() == form.snapshot():
        return SubmitResult(row, changed=False, interview=ctx.interview)
    edit = row.status == FeedbackStatus.SUBMITTED
    _apply(row, form)
    row.status = FeedbackStatus.SUBMITTED
    row.version += 1
    row.submitted_at = row.submitted_at or now  # lateness counts from the first submission
    row.updated_at = now
    revision = FeedbackRevision(version=row.version, data={**form.snapshot(), "at": iso(now)}, created_at=now)
    if row.id is None:  # a new row: one flush inserts both, the row's key going into the revision
        row.revisions.append(revision)
    else:  # not through row.revisions, which would load every earlier version first
        revision.feedback_id = row.id
        session.add(revision)
    session.flush()
    digest_service.digest_if_due(
        session, ctx.interview.candidate_loop, now, "feedback_edited" if edit else "late_feedback"
    )
    calibration.after_submit(session, row, ctx.interview, now)
    return SubmitResult(row, changed=True, interview=ctx.interview)


def decline(session: Session, interview_id: int, user: str, now: datetime) -> bool:
    """'I can't make it': mark the seat, stop its deliveries, tell the recruiter. False if already done."""
    _write_lock(session)
    interview = session.get(Interview, interview_id)
    seat = next((s for s in interview.panel if s.user_id == user), None) if interview else None
    if interview is None or seat is None:
        raise FeedbackRefused("You are not on the panel of that interview.", title="Not on the panel")
    if interview.status == InterviewStatus.CANCELLED:
        raise FeedbackRefused("That interview was already cancelled: nothing to do.", title="Cancelled")
    if seat.declined_at is not None:
        return False
    if now >= interview.ends_at:
        raise FeedbackRefused(
            "This interview has already taken place. If you missed it, please tell "
            f"{mention(interview.candidate_loop.recruiter)} directly.",
            title="Already over",
        )
    seat.declined_at = now
    planner.cancel_pending(session, interview_id=interview_id, recipient=user)
    cl = interview.candidate_loop
    calibration.after_seat_change(session, cl, now)
    text = (
        f":warning: {mention(user)} ({kt.role_name(seat.role).lower()}) can't make the "
        f"{kt.what(interview)} on "
        f"{slack_date(interview.starts_at)}. Find a replacement from `/loop status`."
    )
    for who in dict.fromkeys(u for u in (cl.recruiter or cl.hiring_manager,) if u):
        planner.notify(
            session,
            recipient=who,
            candidate_loop_id=cl.id,
            interview_id=interview_id,
            notice=text,
            key=f"notice.declined:i{interview_id}:{user}:{iso(interview.starts_at)}",
            now=now,
        )
    session.flush()
    digest_service.digest_if_due(session, cl, now, "panel_changed")
    return True
