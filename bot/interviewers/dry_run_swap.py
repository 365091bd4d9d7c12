"""The recruiter's one-click way out when a first-time lead has not rehearsed: a qualified lead instead.

Kept apart from dry_runs.py because it uses scheduling (free at that time, reassigning the seat), and
scheduling calls dry_runs.py when it books a lead.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from blocks import kit_text as kt
from blocks.interviewers import dry_run as blocks
from blocks.message import Message
from blocks.text import esc, mention, slack_date
from bot.guard.inputs import MAX_ID
from bot.interviewers import dry_runs, roster
from bot.interviewers.limits import Planned, over_limit
from bot.interviewers.load import Limits
from bot.interviewers.rules import dry_run_rule
from bot.scheduling.assignment import Booking
from bot.scheduling.changes import load_fresh, reassign_panelist
from bot.scheduling.create import booking_clashes
from bot.scheduling.lock import hold_scheduling_lock
from bot.scheduling.requests import SchedulingError
from bot.settings import Settings
from models import DryRun, DryRunStatus, Interview, InterviewStatus, InterviewType

log = logging.getLogger("loopbot.interviewers")

# The settings' defaults (LOOPBOT_WEEKLY_LIMIT, LOOPBOT_DAILY_LIMIT), for the warning's suggestion: a
# renderer is not given the settings. The click is checked against the real ones, and a suggestion
# that no longer fits is replaced by a fresh one (swap_lead).
DEFAULT_LIMITS = Limits(
    weekly=int(Settings.model_fields["weekly_limit"].default),
    daily=int(Settings.model_fields["daily_limit"].default),
)


@dataclass(frozen=True)
class Suggestion:
    """A replacement lead, and whether they have not led the type either (so need a dry run too)."""

    user: str
    needs_dry_run: bool = False


def _on_loop(interview: Interview) -> set[str]:
    """Everyone seated (not declined) on a scheduled interview of the candidate's loop."""
    return {
        seat.user_id
        for other in interview.candidate_loop.interviews
        if other.status == InterviewStatus.SCHEDULED
        for seat in other.panel
        if seat.declined_at is None
    }


def ranked(session: Session, interview: Interview, lead: str, caps: Limits) -> list[Suggestion]:
    """Qualified leads for the interview's type who could take it, best first.

    Free at that time (no overlapping scheduled seat), not on this candidate's loop already, and within
    their weekly and daily limits at the interview's time (else the reassignment refuses them); those
    who would not need a dry run themselves first, then the lowest load in the interview's week.
    """
    taken = _on_loop(interview) | {lead}
    people = [u for u in roster.qualified(session, interview.interview_type_id) if u not in taken]
    if not people:
        return []
    bookings = [Booking(u, u, interview.starts_at, interview.ends_at) for u in people]
    busy = {ref for ref, _message in booking_clashes(session, bookings)}
    planned = [Planned(u, u, interview.starts_at) for u in people if u not in busy]
    limited = {
        ref
        for ref, _message in over_limit(
            session, planned, caps.weekly, caps.daily, exclude_interviews=[interview.id]
        )
    }
    free = [p.user for p in planned if p.user not in limited]
    week = dry_runs.week_load(session, free, interview.starts_at)
    kind = session.get(InterviewType, interview.interview_type_id)
    rule = dry_run_rule(kind) if kind is not None else None
    seat = next((s for s in dry_runs.lead_seats(interview) if s.user_id == lead), None)
    exercise = dry_runs.exercise_of(session, seat, rule) if rule is not None and seat is not None else ""
    rehearse = {u: rule is not None and dry_runs.needs_dry_run(session, u, interview, exercise) for u in free}
    order = sorted(free, key=lambda u: (rehearse[u], week[u], u))
    return [Suggestion(u, rehearse[u]) for u in order]


def candidates(session: Session, interview: Interview, lead: str, caps: Limits = DEFAULT_LIMITS) -> list[str]:
    """The users of `ranked`, best first."""
    return [s.user for s in ranked(session, interview, lead, caps)]


def suggestion(
    session: Session, interview: Interview, lead: str, caps: Limits = DEFAULT_LIMITS
) -> Suggestion | None:
    """The best replacement for `lead` now, or None when nobody qualifies."""
    found = ranked(session, interview, lead, caps)
    return found[0] if found else None


@dataclass
class Swap:
    """What pressing "Swap" did: `text` for the person who pressed it, `people` whose homes changed;
    `fresh` replaces the warning when its suggestion no longer fits (a new suggestion, or none)."""

    done: bool
    text: str
    new_lead: str = ""
    people: set[str] = field(default_factory=set)
    fresh: Message | None = None


def with_mentions(text: str, users: list[str]) -> str:
    """A scheduling refusal for Slack: escaped, with the people it names as mentions, not raw ids."""
    named = re.compile(r"\b(" + "|".join(re.escape(u) for u in users if u) + r")\b")
    return named.sub(lambda found: mention(found.group(1)), esc(text))


