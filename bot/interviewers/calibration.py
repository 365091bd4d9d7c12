"""After a scorecard is submitted: compare each trainee's with the qualified lead's, once both are in.

Called from bot/feedback/service.py `submit()` inside its transaction. A trainee seat is a shadow or
reverse-shadow seat whose person is a trainee for the interview's type; their counterpart is the lead
seat (the qualified interviewer who led, or who observed a reverse shadow), who must still be qualified
for the type: a comparison with someone who is not would teach the trainee nothing (logged, skipped).

The calibration card is the first place a trainee sees anyone else's ratings, so the blind rule of the
whole candidate loop applies: while the trainee still owes a counted scorecard on another interview of
the same loop (`can_see_feedback` is false), the comparison is held back. Nothing is recorded then, so
no progress number, App Home line or graduation request can give it away. Every submission on the loop
looks again, so the trainee's own submission of that other scorecard records the held comparisons and
plans their cards.

What the trainee rated is frozen at the comparison: once the session exists their edits change nothing
(they have seen the lead's ratings by then), and a later edit by the lead is compared with the
trainee's scorecard as it was at the comparison (its FeedbackRevision of that time).

At send time the card is checked again (training_outbox.py): if the trainee owes a counted scorecard on
the loop by then (put on a later interview of it before the card went out), the row is cancelled with
HELD as its reason, and revived here by the trainee's next submission on the loop once they may see
feedback again. Cancelling, not leaving it pending, because a pending row would be claimed and checked
on every tick until then; `planner.store` revives a cancelled row under the same key.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from bot.delivery import planner
from bot.delivery.plan_logic import PlannedDelivery
from bot.feedback.blind import can_see_feedback
from bot.feedback.focus_logic import pool
from bot.interviewers import graduation, roster
from bot.interviewers.training import Comparison, compare, scale_keys
from models import (
    UNCOUNTED_ROLES,
    CandidateLoop,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Feedback,
    FeedbackRevision,
    FeedbackStatus,
    Interview,
    InterviewType,
    MemberState,
    PanelRole,
    PanelSeat,
    Qualification,
    TrainingKind,
    TrainingSession,
)

log = logging.getLogger("loopbot.interviewers")
HELD = "held: the trainee owes a scorecard on this candidate loop (blind rule)"


@dataclass(frozen=True)
class _Pairing:
    """An interview of the loop with its lead seat and the seats of trainees of its type."""

    interview: Interview
    lead: PanelSeat
    trainees: list[PanelSeat]


def _pairings(session: Session, cl: CandidateLoop) -> list[_Pairing]:
    """Every interview of the candidate loop with a lead and a trainee seat, in id order.

    One statement finds the trainee seats (an uncounted, not declined seat whose person is a trainee
    for the interview's type), so a submission on a loop without trainees costs what it did before.
    """
    found = session.execute(
        select(PanelSeat, Interview)
        .join(Interview, PanelSeat.interview_id == Interview.id)
        .join(
            Qualification,
            and_(
                Qualification.user_id == PanelSeat.user_id,
                Qualification.interview_type_id == Interview.interview_type_id,
            ),
        )
        .where(
            Interview.candidate_loop_id == cl.id,
            PanelSeat.role.in_(sorted(UNCOUNTED_ROLES)),
            PanelSeat.declined_at.is_(None),
            Qualification.state == MemberState.TRAINEE,
        )
        .order_by(Interview.id, PanelSeat.position)
    ).all()
    by_interview: dict[int, tuple[Interview, list[PanelSeat]]] = {}
    for seat, interview in found:
        by_interview.setdefault(interview.id, (interview, []))[1].append(seat)
    pairings = []
    for interview, seats in by_interview.values():
        lead = next((s for s in interview.panel if s.role == PanelRole.LEAD and s.declined_at is None), None)
        trainees = [s for s in seats if lead is not None and s.user_id != lead.user_id]
        if lead is not None and trainees:
            pairings.append(_Pairing(interview, lead, trainees))
    return pairings


def _lock(session: Session, interview_ids: list[int]) -> None:
    """Serialise the comparisons per interview, taking the locks in id order (no deadlock between two
    submissions on one loop).

    FOR NO KEY UPDATE, not FOR UPDATE: inserting a feedback row takes a KEY SHARE lock on its
    interview (the foreign key), which FOR UPDATE would wait on, so two first submissions would
    deadlock. On SQLite the write transaction already serialises everything (BEGIN IMMEDIATE).
    """
    session.execute(
        select(Interview.id)
        .where(Interview.id.in_(interview_ids))
        .order_by(Interview.id)
        .with_for_update(key_share=True)
    ).all()


def after_submit(session: Session, feedback: Feedback, interview: Interview, now: datetime) -> None:
    """Compare every trainee seat of the candidate loop with its lead once both scorecards are in and
    the trainee may see feedback; follow a lead's edit; plan cards that were held back."""
    _follow(session, interview.candidate_loop, now, edited=feedback.id, actor=feedback.interviewer)


def after_seat_change(session: Session, cl: CandidateLoop, now: datetime) -> None:
    """After a seat was declined or an interview cancelled on the loop: a trainee who owed that scorecard
    may see feedback now, so comparisons and cards held back for them go ahead."""
    _follow(session, cl, now, edited=None, actor=None)


def _follow(
    session: Session, cl: CandidateLoop, now: datetime, edited: int | None, actor: str | None
) -> None:
    """`edited`: the scorecard just submitted, if any; `actor`: whose action this is (None: anyone's
    held cards may be released; `_release` checks the blind rule itself)."""
    pairings = _pairings(session, cl)
    if not pairings:
        return
    _lock(session, [p.interview.id for p in pairings])
    # After the lock each statement sees what a concurrent submission committed (READ COMMITTED):
    # populate_existing so rows already in this session are read again too.
    cards = {
        (f.interview_id, f.interviewer): f
        for f in session.scalars(
            select(Feedback)
            .where(
                Feedback.interview_id.in_([p.interview.id for p in pairings]),
                Feedback.status == FeedbackStatus.SUBMITTED,
            )
            .execution_options(populate_existing=True)
        )
    }
    changed: list[TrainingSession] = []
    for p in pairings:
        qualified = cards.get((p.interview.id, p.lead.user_id))
        if qualified is None:
            continue
        for seat in p.trainees:
            mine = cards.get((p.interview.id, seat.user_id))
            if mine is None:
                continue
            row = _session_of(session, p.interview.id, seat.user_id)
            if row is None:
                row = _first(session, p, seat, mine, qualified, now)
            elif edited == qualified.id and row.qualified == p.lead.user_id:
                row = _lead_edit(session, p, seat, row, mine, qualified)
            else:  # the trainee's edit changes nothing; their submission may free a held card
                if actor is None or actor == seat.user_id:
                    _release(session, cl, row, now)
                row = None
            if row is not None:
                changed.append(row)
    kinds: dict[int, InterviewType] = {}
    # The same order in every transaction: graduation locks each trainee's qualification row.
    for row in sorted(changed, key=lambda r: (r.trainee, r.interview_type_id)):
        kind = kinds.setdefault(row.interview_type_id, session.get_one(InterviewType, row.interview_type_id))
        graduation.consider(session, kind, row, cl, now)


def _session_of(session: Session, interview_id: int, trainee: str) -> TrainingSession | None:
    return session.scalars(
        select(TrainingSession).where(
            TrainingSession.interview_id == interview_id, TrainingSession.trainee == trainee
        )
    ).first()


def _lead_qualified(session: Session, p: _Pairing) -> bool:
    state = roster.states(session, [p.lead.user_id], p.interview.interview_type_id).get(p.lead.user_id)
    if state in roster.QUALIFIED_STATES:
        return True
    log.info(
        "training.not_compared interview=%s lead=%s state=%s reason=lead_not_qualified",
        p.interview.id,
        p.lead.user_id,
        state or "none",
    )
    return False


def _first(
    session: Session, p: _Pairing, seat: PanelSeat, mine: Feedback, qualified: Feedback, now: datetime
) -> TrainingSession | None:
    """The first comparison of a trainee seat: recorded and its card planned, unless held back."""
    if not _lead_qualified(session, p):
        return None
    if not can_see_feedback(session, p.interview.candidate_loop_id, seat.user_id):
        log.info(
            "training.held interview=%s trainee=%s reason=owes_feedback_on_loop", p.interview.id, seat.user_id
        )
        return None
    result = compare_cards(p.interview, dict(mine.ratings), qualified)
    kind = TrainingKind.REVERSE_SHADOW if seat.role == PanelRole.REVERSE_SHADOW else TrainingKind.SHADOW
    row = TrainingSession(
        interview_id=p.interview.id,
        interview_type_id=p.interview.interview_type_id,
        trainee=seat.user_id,
        qualified=p.lead.user_id,
        kind=kind.value,
        compared_at=now,
    )
    _numbers(row, result)
    session.add(row)
    session.flush()
    _plan_card(session, p.interview.candidate_loop_id, row, now)
    _logged(p, seat, row, "compared")
    return row


def _lead_edit(
    session: Session, p: _Pairing, seat: PanelSeat, row: TrainingSession, mine: Feedback, qualified: Feedback
) -> TrainingSession | None:
    """The lead edited their scorecard: compare it with the trainee's as it was at the comparison."""
    if not _lead_qualified(session, p):
        return None
    result = compare_cards(p.interview, frozen_ratings(session, mine, row.compared_at), qualified)
    before = (row.exact, row.close, row.compared, list(row.details))
    if before == (result.exact, result.close, result.compared, result.details()):
        return None
    _numbers(row, result)
    session.flush()  # a card not sent yet renders the new numbers; a sent one stays as it was
    _logged(p, seat, row, "recompared")
    return row


def frozen_ratings(session: Session, trainee: Feedback, at: datetime) -> dict[str, Any]:
    """The trainee's ratings as submitted at `at` (the first comparison), whatever they edited since."""
    data = session.scalars(
        select(FeedbackRevision.data)
        .where(FeedbackRevision.feedback_id == trainee.id, FeedbackRevision.created_at <= at)
        .order_by(FeedbackRevision.version.desc())
        .limit(1)
    ).first()
    if data is None:  # no revision kept (a row written outside submit()): the current ratings
        return dict(trainee.ratings)
    return dict(data.get("ratings") or {})


def _numbers(row: TrainingSession, result: Comparison) -> None:
    row.exact, row.close, row.compared, row.details = (
        result.exact,
        result.close,
        result.compared,
        result.details(),
    )


def _logged(p: _Pairing, seat: PanelSeat, row: TrainingSession, what: str) -> None:
    log.info(
        "training.%s interview=%s trainee=%s kind=%s close=%d/%d",
        what,
        p.interview.id,
        seat.user_id,
        row.kind,
        row.close,
        row.compared,
    )


def compare_cards(interview: Interview, trainee: Mapping[str, Any], qualified: Feedback) -> Comparison:
    """The trainee's ratings compared with the qualified scorecard on the candidate loop's scale, in
    the rubric's category order."""
    rubric = interview.candidate_loop.rubric
    names = {c.key: c.name for c in pool(rubric, interview.guidance)}
    return compare(scale_keys(rubric), names, dict(trainee), dict(qualified.ratings))


def _release(session: Session, cl: CandidateLoop, row: TrainingSession, now: datetime) -> None:
    """Plan again a card cancelled at send time by the blind rule, once the trainee may see feedback."""
    held = session.scalars(
        select(Delivery.id).where(
            Delivery.dedupe_key == card_key(row),
            Delivery.status == DeliveryStatus.CANCELLED,
            Delivery.last_error == HELD,
        )
    ).first()
    if held is None or not can_see_feedback(session, cl.id, row.trainee):
        return
    _plan_card(session, cl.id, row, now)
    log.info("training.released session=%s trainee=%s", row.id, row.trainee)


def card_key(row: TrainingSession) -> str:
    return f"calibration:t{row.id}"


def _plan_card(session: Session, candidate_loop_id: int, row: TrainingSession, now: datetime) -> None:
    """The trainee's calibration card, once per session (a later edit re-renders a card not sent yet).

    No interview_id on the row: moving or cancelling the interview afterwards must not cancel it.
    """
    planned = PlannedDelivery(
        kind=DeliveryKind.CALIBRATION,
        recipient=row.trainee,
        dedupe_key=card_key(row),
        due_at=now,
        expires_at=None,
        payload={"v": 1, "training_session_id": row.id},
        candidate_loop_id=candidate_loop_id,
    )
    planner.store(session, [planned])
