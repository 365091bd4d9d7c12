"""Scheduling a candidate's loop: validate everything first, then write rows, snapshots and deliveries."""

from __future__ import annotations

import difflib
import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.delivery import planner
from bot.interviewers import dry_runs, limits, roster
from bot.interviewers.limits import Planned, over_limit
from bot.interviewers.suggest import Suggestion, Taken, Wanted, suggest_panel
from bot.scheduling import compare
from bot.scheduling.assignment import (
    Booking,
    InterviewSpec,
    SeatSpec,
    assign_question_sets,
    double_bookings,
    panel_shape_problems,
    reverse_shadow_problem,
    seat_problem,
)
from bot.scheduling.lock import hold_scheduling_lock
from bot.scheduling.requests import InterviewIn, PanelistIn, ScheduleRequest, SchedulingError
from bot.scheduling.snapshots import guidance_snapshot, kit_snapshot, rubric_snapshot
from bot.settings import Settings
from models import (
    Candidate,
    CandidateLoop,
    Interview,
    InterviewStatus,
    InterviewType,
    Loop,
    LoopStage,
    PanelSeat,
    QuestionSet,
)

log = logging.getLogger("loopbot.scheduling")


_Sluggable = TypeVar("_Sluggable", Loop, InterviewType, QuestionSet)


def _by_slug(session: Session, model: type[_Sluggable], slug: str) -> _Sluggable | None:
    return session.scalar(select(model).where(model.slug == slug))


def unknown_loop_message(session: Session, slug: str) -> str:
    """ "unknown loop 'x'", with the loops there are and the closest one."""
    slugs = list(session.scalars(select(Loop.slug).order_by(Loop.slug)))
    if not slugs:
        return f"unknown loop {slug!r}: no loops are imported yet (loopbot content import DIR)"
    close = difflib.get_close_matches(slug, slugs, n=1, cutoff=0.5)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown loop {slug!r} (loops: {', '.join(slugs)}){hint}"


_Resolved = tuple[InterviewIn, LoopStage | None, InterviewType | None, datetime, datetime]


class _Checker:
    """Collects problems while resolving a request against the loop's content."""

    def __init__(self, session: Session, loop: Loop, now: datetime) -> None:
        self.session, self.loop, self.now = session, loop, now
        self.problems: list[tuple[str, str]] = []
        self.sets: dict[str, QuestionSet] = {}
        self.pools: dict[int, dict[str, str]] = {}

    def add(self, path: str, message: str) -> None:
        self.problems.append((path, message))

    def stage(self, path: str, key: str) -> LoopStage | None:
        stage = next((s for s in self.loop.stages if s.key == key), None)
        if stage is None:
            keys = ", ".join(s.key for s in self.loop.stages)
            self.add(f"{path}.stage", f"loop {self.loop.slug!r} has no stage {key!r} (one of: {keys})")
        return stage

    def interview_type(self, path: str, stage: LoopStage | None, slug: str | None) -> InterviewType | None:
        if slug is None:
            if stage is None:
                return None  # the unknown stage is the problem already reported
            if stage.interview_type is None:
                self.add(f"{path}.type", f"stage {stage.key!r} has no interview type; give one")
            return stage.interview_type
        kind = _by_slug(self.session, InterviewType, slug)
        if kind is None:
            self.add(f"{path}.type", f"unknown interview type {slug!r}")
        return kind

    def question_set(self, path: str, slug: str) -> None:
        qs = self.sets.get(slug) or _by_slug(self.session, QuestionSet, slug)
        if qs is None:
            self.add(path, f"unknown question set {slug!r}")
        elif qs.rubric_id != self.loop.rubric_id:
            self.add(path, f"question set {slug!r} is not for this loop's rubric {self.loop.rubric.slug!r}")
        else:
            self.sets[slug] = qs

    def times(self, path: str, start: datetime, minutes: int | None) -> tuple[datetime, datetime]:
        if minutes is not None and minutes <= 0:
            self.add(f"{path}.duration_minutes", "the interview must end after it starts")
        if start < self.now:
            self.add(f"{path}.start", "starts in the past")
        # Without a known duration (unknown stage or type) the unknown is the problem already reported.
        return start, start + timedelta(minutes=max(minutes or 0, 0))

    def pool_rules(self, path: str, kind: InterviewType, seats: Sequence[PanelistIn]) -> None:
        """Each seat fits its person's live state, when the type has a pool (else anyone may sit)."""
        problem = reverse_shadow_problem([p.role.value for p in seats], kind.name)
        if problem:
            self.add(f"{path}.panel", problem)
        if kind.id not in self.pools:
            self.pools[kind.id] = {m.user: m.state for m in roster.pool_of(self.session, kind.id)}
        pool = self.pools[kind.id]
        if not pool:
            return
        live = roster.states(self.session, [p.user for p in seats], kind.id)
        for m, seat in enumerate(seats):
            state = live.get(seat.user, pool.get(seat.user))
            message = seat_problem(seat.user, seat.role.value, state, kind.name)
            if message:
                self.add(f"{path}.panel.{m}.user", message)

    def bookings(self, bookings: list[Booking]) -> None:
        for earlier, later in double_bookings(bookings):
            self.add(
                later.ref, f"{later.user} is already on {earlier.ref.rsplit('.panel', 1)[0]} at that time"
            )


