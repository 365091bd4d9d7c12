"""What a debrief digest says: tally, category × interviewer matrix and flags. Pure: no Slack, no SQL.

Only feedback that counts toward the decision is tallied: shadows (observers) may submit, but their
scorecards are shown in the thread, never counted (see bot.feedback.logic.owes_feedback).
"""

from __future__ import annotations

import string
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.feedback.logic import NO_SIGNAL, RECOMMENDATION_LABELS, no_signal_label
from models.feedback import Recommendation
from models.hiring import PanelRole

YES_SIDE = frozenset({Recommendation.YES, Recommendation.STRONG_YES})
NO_SIDE = frozenset({Recommendation.NO, Recommendation.STRONG_NO})
NOT_RATED = "·"
NO_SIGNAL_CELL = "—"
DEFAULT_SLA = timedelta(hours=24)


@dataclass(frozen=True)
class Seat:
    """A panel seat whose feedback the loop expects (or a scorecard's author)."""

    interview_id: int
    user: str
    role: str
    interview: str  # the interview type's name
    ends_at: datetime


@dataclass(frozen=True)
class Card:
    """One submitted scorecard, reduced to what the digest needs."""

    seat: Seat
    recommendation: str | None
    ratings: dict[str, str]
    submitted_at: datetime | None

    @property
    def counts(self) -> bool:
        return self.seat.role != PanelRole.SHADOW


@dataclass(frozen=True)
class Column:
    """One interviewer's column of the matrix, with the short label used inside the code block."""

    label: str
    card: Card


@dataclass
class DigestFacts:
    """Everything the digest message shows, in display order."""

    tally: list[tuple[str, str, int]]  # (recommendation key, label, count)
    columns: list[Column]
    rows: list[tuple[str, list[str]]]  # (category name, cell per column)
    legend: list[tuple[str, str]]  # (cell abbreviation, level label)
    split: bool
    strong_no: list[Card]
    unassessed: list[str]
    missing: list[Seat]
    upcoming: list[Seat]
    late: list[tuple[Card, timedelta]]
    observers: list[Card] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing and not self.upcoming


def scorecards_held(facts: DigestFacts, released: bool) -> bool:
    """Blind rule: while owed feedback is missing, the channel (where panelists may read) sees no scores.

    The recruiter or hiring manager may release them earlier, e.g. when a panelist will never submit.
    """
    return not facts.complete and not released


def categories(rubric: dict[str, Any]) -> list[tuple[str, str]]:
    """(key, name) of the rubric snapshot's categories, in rubric order."""
    return [(str(c["key"]), str(c.get("name") or c["key"])) for c in rubric.get("categories", [])]


def abbreviations(rubric: dict[str, Any]) -> dict[str, str]:
    """A short, unique cell text per rating level (initials: Strong Yes -> SY), plus no signal."""
    levels = [(str(s["key"]), str(s.get("label") or s["key"])) for s in rubric.get("scale", [])]
    short = {key: "".join(w[0] for w in label.split() if w).upper()[:3] or "?" for key, label in levels}
    if len(set(short.values())) < len(short) or NO_SIGNAL_CELL in short.values():
        short = {key: str(n) for n, (key, _) in enumerate(levels, start=1)}  # the scale's position
    return {**short, NO_SIGNAL: NO_SIGNAL_CELL}


def column_label(n: int) -> str:
    """A, B, … Z, AA, AB, … for the nth column."""
    letters = string.ascii_uppercase
    return letters[n] if n < len(letters) else letters[n // len(letters) - 1] + letters[n % len(letters)]


def lateness(card: Card, sla: timedelta) -> timedelta | None:
    """How far past the SLA (counted from the interview's end) the scorecard came, or None if on time."""
    if card.submitted_at is None:
        return None
    over = card.submitted_at - (card.seat.ends_at + sla)
    return over if over > timedelta(0) else None


def summarize(
    rubric: dict[str, Any],
    expected: Sequence[Seat],
    cards: Sequence[Card],
    now: datetime,
    sla: timedelta = DEFAULT_SLA,
) -> DigestFacts:
    """The facts of a digest from the expected seats and the submitted scorecards."""
    counted = [c for c in cards if c.counts]
    recs = Counter(c.recommendation for c in counted if c.recommendation)
    tally = [(str(k), label, recs.get(k, 0)) for k, label in reversed(RECOMMENDATION_LABELS.items())]
    short = abbreviations(rubric)
    columns = [Column(column_label(n), card) for n, card in enumerate(counted)]
    rows = [
        (name, [_cell(col.card.ratings.get(key), short) for col in columns])
        for key, name in categories(rubric)
    ]
    assessed = {k for c in counted for k, v in c.ratings.items() if v and v != NO_SIGNAL}
    done = {(c.seat.interview_id, c.seat.user) for c in cards}
    owed = [s for s in expected if (s.interview_id, s.user) not in done]
    levels = [(str(s["key"]), str(s.get("label") or s["key"])) for s in rubric.get("scale", [])]
    return DigestFacts(
        tally=tally,
        columns=columns,
        rows=rows,
        legend=[(short[k], label) for k, label in levels] + [(NO_SIGNAL_CELL, no_signal_label(rubric))],
        split=bool(YES_SIDE & set(recs)) and bool(NO_SIDE & set(recs)),
        strong_no=[c for c in counted if c.recommendation == Recommendation.STRONG_NO],
        unassessed=[name for key, name in categories(rubric) if key not in assessed],
        missing=[s for s in owed if s.ends_at <= now],
        upcoming=[s for s in owed if s.ends_at > now],
        late=[(c, over) for c in counted if (over := lateness(c, sla)) is not None],
        observers=[c for c in cards if not c.counts],
    )


def _cell(value: str | None, short: dict[str, str]) -> str:
    if not value:
        return NOT_RATED
    return short.get(value, value[:3])


def matrix_lines(facts: DigestFacts, first: int, count: int, name_width: int = 24) -> list[str]:
    """The plain-text rows of the matrix for columns [first, first+count), category names cut to width."""
    cols = facts.columns[first : first + count]
    width = max(
        [3, *(len(c.label) + 1 for c in cols), *(len(v) + 1 for _, cells in facts.rows for v in cells)]
    )

    def name(text: str) -> str:
        return text if len(text) <= name_width else text[: name_width - 1] + "…"

    lines = ["".ljust(name_width) + " " + "".join(c.label.ljust(width) for c in cols)]
    for category, cells in facts.rows:
        shown = cells[first : first + count]
        lines.append(name(category).ljust(name_width) + " " + "".join(v.ljust(width) for v in shown))
    return [line.rstrip() for line in lines]


def hours(delta: timedelta) -> str:
    """'5 hours' / '2 days' for how late something is."""
    h = int(delta.total_seconds() // 3600)
    if h < 1:
        return f"{max(1, int(delta.total_seconds() // 60))} minutes"
    if h < 48:
        return f"{h} hour{'s' if h != 1 else ''}"
    return f"{h // 24} days"
