"""The interviewer roster: per person and interview type, their state, training, agreement and load.

What `loopbot interviewers`, `/loop interviewers` and the recruiter's App Home show. It is read in a
constant number of statements whatever the size of the pools: members, live qualifications, compared
training sessions, this week's load and the limits each come in one query.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.interviewers import load
from bot.interviewers.progress import Progress, from_sessions
from models import (
    InterviewerPool,
    InterviewType,
    MemberState,
    PoolMember,
    Qualification,
    QualificationSource,
    TrainingSession,
)

# Qualified first, then those who may lead only, trainees, observers.
STATE_ORDER: dict[str, int] = {
    MemberState.QUALIFIED: 0,
    MemberState.LEAD_ONLY: 1,
    MemberState.TRAINEE: 2,
    MemberState.OBSERVER_ONLY: 3,
}


class UnknownName(ValueError):
    """A pool or interview type slug that does not exist; the message lists the choices."""


def unknown(what: str, given: str, choices: Iterable[str]) -> UnknownName:
    """`unknown interview type 'pairng' (did you mean 'pairing'?); choose from: a, b`."""
    known = sorted(set(choices))
    close = difflib.get_close_matches(given, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    listed = ", ".join(known) if known else "none yet"
    return UnknownName(f"unknown {what} {given!r}{hint}; choose from: {listed}")


@dataclass(frozen=True)
class RosterRow:
    """One person for one interview type."""

    user: str
    type_slug: str
    type_name: str
    pools: tuple[str, ...]  # slugs of the pools that list them for the type ("" none: an override)
    state: str  # the live qualification, or the pool file's when none is stored yet
    source: str  # content / graduated / override
    progress: Progress
    load: int  # interviews this week (all types), Monday to Sunday UTC
    weekly_limit: int

    @property
    def trainee(self) -> bool:
        return self.state == MemberState.TRAINEE

    @property
    def over_limit(self) -> bool:
        return self.load > self.weekly_limit

    @property
    def at_limit(self) -> bool:
        return self.load >= self.weekly_limit

    def sessions(self) -> str:
        """`shadow 1/2, reverse 0/1`; "-" for someone who never trained for the type (qualified by file)."""
        p = self.progress
        if not self.trainee and not (p.shadows or p.reverse_shadows):
            return "-"
        return f"shadow {p.shadows}/{p.rule.shadow}, reverse {p.reverse_shadows}/{p.rule.reverse_shadow}"

    def agreement(self) -> str:
        """`3 of 4 (75%)` over the latest sessions, "-" before any was compared."""
        p = self.progress
        if p.rate is None:
            return "-"
        return f"{p.close} of {p.compared} ({round(p.rate * 100)}%)"

    def load_text(self) -> str:
        return f"{self.load} of {self.weekly_limit}"


@dataclass(frozen=True)
class Roster:
    rows: list[RosterRow]
    week: tuple[datetime, datetime]
    pools: list[str]  # every pool slug (for "no pools yet" and choices)
    types: list[str]  # every interview type slug


def _members(session: Session, pool: str | None, type_id: int | None) -> list[tuple[str, str, int, str]]:
    """(user, pool slug, type id, content state) of pool members, in the pools' own order."""
    stmt = (
        select(PoolMember.user_id, InterviewerPool.slug, PoolMember.interview_type_id, PoolMember.state)
        .join(InterviewerPool, PoolMember.pool_id == InterviewerPool.id)
        .order_by(InterviewerPool.slug, PoolMember.position, PoolMember.id)
    )
    if pool is not None:
        stmt = stmt.where(InterviewerPool.slug == pool)
    if type_id is not None:
        stmt = stmt.where(PoolMember.interview_type_id == type_id)
    return [(u, p, t, s) for u, p, t, s in session.execute(stmt)]