def _resolve(
    check: _Checker, path: str, spec: InterviewIn, bookings: list[Booking], unfilled: Collection[str] = ()
) -> _Resolved:
    """Check one requested interview (stage, type, times, panel shape and pool, sets); its seats join
    `bookings`. `unfilled`: panel paths whose suggestion failed, already reported with why."""
    stage = check.stage(path, spec.stage)
    kind = check.interview_type(path, stage, spec.type)
    minutes = spec.duration_minutes
    if minutes is None and kind is not None:
        minutes = kind.duration_minutes
    start, end = check.times(path, spec.start, minutes)
    if spec.suggest:  # fill_suggested fills what it can: one still to suggest must not be scheduled
        if kind is not None and f"{path}.panel" not in unfilled:
            check.add(f"{path}.panel", "no panel was suggested for this interview: choose the panel yourself")
    elif kind is not None:
        for message in panel_shape_problems(kind.panel, [p.role.value for p in spec.panel], kind.name):
            check.add(f"{path}.panel", message)
        check.pool_rules(path, kind, spec.panel)
    for m, seat in enumerate(spec.panel):
        if seat.question_set:
            check.question_set(f"{path}.panel.{m}.question_set", seat.question_set)
        bookings.append(Booking(seat.user, f"{path}.panel.{m}.user", start, end))
    return spec, stage, kind, start, end


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def scheduled_interviews(cl: CandidateLoop) -> list[Interview]:
    """The loop's scheduled (not cancelled) interviews, in order: what `compare.Change.index` counts."""
    return [i for i in cl.interviews if i.status == InterviewStatus.SCHEDULED]


