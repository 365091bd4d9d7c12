"""Graduation: a trainee who met the type's numbers is confirmed by the approver, or at once without one.

Every function works inside the caller's transaction. Whether a trainee is ready is progress.py's call;
here is who decides (the type's `training.approver`), what is recorded (Qualification, QualificationEvent,
GraduationRequest) and who is told (through the outbox, so it survives Slack being down).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from blocks.interviewers.graduation import quoted
from blocks.text import a_or_an, esc, mention
from bot.db import IMMEDIATE
from bot.delivery import planner
from bot.delivery.plan_logic import PlannedDelivery
from bot.interviewers import roster
from bot.interviewers.progress import MIN_COMPARED, Progress, progress
from bot.interviewers.rules import training_rule
from models import (
    CandidateLoop,
    DeliveryKind,
    GraduationRequest,
    GraduationStatus,
    InterviewType,
    MemberState,
    Qualification,
    QualificationEvent,
    QualificationSource,
    TrainingSession,
)

log = logging.getLogger("loopbot.interviewers")
BY_RULE = "loopbot"  # QualificationEvent.by when the type needs nobody's confirmation


class GraduationRefused(Exception):
    """The user may not decide on this request; `text` (mrkdwn) says why and who decides."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


@dataclass(frozen=True)
class Decision:
    """A decision's outcome: `changed` is False for a repeated click on a request already decided."""

    request: GraduationRequest
    kind: InterviewType
    changed: bool


def evidence(p: Progress, cl: CandidateLoop, ts: TrainingSession) -> dict[str, Any]:
    """What the approver is asked on: the progress numbers, and the loop whose recruiter hears of it."""
    return {
        "line": p.line(),
        "shadows": p.shadows,
        "reverse_shadows": p.reverse_shadows,
        "close": p.close,
        "exact": p.exact,
        "compared": p.compared,
        "candidate_loop_id": cl.id,
        "training_session_id": ts.id,
    }


def _pending(session: Session, user: str, type_id: int) -> GraduationRequest | None:
    return session.scalars(
        select(GraduationRequest).where(
            GraduationRequest.user_id == user,
            GraduationRequest.interview_type_id == type_id,
            GraduationRequest.status == GraduationStatus.PENDING,
        )
    ).first()


