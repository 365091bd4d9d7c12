"""Panel suggestions: fill each seat of an interview type's panel shape from the type's pool.

Qualified people lead and interview (lead_only people only lead), a trainee takes the shadow seat when
the type has one (as reverse shadow once their shadow sessions are done), lowest load first (that week,
then that day, then user id, so the same state always gives the same panel), only people free at that
time, within their limits and not already on the candidate's loop. A type with `same_panel_for_role`
keeps the people the loop's latest candidate had in that stage while they still qualify.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from blocks.text import esc, esc_name, mention
from bot.interviewers import load
from bot.interviewers.progress import progress
from bot.interviewers.roster import SEAT_STATES, Member, pool_of
from models import CandidateLoop, Interview, InterviewStatus, InterviewType, MemberState, PanelSeat

_ROLE_ORDER = ("lead", "interviewer", "shadow", "reverse_shadow")


@dataclass(frozen=True)
class Pick:
    """One suggested seat and why this person."""

    user: str
    role: str
    reason: str  # plain text, as `loopbot schedule` prints it
    mrkdwn: str = ""  # the same for Slack: names escaped, people as mentions ("" = `reason` escaped)

    def shown(self) -> str:
        """The reason for a mrkdwn block: a candidate's name or a content name is never markup."""
        return self.mrkdwn or esc(self.reason)


@dataclass(frozen=True)
class Taken:
    """A seat the same candidate already has (or is being given) in another interview."""

    user: str
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class Wanted:
    """The interview to staff; `candidate_loop_id` when the candidate's loop exists already."""

    kind: InterviewType
    loop_id: int
    stage_key: str
    starts_at: datetime
    ends_at: datetime
    candidate_loop_id: int | None = None
    kept: tuple[tuple[str, str], ...] = ()  # (user, role) already chosen: kept, only empty seats filled


@dataclass
class Suggestion:
    picks: list[Pick] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # required seats nobody could fill, and why
    notes: list[str] = field(default_factory=list)  # optional seats left empty, and why


def _seat_counts(shape: Sequence[dict[str, object]]) -> dict[str, tuple[int, int]]:
    """{role: (seats to fill, required)}: at least one of each role the shape allows, more if required."""
    counts = {}
    for seat in shape:
        low, high = seat.get("min"), seat.get("max")
        low = low if isinstance(low, int) else 0
        high = high if isinstance(high, int) else 1
        if high >= 1:
            counts[str(seat["role"])] = (max(low, 1), low)
    return counts


class _Board:
    """Everyone in the pool with their load and whether they can sit on this interview."""

    def __init__(
        self, session: Session, wanted: Wanted, taken: Sequence[Taken], weekly: int, daily: int
    ) -> None:
        self.session, self.wanted = session, wanted
        self.members = {m.user: m for m in pool_of(session, wanted.kind.id)}
        users = list(self.members)
        start = wanted.starts_at
        self.week = load.counts(session, users, *load.week_of(start))
        self.day = load.counts(session, users, *load.day_of(start))
        for seat in taken:
            if seat.user in self.members:
                if load.week_of(seat.starts_at) == load.week_of(start):
                    self.week[seat.user] += 1
                if load.day_of(seat.starts_at) == load.day_of(start):
                    self.day[seat.user] += 1
        self.caps = load.limits(session, users, weekly, daily)
        self.busy = _busy(session, users, wanted.starts_at, wanted.ends_at) | {
            t.user for t in taken if t.starts_at < wanted.ends_at and wanted.starts_at < t.ends_at
        }
        self.on_loop = {t.user for t in taken} | _on_loop(session, wanted.candidate_loop_id)
        self.chosen: set[str] = set()

    def unavailable(self, user: str, role: str) -> str | None:
        """Why `user` cannot take a `role` seat here, or None."""
        member = self.members.get(user)
        if member is None:
            return "no longer in the pool"
        if member.state not in SEAT_STATES[role]:
            return f"{member.state.replace('_', ' ')} now, not able to sit as {role.replace('_', ' ')}"
        if user in self.chosen:
            return "already on this panel"
        if user in self.on_loop:
            return "already on this candidate's loop"
        if user in self.busy:
            return "busy at that time"
        if self.week[user] >= self.caps[user].weekly:
            return f"at their weekly limit ({self.week[user]} of {self.caps[user].weekly})"
        if self.day[user] >= self.caps[user].daily:
            return f"at their daily limit ({self.day[user]} of {self.caps[user].daily})"
        return None

    def lowest(self, role: str, states: frozenset[str]) -> Member | None:
        """The free person of `states` with the lowest load, ties by user id."""
        free = [
            m for m in self.members.values() if m.state in states and self.unavailable(m.user, role) is None
        ]
        return min(free, key=lambda m: (self.week[m.user], self.day[m.user], m.user), default=None)

    def load_reason(self, user: str) -> str:
        return f"lowest load: {self.week[user]} this week, {self.day[user]} that day"

    def take(self, user: str) -> None:
        self.chosen.add(user)


