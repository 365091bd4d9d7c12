"""What a debrief digest says: tally, category × interviewer matrix and flags. Pure: no Slack, no SQL.

Only feedback that counts toward the decision is tallied. Two kinds of scorecard are shown in the thread
but never counted in the tally, the matrix or the flags (bot.feedback.logic.owes_feedback; UNCOUNTED_ROLES):
- observer feedback: a shadow seat held by someone who is not training (a silent observer);
- training scorecards: a reverse shadow (a trainee leading while a qualified interviewer observes), or a
  shadow seat held by a trainee. They are compared with the qualified interviewer's for the trainee's
  progress (bot/interviewers/), never for the candidate's decision.

Each scorecard rates the categories its interview assesses (bot/feedback/focus_logic.py): the matrix
leaves a cell blank where an interview did not assess a category, and "nobody assessed" means no
counted scorecard rated it within its own focus.
"""

from __future__ import annotations

import string
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.feedback.focus_logic import Category, rubric_categories
from bot.feedback.logic import NO_SIGNAL, RECOMMENDATION_LABELS, no_signal_label
from models.feedback import Recommendation
from models.hiring import UNCOUNTED_ROLES, PanelRole

YES_SIDE = frozenset({Recommendation.YES, Recommendation.STRONG_YES})
NO_SIDE = frozenset({Recommendation.NO, Recommendation.STRONG_NO})
NOT_RATED = "·"
NOT_ASSESSED = ""
NO_SIGNAL_CELL = "—"
LABEL_WIDTH = 24  # category labels in the matrix: short labels are at most this long
DEFAULT_SLA = timedelta(hours=24)


@dataclass(frozen=True)
class Seat:
    """A panel seat whose feedback the loop expects (or a scorecard's author)."""

    interview_id: int
    user: str
    role: str
    interview: str  # the interview type's name
    ends_at: datetime
    stage: int = 0  # the interview's stage's place in the loop: the matrix's columns follow it
    position: int = 0  # the seat's place on its panel


@dataclass(frozen=True)
class Card:
    """One submitted scorecard, reduced to what the digest needs."""

    seat: Seat
    recommendation: str | None
    ratings: dict[str, str]
    submitted_at: datetime | None
    assessed: frozenset[str] | None = None  # the categories its form rated; None: whatever it rated
    trainee: bool = False  # its author was training for the interview's type (a trainee shadow)

    @property
    def counts(self) -> bool:
        return self.seat.role not in UNCOUNTED_ROLES

    @property
    def training(self) -> bool:
        """A training scorecard: a reverse shadow, or a trainee's shadow seat (never counted)."""
        return self.seat.role == PanelRole.REVERSE_SHADOW or (
            self.trainee and self.seat.role == PanelRole.SHADOW
        )

    @property
    def observer(self) -> bool:
        """Observer feedback: a shadow seat of someone not in training (never counted)."""
        return not self.counts and not self.training

    def rated(self, key: str) -> bool:
        """Rated on a level (not "no signal") in a category its interview assesses."""
        inside = self.assessed is None or key in self.assessed
        return inside and self.ratings.get(key) not in (None, "", NO_SIGNAL)

    def cell(self, key: str, short: dict[str, str]) -> str:
        if self.assessed is not None and key not in self.assessed:
            return NOT_ASSESSED
        value = self.ratings.get(key)
        return short.get(value, value[:3]) if value else NOT_RATED


@dataclass(frozen=True)
class Column:
    """One interviewer's column of the matrix, with the short label used inside the code block."""

    label: str
    card: Card


@dataclass(frozen=True)
class Row:
    """One category of the matrix: its cell per column."""

    category: Category
    cells: list[str]


@dataclass
class DigestFacts:
    """Everything the digest message shows, in display order."""

    tally: list[tuple[str, str, int]]  # (recommendation key, label, count)
    columns: list[Column]
    rows: list[Row]  # the scorecard's categories, by rubric
    legend: list[tuple[str, str]]  # (cell abbreviation, level label)
    split: bool
    strong_no: list[Card]
    unassessed: list[str]
    missing: list[Seat]
    upcoming: list[Seat]
    late: list[tuple[Card, timedelta]]
    observers: list[Card] = field(default_factory=list)  # not counted: observer feedback
    training: list[Card] = field(default_factory=list)  # not counted: training scorecards

    @property
    def complete(self) -> bool:
        return not self.missing and not self.upcoming


