"""Changes to a scheduled interview: move, reassign a panelist, cancel. Pending deliveries follow."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from blocks.text import esc, esc_name, mention, slack_date
from bot.delivery import planner
from bot.digest import service as digest_service
from bot.guard.inputs import is_user_id
from bot.interviewers import calibration, dry_runs, limits, roster
from bot.interviewers.limits import Planned, over_limit
from bot.scheduling.assignment import Booking, double_bookings, seat_problem
from bot.scheduling.create import booking_clashes
from bot.scheduling.lock import hold_scheduling_lock
from bot.scheduling.requests import MAX_MINUTES, SchedulingError
from bot.settings import Settings
from models import CandidateLoop, Interview, InterviewStatus, InterviewType, PanelRole

log = logging.getLogger("loopbot.scheduling")


def load_fresh(session: Session, interview_id: int) -> Interview | None:
    """The interview, its panel and its loop's other panels as stored now, not as the session may have
    read them earlier in the transaction: called after the scheduling lock, so a change another
    transaction committed meanwhile (a reassignment) is seen and not overwritten."""
    return session.scalar(
        select(Interview)
        .where(Interview.id == interview_id)
        .options(
            selectinload(Interview.panel),
            selectinload(Interview.candidate_loop)
            .selectinload(CandidateLoop.interviews)
            .selectinload(Interview.panel),
        )
        .execution_options(populate_existing=True)
    )


def _scheduled(session: Session, interview_id: int) -> Interview:
    interview = load_fresh(session, interview_id)
    if interview is None:
        raise SchedulingError([("interview", f"no interview {interview_id}")])
    if interview.status != InterviewStatus.SCHEDULED:
        raise SchedulingError([("interview", f"interview {interview_id} is {interview.status}")])
    return interview


def _clashes(
    session: Session, interview: Interview, users: list[str], start: datetime, end: datetime
) -> list[tuple[str, str]]:
    """(who or where, message) for each of `users` who would sit on another scheduled interview at the
    same time: the same candidate's
    (counted from the loop as loaded after the lock) or another candidate's (booking_clashes)."""
    others = [
        Booking(seat.user_id, f"interview {other.id}", other.starts_at, other.ends_at)
        for other in interview.candidate_loop.interviews
        if other.id != interview.id and other.status == InterviewStatus.SCHEDULED
        for seat in other.panel
    ]
    mine = [Booking(u, "this interview", start, end) for u in users]
    own = [
        (later.user, f"{later.user} is already on {earlier.ref} at that time")
        for earlier, later in double_bookings(others + mine)
        if later.ref == "this interview"
    ]
    elsewhere = booking_clashes(session, mine, exclude_candidate_loop=interview.candidate_loop_id)
    return own + elsewhere


def _limits(
    session: Session,
    path: str,
    users: list[str],
    start: datetime,
    settings: Settings,
    interview_id: int,
    allow_over_limit: bool,
    confirmed: str | None,
) -> None:
    """Refuse (`over_limit`, so the modal can ask to confirm) seats that take people over a limit, unless
    allowed (only over the confirmed ones when `confirmed`, a `limits.digest`, is given)."""
    planned = [Planned(u, path, start) for u in users]
    limited = over_limit(
        session, planned, settings.weekly_limit, settings.daily_limit, exclude_interviews=[interview_id]
    )
    if not limits.allowed(limited, allow_over_limit, confirmed):
        raise SchedulingError(limited, over_limit=True)


def _pool_problem(session: Session, interview: Interview, user: str, role: str) -> str | None:
    """Why `user` cannot take a `role` seat of this interview's type (None when they can, or no pool)."""
    kind = session.get(InterviewType, interview.interview_type_id)
    if kind is None:
        return None
    pool = {m.user: m.state for m in roster.pool_of(session, kind.id)}
    if not pool:
        return None
    state = roster.states(session, [user], kind.id).get(user, pool.get(user))
    return seat_problem(user, role, state, kind.name)


def move_interview(
    session: Session,
    interview_id: int,
    new_start: datetime,
    settings: Settings,
    now: datetime,
    actor: str,
    allow_over_limit: bool = False,
    confirmed: str | None = None,
) -> Interview:
    """Move an interview, keeping its length; pending deliveries follow and the panel is told."""
    hold_scheduling_lock(session)  # before the checks read other panels
    interview = _scheduled(session, interview_id)
    if new_start.tzinfo is None:
        raise SchedulingError([("start", "give the new start with a time zone")])
    if new_start < now:
        raise SchedulingError([("start", "starts in the past")])
    length = interview.ends_at - interview.starts_at
    if length.total_seconds() > MAX_MINUTES * 60:  # cannot be scheduled; refused here all the same
        raise SchedulingError([("start", f"an interview lasts at most {MAX_MINUTES} minutes")])
    end = new_start + length
    sitting = [s.user_id for s in interview.panel if s.declined_at is None]
    clashes = _clashes(session, interview, sitting, new_start, end)
    if clashes:
        raise SchedulingError([("start", message) for _user, message in clashes])
    _limits(session, "start", sitting, new_start, settings, interview.id, allow_over_limit, confirmed)
    moved = new_start != interview.starts_at
    interview.starts_at, interview.ends_at = new_start, end
    session.flush()
    if moved:
        dry_runs.cancel_deliveries(session, interview.id, "interview moved")
    planner.replan_interview(session, interview, settings, now, moved=moved)
    # The re-plan cancelled the dry-run rows too: plan them for the new time, and, when the interview
    # moved past another one its leads lead, on that one instead (it is now their first).
    dry_runs.plan_for_interview(session, interview, now)
    leads = {s.user_id for s in dry_runs.lead_seats(interview)}
    dry_runs.replan_leads(session, leads, interview.interview_type_id, now)
    log.info("scheduling.moved interview=%s by=%s to=%s", interview.id, actor, new_start.isoformat())
    return interview


