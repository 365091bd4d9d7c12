"""Dry runs before a first lead: who owes one, with whom, the deliveries that ask for it, the prep line.

A type whose content says `dry_run:` asks each person who leads it for the first time (or, with
`per: question_set`, leads a new exercise of it) to rehearse with a partner first; the partner confirms
with one click. Everything here runs in the caller's transaction and never commits.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from blocks.text import esc, esc_name, mention, slack_date
from bot.delivery import planner
from bot.delivery.plan_logic import PAYLOAD_VERSION, PlannedDelivery, iso
from bot.interviewers import load, roster
from bot.interviewers.rules import DryRunRule, dry_run_rule
from models import (
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    DryRun,
    DryRunStatus,
    Interview,
    InterviewStatus,
    InterviewType,
    PanelRole,
    PanelSeat,
    QuestionSet,
)

log = logging.getLogger("loopbot.interviewers")

REMINDER_BEFORE = timedelta(hours=48)  # the lead's reminder, if the dry run has not happened by then
WARNING_BEFORE = timedelta(hours=24)  # the recruiter's warning, with a one-click swap
SHORT_NOTICE = timedelta(hours=3)  # booked closer than this: no reminder, the warning at once
TOO_LATE_TO_SWAP = timedelta(hours=1)  # booked closer than this: no warning either
KINDS = (DeliveryKind.DRY_RUN, DeliveryKind.DRY_RUN_REMINDER, DeliveryKind.DRY_RUN_WARNING)
# The request is per dry run, not per interview (its row is re-used): only these follow the first lead.
LATER_KINDS = (DeliveryKind.DRY_RUN_REMINDER, DeliveryKind.DRY_RUN_WARNING)
LATER = "an earlier interview is their first lead"


def lead_seats(interview: Interview) -> list[PanelSeat]:
    return [s for s in interview.panel if s.role == PanelRole.LEAD and s.declined_at is None]


def exercise_of(session: Session, seat: PanelSeat, rule: DryRunRule) -> str:
    """The question set slug when the type asks per exercise, else "" (once per type)."""
    if rule.per != "question_set":
        return ""
    slug = str((seat.kit or {}).get("slug") or "")
    if not slug and seat.question_set_id is not None:
        qs = session.get(QuestionSet, seat.question_set_id)
        slug = qs.slug if qs is not None else ""
    return slug


def has_led(session: Session, user: str, interview: Interview, exercise: str) -> bool:
    """Did (or will) `user` lead this type (this exercise, when given) on a scheduled interview starting
    before this one? Then this one is not their first lead: the dry run belongs to the earlier one, and
    a change to that one (cancelled, moved later, given to someone else) re-plans this one
    (`replan_leads`)."""
    rows = session.execute(
        select(PanelSeat.kit, PanelSeat.question_set_id)
        .join(Interview, PanelSeat.interview_id == Interview.id)
        .where(
            PanelSeat.user_id == user,
            PanelSeat.role == PanelRole.LEAD,
            PanelSeat.declined_at.is_(None),
            Interview.interview_type_id == interview.interview_type_id,
            Interview.status == InterviewStatus.SCHEDULED,
            Interview.starts_at < interview.starts_at,
            Interview.id != interview.id,
        )
    ).all()
    if not exercise:
        return bool(rows)
    slugs = {str((kit or {}).get("slug") or "") for kit, _ in rows}
    if exercise in slugs:
        return True
    set_ids = [qs_id for kit, qs_id in rows if not (kit or {}).get("slug") and qs_id is not None]
    if not set_ids:
        return False
    found = session.scalar(
        select(QuestionSet.id).where(QuestionSet.id.in_(set_ids), QuestionSet.slug == exercise)
    )
    return found is not None


def find(session: Session, user: str, type_id: int, exercise: str) -> DryRun | None:
    return session.scalar(
        select(DryRun).where(
            DryRun.user_id == user, DryRun.interview_type_id == type_id, DryRun.exercise == exercise
        )
    )


def needs_dry_run(session: Session, user: str, interview: Interview, exercise: str) -> bool:
    """No confirmed dry run for (user, type, exercise), and never led it before this interview."""
    row = find(session, user, interview.interview_type_id, exercise)
    if row is not None and row.status == DryRunStatus.DONE:
        return False
    return not has_led(session, user, interview, exercise)


def week_load(session: Session, users: list[str], when: datetime) -> dict[str, int]:
    """{user: interviews in the week of `when`} (0 when none)."""
    start, end = load.week_of(when)
    return load.counts(session, users, start, end)


def choose_partner(session: Session, interview: Interview, lead: str, rule: DryRunRule) -> str:
    """Who rehearses with `lead`: the loop's hiring manager, or the qualified interviewer of the type with
    the lowest load in the interview's week (when the rehearsal and the interview compete); when the
    hiring manager is missing or is the lead, a qualified one. "" if nobody fits."""
    manager = interview.candidate_loop.hiring_manager
    if rule.partner == "hiring_manager" and manager and manager != lead:
        return manager
    others = [u for u in roster.qualified(session, interview.interview_type_id) if u != lead]
    if not others:
        return ""
    week = week_load(session, others, interview.starts_at)
    return min(others, key=lambda u: (week[u], u))


def reminder_due(start: datetime, now: datetime) -> datetime | None:
    """48 h before, or halfway to the start when that is sooner.

    None when the interview is less than SHORT_NOTICE away: the request has only just gone out, and a
    reminder an hour later would only nag someone who is rehearsing or cannot."""
    if start - now < SHORT_NOTICE:
        return None
    return max(start - REMINDER_BEFORE, now + (start - now) / 2)


def warning_due(start: datetime, now: datetime) -> datetime | None:
    """24 h before; booked later than that, three quarters of the way (after the lead's reminder).

    Booked less than SHORT_NOTICE ahead, at once: waiting would leave the recruiter no time to swap.
    Less than TOO_LATE_TO_SWAP ahead, None: a new lead could not read the kit in time, so a swap would
    not help the candidate, and the lead has the request already."""
    if start - now < TOO_LATE_TO_SWAP:
        return None
    if start - now < SHORT_NOTICE:
        return now
    return max(start - WARNING_BEFORE, now + (start - now) * 3 / 4)


def _create(
    session: Session, user: str, type_id: int, exercise: str, partner: str, interview_id: int
) -> DryRun:
    """Insert the row; if another transaction just did, use theirs (the unique key is per person and type)."""
    row = DryRun(
        user_id=user, interview_type_id=type_id, exercise=exercise, partner=partner, interview_id=interview_id
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        found = find(session, user, type_id, exercise)
        if found is None:
            raise
        return found
    return row


def plan_for_interview(session: Session, interview: Interview, now: datetime) -> list[DryRun]:
    """Ask each first-time lead of the interview for a dry run, and plan its reminder and warning.

    Idempotent: an open request is kept (not duplicated) and its deliveries are planned again by key,
    which also revives rows a re-plan of the interview cancelled (a reassignment).
    """
    kind = session.get(InterviewType, interview.interview_type_id)
    rule = dry_run_rule(kind) if kind is not None else None
    if rule is None or interview.status != InterviewStatus.SCHEDULED or interview.starts_at <= now:
        return []
    asked = []
    for seat in lead_seats(interview):
        exercise = exercise_of(session, seat, rule)
        if not needs_dry_run(session, seat.user_id, interview, exercise):
            continue
        row = find(session, seat.user_id, interview.interview_type_id, exercise)
        if row is None:
            partner = choose_partner(session, interview, seat.user_id, rule)
            if not partner:
                _no_partner(session, interview, seat.user_id, exercise, rule, now)
                continue
            row = _create(session, seat.user_id, interview.interview_type_id, exercise, partner, interview.id)
            log.info(
                "dry_run.requested user=%s type=%s exercise=%s", seat.user_id, kind and kind.slug, exercise
            )
        elif not _still_first(session, row, interview):
            row.interview_id = interview.id  # the warning is about the first interview that needs it
        _plan_deliveries(session, row, interview, now)
        asked.append(row)
    session.flush()
    return asked


def replan_leads(session: Session, users: set[str], type_id: int, now: datetime) -> None:
    """After an interview of the type was cancelled, moved or given to someone else: plan the dry run of
    each of `users` anew on their interviews of the type still to come, earliest first.

    The earliest one that is a first lead (per exercise) gets the request, reminder and warning; the
    later ones ask nothing (`has_led`), and a reminder or warning still pending on them is cancelled
    (dry_run_outbox.obsolete_reason drops any other at send time). So it stays one dry run per person,
    type and exercise, asked for before their first lead."""
    if not users:
        return
    leading = select(PanelSeat.interview_id).where(
        PanelSeat.user_id.in_(sorted(users)),
        PanelSeat.role == PanelRole.LEAD,
        PanelSeat.declined_at.is_(None),
    )
    upcoming = session.scalars(
        select(Interview)
        .where(
            Interview.id.in_(leading),
            Interview.interview_type_id == type_id,
            Interview.status == InterviewStatus.SCHEDULED,
            Interview.starts_at > now,
        )
        .order_by(Interview.starts_at, Interview.id)
    ).all()
    kind = session.get(InterviewType, type_id)
    rule = dry_run_rule(kind) if kind is not None else None
    for interview in upcoming:
        plan_for_interview(session, interview, now)
        for seat in lead_seats(interview):
            exercise = exercise_of(session, seat, rule) if rule is not None else ""
            if seat.user_id in users and has_led(session, seat.user_id, interview, exercise):
                cancel_deliveries(session, interview.id, LATER, lead=seat.user_id, kinds=LATER_KINDS)


def cancel_deliveries(
    session: Session,
    interview_id: int,
    reason: str,
    lead: str | None = None,
    kinds: tuple[DeliveryKind, ...] = KINDS,
) -> int:
    """Cancel the pending dry-run rows of an interview (only those about `lead`'s dry run, when given),
    recording `reason`, before a re-plan of the interview cancels what is left without one."""
    rows = session.scalars(
        select(Delivery).where(
            Delivery.interview_id == interview_id,
            Delivery.status == DeliveryStatus.PENDING,
            Delivery.kind.in_(kinds),
        )
    ).all()
    ids = [r.id for r in rows if lead is None or r.payload.get("lead") == lead]
    if ids:
        session.execute(
            update(Delivery)
            .where(Delivery.id.in_(ids))
            .values(status=DeliveryStatus.CANCELLED, last_error=reason),
            execution_options={"synchronize_session": "fetch"},
        )
    return len(ids)


def _still_first(session: Session, row: DryRun, interview: Interview) -> bool:
    """Is the interview the row names still scheduled, led by the person, and no later than this one?"""
    if row.interview_id == interview.id:
        return True
    other = session.get(Interview, row.interview_id) if row.interview_id is not None else None
    if other is None or other.status != InterviewStatus.SCHEDULED or other.starts_at > interview.starts_at:
        return False
    return any(s.user_id == row.user_id for s in lead_seats(other))


def _plan_deliveries(session: Session, row: DryRun, interview: Interview, now: datetime) -> None:
    start, cl = interview.starts_at, interview.candidate_loop
    base = {"v": PAYLOAD_VERSION, "start": iso(start), "dry_run_id": row.id, "lead": row.user_id}

    def planned(kind: DeliveryKind, who: str, key: str, due: datetime, role: str) -> PlannedDelivery:
        return PlannedDelivery(
            kind=kind,
            recipient=who,
            dedupe_key=key,
            due_at=due,
            expires_at=start,  # a rehearsal, a reminder or a swap is pointless once it has begun
            payload={**base, "role": role},
            interview_id=interview.id,
            candidate_loop_id=cl.id,
        )

    tag = f"d{row.id}:i{interview.id}"
    out = [
        # The request goes once per dry run and person (a second interview does not ask again).
        planned(DeliveryKind.DRY_RUN, row.user_id, f"dry_run:d{row.id}:{row.user_id}", now, "lead"),
        planned(DeliveryKind.DRY_RUN, row.partner, f"dry_run:d{row.id}:{row.partner}", now, "partner"),
    ]
    remind = reminder_due(start, now)
    if remind is not None:
        key = f"dry_run_reminder:{tag}:{row.user_id}:{iso(start)}"
        out.append(planned(DeliveryKind.DRY_RUN_REMINDER, row.user_id, key, remind, "lead"))
    warn = warning_due(start, now)
    if warn is not None and cl.recruiter:
        key = f"dry_run_warning:{tag}:{cl.recruiter}:{iso(start)}"
        out.append(planned(DeliveryKind.DRY_RUN_WARNING, cl.recruiter, key, warn, "recruiter"))
    planner.store(session, out)


def _no_partner(
    session: Session, interview: Interview, lead: str, exercise: str, rule: DryRunRule, now: datetime
) -> None:
    """Nobody to rehearse with: the recruiter is told what to do, once per interview and lead."""
    cl = interview.candidate_loop
    who = cl.recruiter or cl.hiring_manager
    if not who:
        return
    type_name = esc(str(interview.guidance.get("type_name") or "interview"))
    missing = (
        "the loop has no hiring manager and nobody else is qualified for it"
        if rule.partner == "hiring_manager"
        else f"nobody else is qualified for {type_name}"
    )
    text = (
        f":warning: {mention(lead)} leads the *{type_name}* with *{esc_name(cl.candidate.name)}* on "
        f"{slack_date(interview.starts_at)} for the first time and needs a dry run first, but {missing}. "
        "Set the loop's hiring manager or add a qualified interviewer to the type's pool, then reassign "
        "the lead and back; or give the interview to a qualified lead from `/loop status`."
    )
    planner.notify(
        session,
        recipient=who,
        candidate_loop_id=cl.id,
        interview_id=interview.id,
        notice=text,
        key=f"notice.dry_run_partner:i{interview.id}:{lead}:{exercise}",
        now=now,
    )


def dry_run_line(session: Session, seat: PanelSeat, interview: Interview) -> str | None:
    """The lead's prep line: done (when and with whom), or not yet (with whom to rehearse); None if no
    dry run applies (not the lead, the type asks for none, or they have led it before)."""
    if seat.role != PanelRole.LEAD or seat.declined_at is not None:
        return None
    kind = session.get(InterviewType, interview.interview_type_id)
    rule = dry_run_rule(kind) if kind is not None else None
    if rule is None:
        return None
    exercise = exercise_of(session, seat, rule)
    if has_led(session, seat.user_id, interview, exercise):
        return None  # not their first lead: a rehearsal, done or not, is no news any more
    row = find(session, seat.user_id, interview.interview_type_id, exercise)
    if row is None:
        return None
    if row.status == DryRunStatus.DONE and row.done_at is not None:
        when = slack_date(row.done_at, "{date_short}")
        return f":white_check_mark: Dry run: done on {when} with {mention(row.partner)}"
    return (
        f":warning: Dry run: not done yet — rehearse with {mention(row.partner)} and ask them to press "
        "*Dry run done*"
    )


@dataclass(frozen=True)
class Confirmation:
    """What pressing "Dry run done" did: `refused` says why nothing changed; `already` that it was done."""

    refused: str = ""
    already: bool = False
    lead: str = ""
    partner: str = ""
    done_at: datetime | None = None


def confirm(session: Session, dry_run_id: int, user: str, now: datetime) -> Confirmation:
    """The partner confirms the dry run happened; the lead is told. Pressing it again changes nothing."""
    row = session.get(DryRun, dry_run_id, with_for_update=True)
    if row is None:
        return Confirmation(refused="That dry run no longer exists: nothing to confirm.")
    if user != row.partner:
        if user == row.user_id:
            text = (
                f"Only your dry-run partner can confirm it: rehearse with {mention(row.partner)} and ask "
                "them to press *Dry run done* in their message from loopbot."
            )
        else:
            text = (
                f"Only {mention(row.partner)}, who rehearses with {mention(row.user_id)}, can confirm this "
                "dry run."
            )
        return Confirmation(refused=text, lead=row.user_id, partner=row.partner)
    if row.status == DryRunStatus.DONE:
        return Confirmation(already=True, lead=row.user_id, partner=row.partner, done_at=row.done_at)
    row.status, row.done_at, row.confirmed_by = DryRunStatus.DONE, now, user
    session.flush()
    planner.notify(
        session,
        recipient=row.user_id,
        candidate_loop_id=None,
        interview_id=None,
        notice=(
            f":white_check_mark: {mention(user)} confirmed your dry run. You are ready to lead; the "
            "reminders about it stop."
        ),
        key=f"notice.dry_run_done:d{row.id}",
        now=now,
    )
    log.info("dry_run.done id=%s user=%s by=%s", row.id, row.user_id, user)
    return Confirmation(lead=row.user_id, partner=row.partner, done_at=now)