def scorecards_held(facts: DigestFacts, released: bool) -> bool:
    """Blind rule: while owed feedback is missing, the channel (where panelists may read) sees no scores.

    The recruiter or hiring manager may release them earlier, e.g. when a panelist will never submit.
    """
    return not facts.complete and not released


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


def column_order(card: Card) -> tuple[int, datetime, int, int]:
    """Columns follow the loop's stages, then the interviews' times and the panel's order."""
    return card.seat.stage, card.seat.ends_at, card.seat.interview_id, card.seat.position


def summarize(
    rubric: dict[str, Any],
    expected: Sequence[Seat],
    cards: Sequence[Card],
    now: datetime,
    sla: timedelta = DEFAULT_SLA,
    scorecard: Sequence[Category] | None = None,
) -> DigestFacts:
    """The facts of a digest from the expected seats and the submitted scorecards.

    `scorecard` is every category the matrix shows (the loop's rubric's when not given).
    """
    counted = sorted((c for c in cards if c.counts), key=column_order)
    recs = Counter(c.recommendation for c in counted if c.recommendation)
    tally = [(str(k), label, recs.get(k, 0)) for k, label in reversed(RECOMMENDATION_LABELS.items())]
    short = abbreviations(rubric)
    columns = [Column(column_label(n), card) for n, card in enumerate(counted)]
    shown = list(scorecard) if scorecard is not None else rubric_categories(rubric)
    rows = [Row(c, [col.card.cell(c.key, short) for col in columns]) for c in shown]
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
        unassessed=[c.name for c in shown if not any(card.rated(c.key) for card in counted)],
        missing=[s for s in owed if s.ends_at <= now],
        upcoming=[s for s in owed if s.ends_at > now],
        late=[(c, over) for c in counted if (over := lateness(c, sla)) is not None],
        observers=sorted((c for c in cards if c.observer), key=column_order),
        training=sorted((c for c in cards if c.training), key=column_order),
    )


def rubrics(facts: DigestFacts) -> list[str]:
    """The names of the rubrics the matrix's rows belong to, in order."""
    return list(dict.fromkeys(row.category.rubric_name or row.category.rubric for row in facts.rows))


def matrix_lines(facts: DigestFacts, first: int, count: int, name_width: int | None = None) -> list[str]:
    """The plain-text rows of the matrix for columns [first, first+count).

    Rows are labelled with the categories' short labels, never cut inside a word (the legend gives
    the full names); with more than one rubric each rubric's rows follow its name.
    """
    cols = facts.columns[first : first + count]
    width = max([3, *(len(c.label) + 1 for c in cols), *(len(v) + 1 for r in facts.rows for v in r.cells)])
    labels = [r.category.short or r.category.name for r in facts.rows]
    label_width = name_width or min(LABEL_WIDTH, max([len(x) for x in labels] or [1]))
    grouped = len(rubrics(facts)) > 1
    indent = "  " if grouped else ""
    lines = [indent + "".ljust(label_width) + " " + "".join(c.label.ljust(width) for c in cols)]
    heading = None
    for row, label in zip(facts.rows, labels, strict=True):
        whose = row.category.rubric_name or row.category.rubric
        if grouped and whose != heading:
            heading = whose
            lines.append(whose)
        shown = row.cells[first : first + count]
        text = indent + short_fit(label, label_width).ljust(label_width)
        lines.append(text + " " + "".join(v.ljust(width) for v in shown))
    return [line.rstrip() for line in lines]


def short_fit(label: str, width: int) -> str:
    """A label within `width`, cut at a word boundary if it must be cut at all."""
    if len(label) <= width:
        return label
    cut = label.rfind(" ", 0, width)
    return (label[:cut] if cut > 0 else label[: width - 1]).rstrip() + "…"


def hours(delta: timedelta) -> str:
    """'5 hours' / '2 days' for how late something is."""
    h = int(delta.total_seconds() // 3600)
    if h < 1:
        return f"{max(1, int(delta.total_seconds() // 60))} minutes"
    if h < 48:
        return f"{h} hour{'s' if h != 1 else ''}"
    return f"{h // 24} days"