def reassign_panelist(
    session: Session,
    interview_id: int,
    old_user: str,
    new_user: str,
    settings: Settings,
    now: datetime,
    actor: str,
    allow_over_limit: bool = False,
    confirmed: str | None = None,
) -> Interview:
    """Give a panelist's seat (role and kit) to someone else; the old one is told, the new one prepped."""
    if not is_user_id(new_user):  # stored, then shown in mentions: only a Slack user id may get here
        raise SchedulingError([("new_user", "Choose the person who takes the seat.")])
    hold_scheduling_lock(session)  # before the checks read other panels
    interview = _scheduled(session, interview_id)
    seat = next((s for s in interview.panel if s.user_id == old_user), None)
    if seat is None:
        raise SchedulingError([("old_user", f"{old_user} is not on this interview's panel")])
    if any(s.user_id == new_user for s in interview.panel):
        raise SchedulingError([("new_user", f"{new_user} is already on this interview's panel")])
    clashes = _clashes(session, interview, [new_user], interview.starts_at, interview.ends_at)
    if clashes:
        raise SchedulingError([("new_user", message) for _user, message in clashes])
    problem = _pool_problem(session, interview, new_user, seat.role)
    if problem:
        raise SchedulingError([("new_user", problem)])
    start = interview.starts_at
    _limits(session, "new_user", [new_user], start, settings, interview.id, allow_over_limit, confirmed)
    leads = seat.role == PanelRole.LEAD and seat.declined_at is None
    seat.user_id, seat.declined_at = new_user, None
    session.flush()
    dry_runs.cancel_deliveries(session, interview.id, "no longer leads it", lead=old_user)
    planner.cancel_pending(session, interview_id=interview.id, recipient=old_user)
    planner.replan_interview(session, interview, settings, now, moved=False)
    # After the re-plan (which cancels what was pending): a new first-time lead is asked for a dry run,
    # and the old lead's next interview of the type may now be their first.
    dry_runs.plan_for_interview(session, interview, now)
    if leads:
        dry_runs.replan_leads(session, {old_user, new_user}, interview.interview_type_id, now)
    planner.notify(
        session,
        recipient=old_user,
        candidate_loop_id=interview.candidate_loop_id,
        interview_id=interview.id,
        notice=f"You are no longer on the {_what(interview)}; {mention(new_user)} has taken your place.",
        key=f"notice.reassigned:i{interview.id}:{old_user}:{new_user}",
        now=now,
    )
    # A posted digest shows the panel (and holds scores while someone owes feedback): keep it current.
    digest_service.digest_if_due(session, interview.candidate_loop, now, "panel_changed")
    log.info(
        "scheduling.reassigned interview=%s by=%s old=%s new=%s", interview.id, actor, old_user, new_user
    )
    return interview


def cancel_interview(
    session: Session, interview_id: int, settings: Settings, now: datetime, actor: str
) -> Interview:
    """Cancel an interview: nothing pending for it is sent, and its panel is told.

    Under the scheduling lock like a move or a reassignment, and read after it, so one of those racing
    this cancel sees it cancelled (and refuses) instead of changing, and re-planning, a cancelled one."""
    hold_scheduling_lock(session)
    interview = _scheduled(session, interview_id)
    leads = {s.user_id for s in dry_runs.lead_seats(interview)}
    interview.status = InterviewStatus.CANCELLED
    session.flush()
    dry_runs.cancel_deliveries(session, interview.id, "interview cancelled")
    planner.replan_interview(session, interview, settings, now, moved=False)
    # The leads' next interview of the type may now be their first: it asks for the dry run instead.
    dry_runs.replan_leads(session, leads, interview.interview_type_id, now)
    for seat in interview.panel:
        if seat.declined_at is None:
            planner.notify(
                session,
                recipient=seat.user_id,
                candidate_loop_id=interview.candidate_loop_id,
                interview_id=interview.id,
                notice=f"The {_what(interview)} has been cancelled.",
                key=f"notice.cancelled:i{interview.id}:{seat.user_id}",
                now=now,
            )
    # The cancelled interview may have been all the loop was waiting for: post or update its digest.
    digest_service.digest_if_due(session, interview.candidate_loop, now, "panel_changed")
    # A trainee who owed a scorecard on it may see feedback now: their held calibration goes ahead.
    calibration.after_seat_change(session, interview.candidate_loop, now)
    log.info("scheduling.cancelled interview=%s by=%s", interview.id, actor)
    return interview


def _what(interview: Interview) -> str:
    kind = esc(str(interview.guidance.get("type_name") or "interview"))
    who = esc_name(interview.candidate_loop.candidate.name)
    return f"{kind} with *{who}* on {slack_date(interview.starts_at)}"