def _lock_trainee(session: Session, user: str, type_id: int) -> bool:
    """Lock the trainee's qualification row; True if they are (still) a trainee for the type.

    Two submissions that each complete a trainee's numbers would otherwise both ask (or, each seeing
    only its own new session, neither would). FOR UPDATE makes the second wait for the first to commit;
    every read after it is a new statement, so it sees the first one's session and request (READ
    COMMITTED). SQLite serialises writers already. The partial unique index on pending requests
    (models/interviewers.py) backs this up.
    """
    row = session.scalars(
        select(Qualification)
        .where(Qualification.user_id == user, Qualification.interview_type_id == type_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    return row is not None and row.state == MemberState.TRAINEE


def _waiting_after_not_yet(session: Session, user: str, type_id: int) -> bool:
    """An approver said "not yet" and no counted session was compared since: do not ask again yet.

    Only a new session is new evidence; an edit of an older one (its compared_at is unchanged) is not.
    """
    said = session.scalar(
        select(func.max(GraduationRequest.decided_at)).where(
            GraduationRequest.user_id == user,
            GraduationRequest.interview_type_id == type_id,
            GraduationRequest.status == GraduationStatus.NOT_YET,
        )
    )
    if said is None:
        return False
    newer = session.scalar(
        select(TrainingSession.id)
        .where(
            TrainingSession.trainee == user,
            TrainingSession.interview_type_id == type_id,
            TrainingSession.compared_at > said,
            TrainingSession.compared >= MIN_COMPARED,
        )
        .limit(1)
    )
    return newer is None


def approver_for(session: Session, kind: InterviewType, ts: TrainingSession, cl: CandidateLoop) -> str:
    """Who is asked: the type's approver, never the trainee; "" when nobody can be.

    hiring_manager: the loop's hiring manager, else its recruiter, else the session's qualified lead
    (a trainee who is the loop's hiring manager or recruiter cannot confirm themselves).
    any_qualified: the session's lead while still qualified, else another qualified interviewer of
    the type, else the recruiter (any qualified interviewer may decide all the same).
    """
    rule = training_rule(kind)
    if rule.approver == "any_qualified":
        leads = roster.qualified(session, kind.id)
        choices = [ts.qualified if ts.qualified in leads else "", *leads, cl.recruiter]
    else:
        choices = [cl.hiring_manager, cl.recruiter, ts.qualified]
    return next((c for c in choices if c and c != ts.trainee), "")


def consider(
    session: Session, kind: InterviewType, ts: TrainingSession, cl: CandidateLoop, now: datetime
) -> GraduationRequest | None:
    """After a comparison: graduate the trainee, or ask the approver, when the numbers are met."""
    trainee = ts.trainee
    if not _lock_trainee(session, trainee, kind.id):
        return None
    if _pending(session, trainee, kind.id) or _waiting_after_not_yet(session, trainee, kind.id):
        return None
    p = progress(session, trainee, kind)
    if not p.ready:
        return None
    rule = training_rule(kind)
    if rule.approver == "none":
        graduate(session, trainee, kind, BY_RULE, p.line(), now)
        _tell_graduated(session, trainee, kind, BY_RULE, cl, f"t{ts.id}", now)
        return None
    approver = approver_for(session, kind, ts, cl)
    if not approver:
        _tell_nobody_decides(session, trainee, kind, cl, ts, now)
        return None
    request = GraduationRequest(
        user_id=trainee,
        interview_type_id=kind.id,
        approver=approver,
        status=GraduationStatus.PENDING,
        evidence=evidence(p, cl, ts),
        reason="",
        created_at=now,
    )
    session.add(request)
    session.flush()
    planned = PlannedDelivery(
        kind=DeliveryKind.GRADUATION,
        recipient=approver,
        dedupe_key=f"graduation:r{request.id}",
        due_at=now,
        expires_at=None,
        payload={"v": 1, "request_id": request.id},
        candidate_loop_id=cl.id,
    )
    planner.store(session, [planned])
    log.info("graduation.asked user=%s type=%s approver=%s", trainee, kind.slug, approver)
    return request


def _tell_nobody_decides(
    session: Session, trainee: str, kind: InterviewType, cl: CandidateLoop, ts: TrainingSession, now: datetime
) -> None:
    """Ready, but nobody other than the trainee could be asked: the recruiter hears of it, or the log."""
    log.warning("graduation.no_approver user=%s type=%s", trainee, kind.slug)
    if not cl.recruiter or cl.recruiter == trainee:
        return
    text = (
        f":mortar_board: {mention(trainee)} has met the training requirements for *{esc(kind.name)}* "
        "interviews, but loopbot found nobody else who can confirm the graduation. An admin can qualify "
        f'them with `loopbot interviewers qualify {trainee} {kind.slug} --reason "..."`.'
    )
    planner.notify(
        session,
        recipient=cl.recruiter,
        candidate_loop_id=cl.id,
        interview_id=None,
        notice=text,
        key=f"notice.no_approver:t{ts.id}",
        now=now,
    )


def graduate(session: Session, user: str, kind: InterviewType, by: str, reason: str, now: datetime) -> None:
    """Qualified for the type, earned: a later content import keeps it (source graduated)."""
    row = session.scalars(
        select(Qualification).where(Qualification.user_id == user, Qualification.interview_type_id == kind.id)
    ).first()
    if row is None:
        row = Qualification(user_id=user, interview_type_id=kind.id)
        session.add(row)
    row.state, row.source, row.graduated_at, row.updated_at = (
        MemberState.QUALIFIED,
        QualificationSource.GRADUATED,
        now,
        now,
    )
    event = QualificationEvent(
        user_id=user, interview_type_id=kind.id, action="graduated", by=by, reason=reason, created_at=now
    )
    session.add(event)
    session.flush()
    log.info("graduation.graduated user=%s type=%s by=%s", user, kind.slug, by)


def _load(session: Session, request_id: int, user: str) -> tuple[GraduationRequest, InterviewType]:
    session.connection(execution_options=IMMEDIATE)  # SQLite: writers queue from the start
    request = session.get(GraduationRequest, request_id, with_for_update=True)
    if request is None:
        raise GraduationRefused(GONE)
    kind = session.get_one(InterviewType, request.interview_type_id)
    refused = why_not_decide(session, request, kind, user)
    if refused:
        raise GraduationRefused(refused)
    return request, kind


GONE = "This graduation request no longer exists: nothing to decide."


def why_not_decide(
    session: Session, request: GraduationRequest, kind: InterviewType, user: str
) -> str | None:
    """Why `user` may not decide on the request (mrkdwn), or None when they may.

    The asked approver may; with `approver: any_qualified`, so may anyone qualified for the type now.
    Never the trainee themselves, whoever was asked.
    """
    if user == request.user_id:
        return (
            f":lock: You cannot decide on your own graduation as {a_or_an(f'*{esc(kind.name)}*')} "
            f"interviewer: {mention(request.approver)} was asked to."
        )
    if user == request.approver:
        return None
    anyone = training_rule(kind).approver == "any_qualified"
    if anyone and user in roster.qualified(session, kind.id):
        return None
    return refusal(request, kind.name, anyone)


def refusal(request: GraduationRequest, type_name: str, anyone_qualified: bool = False) -> str:
    """What someone who may not decide is told when they press a decision button."""
    article = a_or_an(f"*{esc(type_name)}*")
    if anyone_qualified:
        return (
            f":lock: Only a qualified *{esc(type_name)}* interviewer can decide whether "
            f"{mention(request.user_id)} graduates as {article} interviewer: loopbot asked "
            f"{mention(request.approver)}. If it should not wait, ask them."
        )
    return (
        f":lock: Only {mention(request.approver)} can decide whether {mention(request.user_id)} graduates "
        f"as {article} interviewer: loopbot asked them. If it should not wait, ask them."
    )


def approve(session: Session, request_id: int, user: str, now: datetime) -> Decision:
    """The approver's Approve: the trainee is qualified; the trainee and the recruiter are told.

    Checked again now: a trainee who is not one any more (an admin changed their state) or no longer
    meets the numbers (a lead's edit) is not graduated; the request is withdrawn with what happened.
    """
    request, kind = _load(session, request_id, user)
    if request.status != GraduationStatus.PENDING:
        return Decision(request, kind, changed=False)
    request.decided_by, request.decided_at = user, now
    state = roster.states(session, [request.user_id], kind.id).get(request.user_id)
    p = progress(session, request.user_id, kind)
    if state != MemberState.TRAINEE:
        now_is = str(state or "not in the pool").replace("_", " ")
        _withdraw(request, f"no longer a trainee (now {now_is}), so nothing changed")
    elif not p.ready:
        _withdraw(request, f"no longer meeting the requirements ({p.line()}), so they stay a trainee")
    else:
        request.status = GraduationStatus.APPROVED
        graduate(session, request.user_id, kind, user, str(request.evidence.get("line", "")), now)
        cl = _loop_of(session, request)
        _tell_graduated(session, request.user_id, kind, user, cl, f"r{request.id}", now)
    session.flush()
    return Decision(request, kind, changed=True)


def _withdraw(request: GraduationRequest, reason: str) -> None:
    request.status, request.reason = GraduationStatus.WITHDRAWN, reason
    log.info("graduation.withdrawn request=%s user=%s reason=%s", request.id, request.user_id, reason)


def not_yet(session: Session, request_id: int, user: str, reason: str, now: datetime) -> Decision:
    """The approver's Not yet, with a reason the trainee is told; they stay a trainee."""
    request, kind = _load(session, request_id, user)
    if request.status != GraduationStatus.PENDING:
        return Decision(request, kind, changed=False)
    request.status, request.decided_by, request.decided_at = GraduationStatus.NOT_YET, user, now
    request.reason = reason
    event = QualificationEvent(
        user_id=request.user_id,
        interview_type_id=kind.id,
        action="not_yet",
        by=user,
        reason=reason,
        created_at=now,
    )
    session.add(event)
    text = (
        f":seedling: {mention(user)} read your training record for *{esc(kind.name)}* interviews and "
        f"says not yet:\n{quoted(reason)}\nYou stay a trainee; loopbot asks again after your next "
        "compared session."
    )
    cl = _loop_of(session, request)
    planner.notify(
        session,
        recipient=request.user_id,
        candidate_loop_id=cl.id if cl else None,
        interview_id=None,
        notice=text,
        key=f"notice.not_yet:r{request.id}",
        now=now,
    )
    session.flush()
    return Decision(request, kind, changed=True)


def _loop_of(session: Session, request: GraduationRequest) -> CandidateLoop | None:
    cl_id = request.evidence.get("candidate_loop_id")
    return session.get(CandidateLoop, int(cl_id)) if cl_id else None


def _tell_graduated(
    session: Session,
    user: str,
    kind: InterviewType,
    by: str,
    cl: CandidateLoop | None,
    tag: str,
    now: datetime,
) -> None:
    """The trainee, and the recruiter of the loop that completed the training, hear of it once."""
    who = "the type's training rule" if by == BY_RULE else mention(by)
    line = progress(session, user, kind).line()
    texts = {
        user: f":mortar_board: You are now a qualified *{esc(kind.name)}* interviewer (confirmed by {who}). "
        f"{esc(line)}. You can be scheduled as lead from now on.",
    }
    if cl is not None and cl.recruiter and cl.recruiter != user:
        texts[cl.recruiter] = (
            f":mortar_board: {mention(user)} graduated as {a_or_an(f'*{esc(kind.name)}*')} interviewer "
            f"(confirmed by {who}): {esc(line)}. They can lead interviews of this type now."
        )
    for recipient, text in texts.items():
        planner.notify(
            session,
            recipient=recipient,
            candidate_loop_id=cl.id if cl else None,
            interview_id=None,
            notice=text,
            key=f"notice.graduated:{tag}:{recipient}",
            now=now,
        )