def _mismatch(session: Session, interview: Interview, row: DryRun) -> bool:
    """Is the dry run of the button about another interview, type or exercise than this one's lead?"""
    if row.interview_type_id != interview.interview_type_id or row.interview_id != interview.id:
        return True
    seat = next((s for s in dry_runs.lead_seats(interview) if s.user_id == row.user_id), None)
    kind = session.get(InterviewType, interview.interview_type_id)
    rule = dry_run_rule(kind) if kind is not None else None
    if seat is None or rule is None:
        return seat is not None  # a type without dry runs: nothing to swap for
    return dry_runs.exercise_of(session, seat, rule) != row.exercise


def swap_lead(
    session: Session,
    interview_id: int,
    dry_run_id: int,
    suggested: str,
    actor: str,
    settings: Settings,
    now: datetime,
) -> Swap:
    """Give the interview of an unrehearsed lead to the suggested qualified lead, while still fit.

    The scheduling lock comes first, so what is read below (the panel, who is free, the loads) is what
    other writers committed, and a concurrent reassignment is seen rather than overwritten. When the
    suggested person no longer fits, nothing changes: the answer names a fresh suggestion instead of
    swapping to someone the recruiter did not choose."""
    if not (1 <= interview_id <= MAX_ID and 1 <= dry_run_id <= MAX_ID):  # past INTEGER: a DataError
        return Swap(False, "That button is not one loopbot made: nothing changed.")
    hold_scheduling_lock(session)
    interview = load_fresh(session, interview_id)
    if interview is None or interview.status != InterviewStatus.SCHEDULED:
        return Swap(False, "That interview is no longer scheduled: nothing to swap.")
    cl = interview.candidate_loop
    if actor != cl.recruiter and actor not in settings.admins:
        return Swap(
            False,
            f":lock: Only this candidate's recruiter ({mention(cl.recruiter)}) or a loopbot admin can swap "
            "the lead. Ask them, or reassign from `/loop status` if you manage this loop.",
        )
    row = session.get(DryRun, dry_run_id, populate_existing=True)
    if row is None:
        return Swap(False, "That dry run no longer exists: nothing to swap.")
    what = kt.what(interview)
    if _mismatch(session, interview, row):
        return Swap(
            False,
            f"That button is not about the lead of the {what}: nothing changed. Use the newest warning "
            "from loopbot, or reassign from `/loop status`.",
        )
    if row.status == DryRunStatus.DONE:
        when = slack_date(row.done_at or now, "{date_short}")
        return Swap(False, f"{mention(row.user_id)} did the dry run ({when}): they still lead the {what}.")
    if not any(s.user_id == row.user_id for s in dry_runs.lead_seats(interview)):
        return Swap(False, f"{mention(row.user_id)} no longer leads the {what}: nothing to swap.")
    caps = Limits(settings.weekly_limit, settings.daily_limit)
    found = ranked(session, interview, row.user_id, caps)
    if not any(s.user == suggested for s in found):
        fresh = found[0] if found else None
        message = blocks.warning(
            interview, row, fresh.user if fresh else None, bool(fresh and fresh.needs_dry_run)
        )
        gone = f"{mention(suggested)} can no longer take it" if suggested else "Nobody was suggested"
        if fresh is None:
            text = (
                f"Not swapped: {gone}, and nobody else qualified for the {what} is free on "
                f"{slack_date(interview.starts_at)}, within their limits and not already on this "
                f"candidate's loop. Ask {mention(row.partner)} to rehearse with {mention(row.user_id)} "
                "before then, or choose a lead yourself from `/loop status` (Reassign)."
            )
        else:
            text = (
                f"Not swapped: {gone} (busy then, at a limit, or now on this candidate's loop). The "
                f"message now suggests {mention(fresh.user)}: press *Swap to a qualified lead* again to "
                "give them the seat."
            )
        return Swap(False, text, fresh=message)
    old = row.user_id
    before = {s.user_id for s in interview.panel}
    try:
        reassign_panelist(session, interview.id, old, suggested, settings, now, actor=actor)
    except SchedulingError as exc:
        named = [suggested, old]
        return Swap(False, "Not swapped: " + "; ".join(with_mentions(m, named) for _, m in exc.problems))
    log.info("dry_run.swapped interview=%s old=%s new=%s by=%s", interview.id, old, suggested, actor)
    text = (
        f":white_check_mark: Swapped: {mention(suggested)} now leads the {what} on "
        f"{slack_date(interview.starts_at)} instead of {mention(old)}; both are told."
    )
    people = before | {suggested, cl.recruiter, cl.hiring_manager, actor}
    return Swap(True, text, new_lead=suggested, people={p for p in people if p})