def _qualifications(
    session: Session, users: Sequence[str] | None, type_id: int | None
) -> list[Qualification]:
    """Live qualifications of `users` (everyone's when None) for the type (every type when None)."""
    if users is not None and not users:
        return []
    stmt = select(Qualification)
    if users is not None:
        stmt = stmt.where(Qualification.user_id.in_(sorted(set(users))))
    if type_id is not None:
        stmt = stmt.where(Qualification.interview_type_id == type_id)
    return list(session.scalars(stmt))


def _sessions(session: Session, users: Sequence[str]) -> dict[tuple[str, int], list[TrainingSession]]:
    """Compared sessions per (trainee, type), newest first."""
    found: dict[tuple[str, int], list[TrainingSession]] = {}
    if not users:
        return found
    rows = session.scalars(
        select(TrainingSession)
        .where(TrainingSession.trainee.in_(sorted(set(users))))
        .order_by(TrainingSession.compared_at.desc(), TrainingSession.id.desc())
    )
    for row in rows:
        found.setdefault((row.trainee, row.interview_type_id), []).append(row)
    return found


def progress_of(kind: InterviewType, rows: Sequence[TrainingSession]) -> Progress:
    """The same Progress `bot.interviewers.progress.progress` gives, from sessions already loaded."""
    return from_sessions(kind, rows)


def roster(
    session: Session,
    now: datetime,
    weekly: int,
    daily: int,
    pool: str | None = None,
    type_slug: str | None = None,
    users: Iterable[str] | None = None,
) -> Roster:
    """The roster, filtered by pool slug, type slug and/or users; UnknownName for a slug that is not there.

    Without a pool filter, someone qualified by an override but listed in no pool is shown too.
    """
    types = {t.id: t for t in session.scalars(select(InterviewType).order_by(InterviewType.slug))}
    pools = list(session.scalars(select(InterviewerPool.slug).order_by(InterviewerPool.slug)))
    if pool is not None and pool not in pools:
        raise unknown("pool", pool, pools)
    type_id = None
    if type_slug is not None:
        by_slug = {t.slug: t.id for t in types.values()}
        if type_slug not in by_slug:
            raise unknown("interview type", type_slug, by_slug)
        type_id = by_slug[type_slug]
    wanted = None if users is None else set(users)
    members = [m for m in _members(session, pool, type_id) if wanted is None or m[0] in wanted]
    keys: dict[tuple[str, int], tuple[list[str], str]] = {}
    for user, pool_slug, tid, state in members:
        entry = keys.setdefault((user, tid), ([], state))
        if pool_slug not in entry[0]:
            entry[0].append(pool_slug)
    people = sorted({u for u, _ in keys} | (wanted or set()))
    quals = _qualifications(session, people if pool is not None or wanted is not None else None, type_id)
    live = {(q.user_id, q.interview_type_id): q for q in quals}
    if pool is None:  # overrides of people in no pool
        for key in live:
            if key not in keys and (wanted is None or key[0] in wanted):
                keys[key] = ([], live[key].state)
    everyone = sorted({u for u, _ in keys})
    trained = _sessions(session, everyone)
    week = load.week_of(now)
    busy = load.counts(session, everyone, *week)
    caps = load.limits(session, everyone, weekly, daily)
    rows = []
    for (user, tid), (in_pools, content_state) in keys.items():
        kind = types[tid]
        q = live.get((user, tid))
        rows.append(
            RosterRow(
                user=user,
                type_slug=kind.slug,
                type_name=kind.name,
                pools=tuple(in_pools),
                state=q.state if q else content_state,
                source=q.source if q else QualificationSource.CONTENT,
                progress=progress_of(kind, trained.get((user, tid), [])),
                load=busy[user],
                weekly_limit=caps[user].weekly,
            )
        )
    rows.sort(key=lambda r: (r.type_name.lower(), r.type_slug, STATE_ORDER.get(r.state, 9), r.user))
    return Roster(rows, week, pools, sorted(t.slug for t in types.values()))
