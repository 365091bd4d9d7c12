"""Pure rules of panel assignment: who gets which question set, panel shapes, and double-booking."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from blocks.text import a_or_an
from bot.interviewers.roster import SEAT_STATES

ASKING_ROLES = ("lead", "interviewer")


@dataclass(frozen=True)
class SeatSpec:
    """A panelist as requested: the set is None when it should be chosen automatically."""

    user: str
    role: str
    question_set: str | None = None


@dataclass(frozen=True)
class InterviewSpec:
    """One interview of a candidate's loop, in the order the request lists them."""

    stage: str
    seats: Sequence[SeatSpec]


def assign_question_sets(
    interviews: Sequence[InterviewSpec], alternatives: Mapping[str, Sequence[str]]
) -> list[list[str | None]]:
    """The question set of every seat of every interview (None where the stage has none).

    Panelists who ask questions take the stage's alternatives in rotation by their slot (their place
    among the askers of that stage on this candidate), so the same slot gets the same set for every
    candidate. Sets someone already has on this candidate are skipped while another is free.
    Shadows get the lead's set. Explicit choices are kept.
    """
    # Per candidate, not per stage: two stages may list the same alternative sets.
    used = {s.question_set for interview in interviews for s in interview.seats if s.question_set}
    slots: dict[str, int] = defaultdict(int)
    result = []
    for interview in interviews:
        alts = list(alternatives.get(interview.stage, ()))
        chosen: list[str | None] = []
        for seat in interview.seats:
            if seat.role not in ASKING_ROLES:
                chosen.append(seat.question_set)
                continue
            slot = slots[interview.stage]
            slots[interview.stage] += 1
            pick = seat.question_set or _rotate(alts, slot, used)
            if pick is not None:
                used.add(pick)
            chosen.append(pick)
        shared = _lead_set(interview.seats, chosen)
        result.append(
            [
                pick if seat.role in ASKING_ROLES or pick is not None else shared
                for seat, pick in zip(interview.seats, chosen, strict=True)
            ]
        )
    return result


def _rotate(alts: Sequence[str], slot: int, used: set[str]) -> str | None:
    if not alts:
        return None
    for step in range(len(alts)):
        candidate = alts[(slot + step) % len(alts)]
        if candidate not in used:
            return candidate
    # More askers than alternatives: repeating is unavoidable, keep it by slot.
    return alts[slot % len(alts)]


def _lead_set(seats: Sequence[SeatSpec], chosen: Sequence[str | None]) -> str | None:
    for role in ASKING_ROLES:
        for seat, pick in zip(seats, chosen, strict=True):
            if seat.role == role:
                return pick
    return None


def panel_shape_problems(
    shape: Sequence[Mapping[str, object]], roles: Sequence[str], type_name: str
) -> list[str]:
    """What is wrong with a panel's role counts for an interview type's shape (empty when it fits).

    A reverse shadow (a trainee leading under observation) takes the shadow seat."""
    problems = []
    limits = {str(s["role"]): (_int(s.get("min"), 0), _int(s.get("max"), 1)) for s in shape}
    if "shadow" in limits:
        roles = ["shadow" if r == "reverse_shadow" else r for r in roles]
    for role in sorted(set(roles) - set(limits)):
        problems.append(f"{a_or_an(type_name)} panel has no {role} (roles: {', '.join(limits) or 'none'})")
    for role, (low, high) in limits.items():
        count = sum(1 for r in roles if r == role)
        if not low <= count <= high:
            wanted = str(low) if low == high else f"{low} to {high}"
            problems.append(f"{a_or_an(type_name)} panel needs {wanted} {role} (has {count})")
    return problems


def _int(value: object, default: int) -> int:
    return value if isinstance(value, int) else default


_STATE_NAMES = {
    "trainee": "a trainee",
    "lead_only": "lead only",
    "observer_only": "an observer only",
    "qualified": "qualified",
}
# What to do instead, by the person's state: where they may sit.
_SEAT_THEM = {
    "trainee": "seat them as shadow or reverse shadow",
    "lead_only": "make them the lead",
    "observer_only": "seat them as shadow",
    "qualified": "seat them as lead or interviewer (the reverse shadow seat is a trainee's)",
}


def seat_problem(user: str, role: str, state: str | None, type_name: str) -> str | None:
    """Why `user` (in `state` for the type, None = not in its pool) cannot take a `role` seat, or None.

    Only for a type that has a pool; a type without one takes anyone."""
    if state is None:
        return (
            f"{user} is not in the {type_name} pool: choose someone from it, "
            "or add them to the pool file and import it"
        )
    if state in SEAT_STATES.get(role, frozenset()):
        return None
    name = _STATE_NAMES.get(state, state)
    instead = _SEAT_THEM.get(state, "choose someone else")
    return (
        f"{user} is {name} for {type_name} and cannot sit as {role.replace('_', ' ')}: {instead}, "
        f"or choose someone else"
    )


def reverse_shadow_problem(roles: Sequence[str], type_name: str) -> str | None:
    """A reverse shadow leads under observation: the panel needs a lead to observe them."""
    if "reverse_shadow" in roles and "lead" not in roles:
        return f"a reverse shadow on a {type_name} panel needs a qualified lead to observe them; add a lead"
    return None


@dataclass(frozen=True)
class Booking:
    """One person on one interview of a candidate, for double-booking checks."""

    user: str
    ref: str
    starts_at: datetime
    ends_at: datetime


def double_bookings(bookings: Sequence[Booking]) -> list[tuple[Booking, Booking]]:
    """Pairs (earlier listed, later listed) where one user sits on two interviews that overlap in time."""
    clashes = []
    for n, later in enumerate(bookings):
        for earlier in bookings[:n]:
            same_user = earlier.user == later.user and earlier.ref != later.ref
            if same_user and earlier.starts_at < later.ends_at and later.starts_at < earlier.ends_at:
                clashes.append((earlier, later))
                break
    return clashes