def _booked(interview: Interview) -> compare.Booked:
    minutes = int((interview.ends_at - interview.starts_at).total_seconds() // 60)
    panel = tuple((s.user_id, s.role) for s in interview.panel)
    return compare.Booked(interview.stage_key, interview.starts_at.astimezone(UTC), minutes, panel)


def _requested(session: Session, loop: Loop, spec: InterviewIn) -> compare.Booked:
    minutes = spec.duration_minutes
    if minutes is None:
        stage = next((s for s in loop.stages if s.key == spec.stage), None)
        kind = stage.interview_type if stage is not None else None
        if spec.type:
            kind = _by_slug(session, InterviewType, spec.type)
        minutes = kind.duration_minutes if kind is not None else 0
    panel = tuple((p.user, p.role.value) for p in spec.panel)
    return compare.Booked(spec.stage, spec.start.astimezone(UTC), minutes, panel)


def _keep_suggested(
    scheduled: Sequence[compare.Booked], specs: Sequence[InterviewIn], requested: list[compare.Booked]
) -> list[compare.Booked]:
    """`panel: suggest` on an interview already scheduled means "keep its panel": matched by stage in
    order, as compare.differences matches them."""
    left = list(range(len(scheduled)))
    kept = []
    for spec, wanted in zip(specs, requested, strict=True):
        match = next((i for i in left if scheduled[i].stage == wanted.stage), None)
        if match is not None:
            left.remove(match)
            if spec.suggest:
                wanted = compare.Booked(wanted.stage, wanted.start, wanted.minutes, scheduled[match].panel)
        kept.append(wanted)
    return kept


def existing_schedule(
    session: Session, request: ScheduleRequest
) -> tuple[CandidateLoop, list[compare.Change]] | None:
    """The candidate's loop already scheduled for this request (same candidate name, ignoring case and
    spacing, same loop, not fully cancelled) and what applying the request to it would change."""
    loop = _by_slug(session, Loop, request.loop)
    if loop is None:
        return None
    key = _name_key(request.candidate)
    rows = session.execute(
        select(CandidateLoop.id, Candidate.name)
        .join(Candidate, CandidateLoop.candidate_id == Candidate.id)
        .where(CandidateLoop.loop_id == loop.id)
        .order_by(CandidateLoop.id.desc())
    )
    for cl_id, name in rows.all():
        if _name_key(name) != key:
            continue
        cl = session.get(CandidateLoop, cl_id)
        assert cl is not None
        interviews = scheduled_interviews(cl)
        if interviews:
            scheduled = [_booked(i) for i in interviews]
            requested = [_requested(session, loop, spec) for spec in request.interviews]
            requested = _keep_suggested(scheduled, request.interviews, requested)
            return cl, compare.differences(scheduled, requested)
    return None


def already_scheduled_message(cl: CandidateLoop, changes: Sequence[compare.Change]) -> str:
    """Why a second scheduling is refused, readable inline in the modal and in `loopbot schedule`."""
    name = cl.candidate.name
    would = "; ".join(c.text for c in changes) if changes else "nothing"
    return (
        f"{name} is already scheduled on this loop (candidate loop {cl.id}); change the interviews from "
        f"/loop status instead (`loopbot schedule FILE --update` would change: {would})"
    )


def booking_clashes(
    session: Session, bookings: Sequence[Booking], exclude_candidate_loop: int | None = None
) -> list[tuple[str, str]]:
    """(path, message) for each booking whose user already sits (seat not declined) on a scheduled
    interview overlapping it, for any candidate; one query for all of them."""
    if not bookings:
        return []
    query = (
        select(PanelSeat.user_id, Interview.starts_at, Interview.ends_at, Interview.stage_key, Candidate.name)
        .join(Interview, PanelSeat.interview_id == Interview.id)
        .join(CandidateLoop, Interview.candidate_loop_id == CandidateLoop.id)
        .join(Candidate, CandidateLoop.candidate_id == Candidate.id)
        .where(
            PanelSeat.user_id.in_(sorted({b.user for b in bookings})),
            PanelSeat.declined_at.is_(None),
            Interview.status == InterviewStatus.SCHEDULED,
            Interview.starts_at < max(b.ends_at for b in bookings),
            Interview.ends_at > min(b.starts_at for b in bookings),
        )
        .order_by(Interview.starts_at, Interview.id)
    )
    if exclude_candidate_loop is not None:
        query = query.where(CandidateLoop.id != exclude_candidate_loop)
    taken = session.execute(query).all()
    problems = []
    for b in bookings:
        other = next(
            (t for t in taken if t.user_id == b.user and t.starts_at < b.ends_at and b.starts_at < t.ends_at),
            None,
        )
        if other is not None:
            when = other.starts_at.astimezone(UTC).isoformat()
            problems.append(
                (b.ref, f"{b.user} is already on {other.name}'s {other.stage_key} interview at {when}")
            )
    return problems


def update_clashes(session: Session, cl: CandidateLoop, request: ScheduleRequest) -> list[tuple[str, str]]:
    """Panelists of `request` (applied to `cl` by --update) already on another candidate's overlapping
    interview, at their request paths. A `panel: suggest` interview keeps its panel (as
    existing_schedule reads it), so that panel is checked at the requested time."""
    loop = session.get(Loop, cl.loop_id)
    assert loop is not None
    scheduled = [_booked(i) for i in scheduled_interviews(cl)]
    requested = [_requested(session, loop, spec) for spec in request.interviews]
    bookings = []
    for n, wanted in enumerate(_keep_suggested(scheduled, request.interviews, requested)):
        end = wanted.start + timedelta(minutes=wanted.minutes)
        for m, (user, _role) in enumerate(wanted.panel):
            bookings.append(Booking(user, f"interviews.{n}.panel.{m}.user", wanted.start, end))
    return booking_clashes(session, bookings, exclude_candidate_loop=cl.id)


@dataclass
class Filled:
    """A request with its `panel: suggest` interviews filled, and what was suggested for each."""

    request: ScheduleRequest
    suggested: list[tuple[int, Suggestion]] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)


