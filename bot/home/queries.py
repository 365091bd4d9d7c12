"""Everything one user's App Home shows, loaded in a small, constant number of SQL statements.

The interviewer program adds two constant-cost reads: the user's own roster rows (load, training), and
for recruiters and admins the whole roster summed up per interview type (bot/interviewers/table.py).

However many interviews a user has sat on, the home costs the same: each list is one LIMITed query, and
related rows come in with joinedload (many-to-one) or selectinload (one IN query per relationship).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from bot.interviewers.load import Limits
from bot.interviewers.progress import Progress
from bot.interviewers.roster import QUALIFIED_STATES
from bot.interviewers.table import RosterRow, roster
from bot.settings import Settings
from models import (
    UNCOUNTED_ROLES,
    CandidateLoop,
    Feedback,
    FeedbackStatus,
    Interview,
    InterviewerPool,
    InterviewStatus,
    Loop,
    PanelSeat,
    PoolMember,
    Qualification,
)

# The settings' defaults (LOOPBOT_WEEKLY_LIMIT, LOOPBOT_DAILY_LIMIT), for callers that pass none.
DEFAULT_LIMITS = Limits(
    weekly=int(Settings.model_fields["weekly_limit"].default),
    daily=int(Settings.model_fields["daily_limit"].default),
)
UPCOMING_LIMIT = 15
DUE_LIMIT = 20
RECENT_LIMIT = 5
LOOPS_LIMIT = 10
DEBRIEF_WINDOW = timedelta(days=14)


@dataclass(frozen=True)
class SeatItem:
    """An interview the user sits on, their seat, and their feedback row if any (draft or submitted)."""

    interview: Interview
    seat: PanelSeat
    feedback: Feedback | None = None


@dataclass(frozen=True)
class LoopItem:
    """A candidate loop the user runs, and who has submitted feedback on which interview."""

    cl: CandidateLoop
    submitted: frozenset[tuple[int, str]]


@dataclass(frozen=True)
class MyInterviewing:
    """An interviewer's own side: this week's load against their limit, and training per type."""

    load: int
    weekly_limit: int
    training: list[Progress] = field(default_factory=list)


@dataclass(frozen=True)
class TypeHealth:
    """A recruiter's view of one interview type's pool."""

    type_name: str
    leads: list[str]  # qualified (or lead only): who can lead it
    trainees: list[tuple[str, Progress]]
    over: list[tuple[str, int, int]]  # (user, interviews this week, weekly limit) above their limit


@dataclass
class HomeData:
    user: str
    upcoming: list[SeatItem] = field(default_factory=list)
    due: list[SeatItem] = field(default_factory=list)
    recent: list[SeatItem] = field(default_factory=list)
    loops: list[LoopItem] = field(default_factory=list)
    manages: bool = False  # runs loops (recruiter, hiring manager) or is an admin
    interviewing: MyInterviewing | None = None  # None: in no interviewer pool
    pools: list[TypeHealth] | None = None  # None: not a recruiter or admin; []: no pools yet

    @property
    def empty(self) -> bool:
        return not (self.upcoming or self.due or self.recent or self.loops)


def _with_loop() -> list[object]:
    return [joinedload(Interview.candidate_loop).joinedload(CandidateLoop.candidate)]


def _seats(session: Session, user: str, now: datetime) -> tuple[list[SeatItem], list[SeatItem]]:
    mine = and_(
        PanelSeat.user_id == user,
        PanelSeat.declined_at.is_(None),
        Interview.status == InterviewStatus.SCHEDULED,
    )
    base = (
        select(PanelSeat, Interview, Feedback)
        .join(Interview, PanelSeat.interview_id == Interview.id)
        .outerjoin(Feedback, and_(Feedback.interview_id == Interview.id, Feedback.interviewer == user))
        .options(*_with_loop())  # type: ignore[arg-type]
    )
    upcoming = session.execute(
        base.where(mine, Interview.ends_at > now).order_by(Interview.starts_at).limit(UPCOMING_LIMIT)
    )
    owed = and_(
        PanelSeat.role.not_in(sorted(UNCOUNTED_ROLES)),
        or_(Feedback.id.is_(None), Feedback.status != FeedbackStatus.SUBMITTED),
    )
    due = session.execute(
        base.where(mine, Interview.ends_at <= now, owed).order_by(Interview.ends_at).limit(DUE_LIMIT)
    )
    return (
        [SeatItem(i, s, f) for s, i, f in upcoming.unique()],
        [SeatItem(i, s, f) for s, i, f in due.unique()],
    )


def _recent(session: Session, user: str) -> list[SeatItem]:
    rows = session.execute(
        select(Feedback, Interview, PanelSeat)
        .join(Interview, Feedback.interview_id == Interview.id)
        .join(PanelSeat, and_(PanelSeat.interview_id == Interview.id, PanelSeat.user_id == user))
        .where(Feedback.interviewer == user, Feedback.status == FeedbackStatus.SUBMITTED)
        .options(*_with_loop())  # type: ignore[arg-type]
        .order_by(Feedback.submitted_at.desc(), Feedback.id.desc())
        .limit(RECENT_LIMIT)
    )
    return [SeatItem(i, s, f) for f, i, s in rows.unique()]


def open_loops_query(user: str | None, now: datetime) -> Select[CandidateLoop]:
    """Candidate loops in progress or recently debriefed; everyone's when user is None.

    A loop stays on its recruiter's and hiring manager's home until its digest is out and its last
    interview is DEBRIEF_WINDOW behind: the days after a debrief are when they decide.
    """
    live = select(Interview.id).where(
        Interview.candidate_loop_id == CandidateLoop.id, Interview.status == InterviewStatus.SCHEDULED
    )
    ahead = live.where(Interview.ends_at > now - DEBRIEF_WINDOW)
    stmt = select(CandidateLoop).where(exists(live), or_(CandidateLoop.digest_ts.is_(None), exists(ahead)))
    if user is not None:
        stmt = stmt.where(or_(CandidateLoop.recruiter == user, CandidateLoop.hiring_manager == user))
    return stmt


def _loops(session: Session, user: str, now: datetime, admin: bool) -> list[LoopItem]:
    stmt = open_loops_query(None if admin else user, now)
    loops = list(
        session.scalars(
            stmt.options(
                joinedload(CandidateLoop.candidate),
                selectinload(CandidateLoop.interviews).selectinload(Interview.panel),
            )
            .order_by(CandidateLoop.created_at.desc(), CandidateLoop.id.desc())
            .limit(LOOPS_LIMIT)
        ).unique()
    )
    ids = [i.id for cl in loops for i in cl.interviews]
    done = (
        frozenset(
            (iid, who)
            for iid, who in session.execute(
                select(Feedback.interview_id, Feedback.interviewer).where(
                    Feedback.interview_id.in_(ids), Feedback.status == FeedbackStatus.SUBMITTED
                )
            )
        )
        if ids
        else frozenset()
    )
    return [LoopItem(cl, done) for cl in loops]


def runs_loops(session: Session, user: str, admins: Collection[str] = ()) -> bool:
    """Whether the user is an admin, or the recruiter or hiring manager of a loop or a candidate loop."""
    if user in admins:
        return True
    of_candidate = exists().where(or_(CandidateLoop.recruiter == user, CandidateLoop.hiring_manager == user))
    of_loop = exists().where(or_(Loop.recruiter == user, Loop.hiring_manager == user))
    return bool(session.scalar(select(or_(of_candidate, of_loop))))


def recruits(session: Session, user: str, admins: Collection[str] = ()) -> bool:
    """Whether the user is an admin, or the recruiter of a loop or a candidate loop (the roster's readers)."""
    if user in admins:
        return True
    of_candidate = exists().where(CandidateLoop.recruiter == user)
    of_loop = exists().where(Loop.recruiter == user)
    return bool(session.scalar(select(or_(of_candidate, of_loop))))


def _program(session: Session, user: str, admins: Collection[str]) -> tuple[bool, bool, bool]:
    """(is in the interviewer program, sees the pools' health, any pool exists): one statement."""
    in_program = or_(
        exists().where(PoolMember.user_id == user), exists().where(Qualification.user_id == user)
    )
    recruiter = or_(exists().where(CandidateLoop.recruiter == user), exists().where(Loop.recruiter == user))
    member, recruits_loops, pools = session.execute(
        select(in_program, recruiter, exists().where(InterviewerPool.id.is_not(None)))
    ).one()
    return bool(member), user in admins or bool(recruits_loops), bool(pools)


def my_interviewing(session: Session, user: str, now: datetime, limits: Limits) -> MyInterviewing | None:
    """The user's load this week and training progress, when they are in a pool (or were qualified)."""
    rows = roster(session, now, limits.weekly, limits.daily, users=[user]).rows
    if not rows:
        return None
    return MyInterviewing(rows[0].load, rows[0].weekly_limit, [r.progress for r in rows if r.trainee])


def pool_health(session: Session, now: datetime, limits: Limits) -> list[TypeHealth]:
    """Per interview type with a pool: who can lead it, who is training, who is over their limit."""
    by_type: dict[str, list[RosterRow]] = {}
    for row in roster(session, now, limits.weekly, limits.daily).rows:
        by_type.setdefault(row.type_slug, []).append(row)
    return [
        TypeHealth(
            type_name=rows[0].type_name,
            leads=[r.user for r in rows if r.state in QUALIFIED_STATES],
            trainees=[(r.user, r.progress) for r in rows if r.trainee],
            over=[(r.user, r.load, r.weekly_limit) for r in rows if r.over_limit],
        )
        for rows in by_type.values()
    ]


def load_home(
    session: Session,
    user: str,
    now: datetime,
    admins: Collection[str] = (),
    limits: Limits = DEFAULT_LIMITS,
) -> HomeData:
    """The user's App Home: coming up, feedback due, recently submitted, the loops they run, their own
    interviewing (load and training) and, for recruiters and admins, the pools' health."""
    upcoming, due = _seats(session, user, now)
    admin = user in admins
    loops = _loops(session, user, now, admin)
    member, recruiter, any_pool = _program(session, user, admins)
    health = (pool_health(session, now, limits) if any_pool else []) if recruiter else None
    return HomeData(
        user=user,
        upcoming=upcoming,
        due=due,
        recent=_recent(session, user),
        loops=loops,
        manages=admin or bool(loops) or runs_loops(session, user),
        interviewing=my_interviewing(session, user, now, limits) if member else None,
        pools=health,
    )


def may_manage(cl: CandidateLoop, user: str, admins: Collection[str] = ()) -> bool:
    """Scheduling changes, status and digests belong to the loop's recruiter, hiring manager and admins."""
    return user in (cl.recruiter, cl.hiring_manager) or user in admins


def load_status(session: Session, candidate_loop_id: int) -> LoopItem | None:
    """One candidate loop with its interviews, panels and who has submitted (three statements)."""
    cl = session.scalars(
        select(CandidateLoop)
        .where(CandidateLoop.id == candidate_loop_id)
        .options(
            joinedload(CandidateLoop.candidate),
            selectinload(CandidateLoop.interviews).selectinload(Interview.panel),
        )
    ).one_or_none()
    if cl is None:
        return None
    ids = [i.id for i in cl.interviews]
    done = session.execute(
        select(Feedback.interview_id, Feedback.interviewer).where(
            Feedback.interview_id.in_(ids), Feedback.status == FeedbackStatus.SUBMITTED
        )
    )
    return LoopItem(cl, frozenset((iid, who) for iid, who in done))