def _busy(session: Session, users: list[str], start: datetime, end: datetime) -> set[str]:
    if not users:
        return set()
    rows = session.scalars(
        select(PanelSeat.user_id)
        .join(Interview, PanelSeat.interview_id == Interview.id)
        .where(
            PanelSeat.user_id.in_(sorted(users)),
            PanelSeat.declined_at.is_(None),
            Interview.status == InterviewStatus.SCHEDULED,
            Interview.starts_at < end,
            Interview.ends_at > start,
        )
    )
    return set(rows)


def _on_loop(session: Session, candidate_loop_id: int | None) -> set[str]:
    if candidate_loop_id is None:
        return set()
    rows = session.scalars(
        select(PanelSeat.user_id)
        .join(Interview, PanelSeat.interview_id == Interview.id)
        .where(
            Interview.candidate_loop_id == candidate_loop_id,
            Interview.status == InterviewStatus.SCHEDULED,
            PanelSeat.declined_at.is_(None),
        )
    )
    return set(rows)


def _earlier_panel(session: Session, wanted: Wanted) -> tuple[str, list[tuple[str, str]]] | None:
    """(candidate name, [(user, role)]) of the lead and interviewers the loop's latest other candidate
    had in this stage, or None when no candidate has had it yet."""
    query = (
        select(Interview)
        .join(CandidateLoop, Interview.candidate_loop_id == CandidateLoop.id)
        .where(
            CandidateLoop.loop_id == wanted.loop_id,
            Interview.stage_key == wanted.stage_key,
            Interview.status == InterviewStatus.SCHEDULED,
        )
        .order_by(CandidateLoop.id.desc(), Interview.starts_at.desc(), Interview.id.desc())
        .limit(1)
    )
    if wanted.candidate_loop_id is not None:
        query = query.where(CandidateLoop.id != wanted.candidate_loop_id)
    interview = session.scalar(query)
    if interview is None:
        return None
    seats = [
        (s.user_id, s.role)
        for s in interview.panel
        if s.declined_at is None and s.role in ("lead", "interviewer")
    ]
    return interview.candidate_loop.candidate.name, seats


def suggest_panel(
    session: Session, wanted: Wanted, taken: Sequence[Taken], weekly: int, daily: int
) -> Suggestion:
    """Who should sit on `wanted`, seat by seat, with a reason for each (see the module docstring)."""
    kind = wanted.kind
    board = _Board(session, wanted, taken, weekly, daily)
    if not board.members:
        return Suggestion(
            problems=[
                f"{kind.name} has no interviewer pool to suggest from: choose the panel yourself, "
                "or add a `kind: interviewer_pool` file for it"
            ]
        )
    result = Suggestion()
    for user, role in wanted.kept:  # the people already chosen keep their seats and count as filled
        board.take(user)
        result.picks.append(Pick(user, role, "chosen already"))
    counts = _seat_counts(kind.panel)
    before = _same_panel(session, board, wanted, counts, result) if kind.same_panel_for_role else {}
    for role in ("lead", "interviewer"):
        if role in counts:
            _asking_seats(board, role, counts[role], before.get(role, []), result)
    if "shadow" in counts:
        _shadow_seat(session, board, kind, counts["shadow"], result)
    result.picks.sort(key=lambda p: _ROLE_ORDER.index(p.role))  # as the panel is listed
    return result