def _kind_of(session: Session, loop: Loop, spec: InterviewIn) -> InterviewType | None:
    if spec.type:
        return _by_slug(session, InterviewType, spec.type)
    stage = next((s for s in loop.stages if s.key == spec.stage), None)
    return stage.interview_type if stage is not None else None


def fill_suggested(
    session: Session,
    request: ScheduleRequest,
    settings: Settings,
    kept: dict[int, list[tuple[str, str]]] | None = None,
) -> Filled:
    """Choose the panel of every `panel: suggest` interview from its type's pool (bot/interviewers/
    suggest.py), counting the request's other interviews as this candidate's; a no-op without any.

    `kept`: by interview index, (user, role) already chosen in the modal, kept in their seats. Whoever
    is picked, even for a suggestion that could not fill every seat, counts for the later ones."""
    loop = _by_slug(session, Loop, request.loop)
    if loop is None or not any(spec.suggest for spec in request.interviews):
        return Filled(request)
    filled = Filled(request)
    taken: list[Taken] = []
    for spec in request.interviews:
        kind = _kind_of(session, loop, spec)
        minutes = spec.duration_minutes or (kind.duration_minutes if kind else 0)
        end = spec.start + timedelta(minutes=max(minutes, 0))
        taken += [Taken(p.user, spec.start, end) for p in spec.panel]
    interviews = list(request.interviews)
    for n, spec in enumerate(request.interviews):
        kind = _kind_of(session, loop, spec)
        if not spec.suggest or kind is None:
            continue  # an unknown stage or type is reported by the checks
        end = spec.start + timedelta(minutes=max(spec.duration_minutes or kind.duration_minutes, 0))
        chosen = tuple((kept or {}).get(n, ()))
        wanted = Wanted(kind, loop.id, spec.stage, spec.start, end, kept=chosen)
        found = suggest_panel(session, wanted, taken, settings.weekly_limit, settings.daily_limit)
        filled.suggested.append((n, found))
        problems = list(found.problems)
        if not found.picks and not problems:  # every seat optional and nobody free: no empty panel
            why = (
                "; ".join(found.notes)
                or f"nobody in the {kind.name} pool can sit on it: choose the panel yourself"
            )
            problems = [f"nobody could be suggested for this panel: {why}"]
        filled.problems += [(f"interviews.{n}.panel", message) for message in problems]
        if found.picks and not problems:
            seats = [PanelistIn.model_validate({"user": p.user, "role": p.role}) for p in found.picks]
            interviews[n] = spec.model_copy(update={"panel": seats, "suggest": False})
        taken += [Taken(p.user, spec.start, end) for p in found.picks]
    filled.request = request.model_copy(update={"interviews": interviews})
    return filled


