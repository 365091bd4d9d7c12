"""Load limits at scheduling: who would go over their interviews per week or per day.

Counted per person over what is already scheduled (bot/interviewers/load.py) plus the seats being
planned now, so a request that books someone twice in one week counts both. A file is refused with
each person's load; the modal asks for confirmation first (`allow_over_limit`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.interviewers import load

LIMIT_HINT = "choose someone else, or raise their limit in the pool file"


@dataclass(frozen=True)
class Planned:
    """A seat about to be taken: who, where the request names it, and when the interview starts."""

    user: str
    ref: str
    starts_at: datetime


def digest(problems: Sequence[tuple[str, str]]) -> str:
    """A fingerprint of the limit problems a warning showed: "Schedule anyway" goes over exactly those,
    so a panel changed (or a load that grew) since the warning is warned about again."""
    text = json.dumps(sorted([path, message] for path, message in problems))
    return hashlib.sha256(text.encode()).hexdigest()


def allowed(problems: Sequence[tuple[str, str]], allow: bool, confirmed: str | None) -> bool:
    """Whether going over the limits in `problems` is allowed: `allow`, and when `confirmed` is given
    (the digest of the warning the user ticked), only if the problems are still those."""
    return not problems or (allow and (confirmed is None or digest(problems) == confirmed))


def _label(day: datetime) -> str:
    return f"{day.day} {day:%b %Y}"


def over_limit(
    session: Session,
    planned: Sequence[Planned],
    weekly: int,
    daily: int,
    exclude_interviews: Collection[int] = (),
) -> list[tuple[str, str]]:
    """(ref, message) at the first seat that takes a person over their weekly or daily limit.

    `exclude_interviews`: interviews being changed (a move), whose seats are counted as planned."""
    caps = load.limits(session, [p.user for p in planned], weekly, daily)
    problems: list[tuple[str, str]] = []
    reported: set[tuple[str, str]] = set()
    windows: list[tuple[Callable[[datetime], tuple[datetime, datetime]], str]] = [
        (load.week_of, "week"),
        (load.day_of, "day"),
    ]
    for window, period in windows:
        by_window: dict[tuple[datetime, datetime], list[Planned]] = {}
        for p in planned:
            by_window.setdefault(window(p.starts_at), []).append(p)
        for (start, end), seats in sorted(by_window.items()):
            had = load.counts(session, [s.user for s in seats], start, end, exclude_interviews)
            extra: dict[str, int] = {}
            for seat in seats:
                extra[seat.user] = extra.get(seat.user, 0) + 1
                cap = caps[seat.user].weekly if period == "week" else caps[seat.user].daily
                now_has = had[seat.user]
                if now_has + extra[seat.user] <= cap or (seat.user, seat.ref) in reported:
                    continue
                reported.add((seat.user, seat.ref))
                when = f"in the week of {_label(start)}" if period == "week" else f"on {_label(start)}"
                problems.append(
                    (
                        seat.ref,
                        f"{seat.user} has {now_has} interview{'' if now_has == 1 else 's'} {when} "
                        f"(limit {cap} a {period}); this would make {now_has + extra[seat.user]}: "
                        f"{LIMIT_HINT}",
                    )
                )
    return problems
