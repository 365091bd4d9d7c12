"""The recruiter's one-click way out when a first-time lead has not rehearsed: a qualified lead instead.

Kept apart from dry_runs.py because it uses scheduling (free at that time, reassigning the seat), and
scheduling calls dry_runs.py when it books a lead.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from blocks.text import esc, mention, slack_date
from bot.interviewers import dry_runs, roster
from bot.interviewers.rules import dry_run_rule
from bot.scheduling.assignment import Booking
from bot.scheduling.changes import reassign_panelist
from bot.scheduling.create import booking_clashes
from bot.scheduling.requests import SchedulingError
from bot.settings import Settings
from models import DryRun, DryRunStatus, Interview, InterviewStatus, InterviewType

log = logging.getLogger("loopbot.interviewers")


def _on_loop(interview: Interview) -> set[str]:
    """Everyone seated (not declined) on a scheduled interview of the candidate's loop."""
    return {
        seat.user_id
        for other in interview.candidate_loop.interviews
        if other.status == InterviewStatus.SCHEDULED
        for seat in other.panel
        if seat.declined_at is None
    }


def candidates(session: Session, interview: Interview, lead: str) -> list[str]:
    """Qualified leads for the interview's type who could take it, best first.

    Free at that time (no overlapping scheduled seat), not on this candidate's loop already; those who
    would not need a dry run themselves first, then the lowest load in the interview's week.
    """
    taken = _on_loop(interview) | {lead}
    people = [u for u in roster.qualified(session, interview.interview_type_id) if u not in taken]
    if not people:
        return []
    bookings = [Booking(u, u, interview.starts_at, interview.ends_at) for u in people]
    busy = {ref for ref, _message in booking_clashes(session, bookings)}
    free = [u for u in people if u not in busy]
    week = dry_runs.week_load(session, free, interview.starts_at)
    kind = session.get(InterviewType, interview.interview_type_id)
    rule = dry_run_rule(kind) if kind is not None else None
    seat = next((s for s in dry_runs.lead_seats(interview) if s.user_id == lead), None)
    exercise = dry_runs.exercise_of(session, seat, rule) if rule is not None and seat is not None else ""

    def rank(user: str) -> tuple[bool, int, str]:
        rehearse = rule is not None and dry_runs.needs_dry_run(session, user, interview, exercise)
        return rehearse, week[user], user

    return sorted(free, key=rank)


def suggestion(session: Session, interview: Interview, lead: str) -> str | None:
    """The best replacement for `lead` now, or None when nobody qualifies."""
    found = candidates(session, interview, lead)
    return found[0] if found else None


@dataclass
class Swap:
    """What pressing "Swap" did: `text` for the person who pressed it, `people` whose homes changed."""

    done: bool
    text: str
    new_lead: str = ""
    people: set[str] = field(default_factory=set)


def swap_lead(
    session: Session,
    interview_id: int,
    dry_run_id: int,
    suggested: str,
    actor: str,
    settings: Settings,
    now: datetime,
) -> Swap:
    """Give the interview of an unrehearsed lead to a qualified one (the suggested one while still fit)."""
    interview = session.get(Interview, interview_id)
    if interview is None or interview.status != InterviewStatus.SCHEDULED:
        return Swap(False, "That interview is no longer scheduled: nothing to swap.")
    cl = interview.candidate_loop
    if actor != cl.recruiter and actor not in settings.admins:
        return Swap(
            False,
            f":lock: Only this candidate's recruiter ({mention(cl.recruiter)}) or a loopbot admin can swap "
            "the lead. Ask them, or reassign from `/loop status` if you manage this loop.",
        )
    row = session.get(DryRun, dry_run_id)
    if row is None:
        return Swap(False, "That dry run no longer exists: nothing to swap.")
    what = f"*{esc(str(interview.guidance.get('type_name') or 'interview'))}* with *{esc(cl.candidate.name)}*"
    if row.status == DryRunStatus.DONE:
        when = slack_date(row.done_at or now, "{date_short}")
        return Swap(False, f"{mention(row.user_id)} did the dry run ({when}): they still lead the {what}.")
    if not any(s.user_id == row.user_id for s in dry_runs.lead_seats(interview)):
        return Swap(False, f"{mention(row.user_id)} no longer leads the {what}: nothing to swap.")
    found = candidates(session, interview, row.user_id)
    if not found:
        return Swap(
            False,
            f"Nobody else qualified for the {what} is free on {slack_date(interview.starts_at)} and not "
            f"already on this candidate's loop. Ask {mention(row.partner)} to rehearse with "
            f"{mention(row.user_id)} before then, or choose a lead yourself from `/loop status` (Reassign).",
        )
    new = suggested if suggested in found else found[0]
    old = row.user_id
    before = {s.user_id for s in interview.panel}
    try:
        reassign_panelist(session, interview.id, old, new, settings, now, actor=actor)
    except SchedulingError as exc:
        return Swap(False, "Not swapped: " + "; ".join(esc(m) for _, m in exc.problems))
    log.info("dry_run.swapped interview=%s old=%s new=%s by=%s", interview.id, old, new, actor)
    text = (
        f":white_check_mark: Swapped: {mention(new)} now leads the {what} on "
        f"{slack_date(interview.starts_at)} instead of {mention(old)}; both are told."
    )
    people = before | {new, cl.recruiter, cl.hiring_manager, actor}
    return Swap(True, text, new_lead=new, people={p for p in people if p})