def schedule_loop(
    session: Session,
    request: ScheduleRequest,
    settings: Settings,
    now: datetime,
    allow_over_limit: bool = False,
    confirmed: str | None = None,
) -> CandidateLoop:
    """Create the candidate loop, its interviews and panels with frozen kits, and plan the deliveries.

    Over a load limit it refuses with `SchedulingError.over_limit` unless `allow_over_limit` (the
    modal's "Schedule anyway"; `confirmed`: only over the limits of the warning it ticked, whose
    `limits.digest` this is). One scheduler at a time (bot/scheduling/lock.py), so two cannot both
    pass a limit or a double booking."""
    hold_scheduling_lock(session)
    loop = _by_slug(session, Loop, request.loop)
    if loop is None:
        raise SchedulingError([("loop", unknown_loop_message(session, request.loop))])
    filled = fill_suggested(session, request, settings)
    request = filled.request
    found = existing_schedule(session, request)
    if found is not None:
        raise SchedulingError([("candidate", already_scheduled_message(*found))])
    check = _Checker(session, loop, now)
    channel = request.hiring_channel or loop.hiring_channel
    if not channel:
        check.add("hiring_channel", f"loop {loop.slug!r} has no hiring channel; give one")
    resolved = []
    bookings: list[Booking] = []
    unfilled = {path for path, _message in filled.problems}
    for n, spec in enumerate(request.interviews):
        resolved.append(_resolve(check, f"interviews.{n}", spec, bookings, unfilled))
    check.problems += filled.problems
    check.bookings(bookings)
    check.problems += booking_clashes(session, bookings)
    if check.problems:  # load is worth counting only for a panel that could be scheduled
        raise SchedulingError(check.problems)
    planned = [Planned(b.user, b.ref, b.starts_at) for b in bookings]
    limited = over_limit(session, planned, settings.weekly_limit, settings.daily_limit)
    if not limits.allowed(limited, allow_over_limit, confirmed):
        raise SchedulingError(limited, over_limit=True)
    if limited:
        log.info("scheduling.over_limit_confirmed seats=%d", len(limited))

    alternatives = {s.key: [a.question_set.slug for a in s.alternatives] for s in loop.stages}
    assigned = assign_question_sets(
        [
            InterviewSpec(spec.stage, [SeatSpec(p.user, p.role.value, p.question_set) for p in spec.panel])
            for spec, *_ in resolved
        ],
        alternatives,
    )
    for stage in loop.stages:
        check.sets.update({a.question_set.slug: a.question_set for a in stage.alternatives})
    cl = CandidateLoop(
        candidate=Candidate(name=request.candidate),
        loop_id=loop.id,
        hiring_channel=channel,
        recruiter=request.recruiter or loop.recruiter,
        hiring_manager=request.hiring_manager or loop.hiring_manager,
        rubric=rubric_snapshot(loop),
    )
    session.add(cl)
    for (spec, _stage, kind, start, end), sets in zip(resolved, assigned, strict=True):
        assert kind is not None  # a missing type was reported as a problem above
        interview = Interview(
            stage_key=spec.stage,
            interview_type_id=kind.id,
            starts_at=start,
            ends_at=end,
            recording_consent=spec.recording_consent,
            guidance=guidance_snapshot(kind, int((end - start).total_seconds() // 60)),
        )
        interview.panel = [
            PanelSeat(
                user_id=p.user,
                role=p.role.value,
                position=m,
                question_set_id=check.sets[slug].id if slug else None,
                kit=kit_snapshot(check.sets[slug] if slug else None),
            )
            for m, (p, slug) in enumerate(zip(spec.panel, sets, strict=True))
        ]
        cl.interviews.append(interview)
    session.flush()
    for interview in cl.interviews:
        planner.plan_interview(session, interview, settings, now)
    for interview in cl.interviews:
        dry_runs.plan_for_interview(session, interview, now)  # first-time leads rehearse first
    log.info("scheduling.loop candidate_loop=%s loop=%s interviews=%d", cl.id, loop.slug, len(cl.interviews))
    return cl