@dataclass(frozen=True)
class _NotAgain:
    """Why one of the latest candidate's panel is not seated again, as text and as mrkdwn."""

    text: str
    mrkdwn: str


def _same_panel(
    session: Session, board: _Board, wanted: Wanted, counts: dict[str, tuple[int, int]], result: Suggestion
) -> dict[str, list[_NotAgain]]:
    """Seat the lead and interviewers the loop's latest candidate had in this stage, while they still
    can sit; returns, by role, why each of the others is not seated again."""
    earlier = _earlier_panel(session, wanted)
    if earlier is None:
        return {}
    name, seats = earlier
    why_not: dict[str, list[_NotAgain]] = {}
    for user, role in seats:
        if role not in counts:
            continue
        why = board.unavailable(user, role)
        if why is not None:
            why_not.setdefault(role, []).append(
                _NotAgain(
                    f"{user} ({role} for {name}) is {why}",
                    f"{mention(user)} ({role} for {esc_name(name)}) is {esc(why)}",
                )
            )
        elif sum(1 for p in result.picks if p.role == role) < counts[role][0]:
            board.take(user)
            text = f"same panel as {name}'s {wanted.stage_key}"
            shown = f"same panel as {esc_name(name)}'s {esc(wanted.stage_key)}"
            result.picks.append(Pick(user, role, text, shown))
    return why_not


def _asking_seats(
    board: _Board, role: str, count: tuple[int, int], why_not: list[_NotAgain], result: Suggestion
) -> None:
    """Fill the remaining lead or interviewer seats by lowest load."""
    want, required = count
    filled = sum(1 for p in result.picks if p.role == role)
    for n in range(filled, want):
        found = board.lowest(role, SEAT_STATES[role])
        if found is None:
            what = f"no {'qualified ' if role == 'lead' else ''}{role} of {board.wanted.kind.name}"
            message = f"{what} is free and within their limits at that time: choose one yourself"
            (result.problems if n < required else result.notes).append(message)
            return
        board.take(found.user)
        reason = board.load_reason(found.user)
        if why_not:
            earlier = why_not.pop(0)
            result.picks.append(
                Pick(found.user, role, f"{earlier.text}; {reason}", f"{earlier.mrkdwn}; {reason}")
            )
        else:
            result.picks.append(Pick(found.user, role, reason))


def _shadow_seat(
    session: Session, board: _Board, kind: InterviewType, count: tuple[int, int], result: Suggestion
) -> None:
    """A trainee in the shadow seat (reverse shadow once their shadows are done); when the seat is
    required and no trainee is free, an observer or a qualified person."""
    want, required = count
    have = sum(1 for p in result.picks if p.role in ("shadow", "reverse_shadow"))
    for n in range(have, want):
        trainee = board.lowest("shadow", frozenset({MemberState.TRAINEE}))
        if trainee is not None:
            board.take(trainee.user)
            done = progress(session, trainee.user, kind)
            if done.shadows >= done.rule.shadow and any(p.role == "lead" for p in result.picks):
                reason = (
                    f"trainee: shadowed {done.shadows}/{done.rule.shadow}, "
                    f"reverse shadow {done.reverse_shadows}/{done.rule.reverse_shadow}"
                )
                result.picks.append(Pick(trainee.user, "reverse_shadow", reason))
            else:
                reason = f"trainee: shadowed {done.shadows}/{done.rule.shadow}"
                result.picks.append(Pick(trainee.user, "shadow", reason))
            continue
        if n >= required:
            result.notes.append(f"no trainee of {kind.name} is free for the shadow seat at that time")
            return
        other = board.lowest("shadow", SEAT_STATES["shadow"])
        if other is None:
            result.problems.append(
                f"nobody in the {kind.name} pool is free for the shadow seat at that time: "
                "choose one yourself"
            )
            return
        board.take(other.user)
        result.picks.append(Pick(other.user, "shadow", f"no trainee free; {board.load_reason(other.user)}"))
