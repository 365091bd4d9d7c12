"""What a scorecard holds and when it is complete: pure functions, no Slack calls, no SQL.

Who owes feedback: every panelist who has not declined, except shadows. Shadows are observers
learning the interview; they may submit feedback, but the loop never waits for it, never chases it,
and "all feedback in" is decided without them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

# Category and Signal are defined with the focus rules and re-exported: forms and digests use both.
from bot.feedback.focus_logic import Category as Category
from bot.feedback.focus_logic import Signal as Signal
from bot.feedback.focus_logic import kit_categories, rubric_categories
from models.feedback import Recommendation
from models.hiring import UNCOUNTED_ROLES

NO_SIGNAL = "no_signal"
SUMMARY_MIN_CHARS = 30
RECOMMENDATION_LABELS = {
    Recommendation.STRONG_NO: "Strong No",
    Recommendation.NO: "No",
    Recommendation.YES: "Yes",
    Recommendation.STRONG_YES: "Strong Yes",
}
ERR_RATING = "Pick a rating, or “{no_signal}” if this interview did not show it."
ERR_RECOMMENDATION = "Choose an overall recommendation."
ERR_SUMMARY = f"Write at least {SUMMARY_MIN_CHARS} characters: what you saw and why it leads to your call."
ERR_TOO_LONG = "Please keep this to {limit} characters (it has {n}); shorten it and submit again."
# The max_length of every text input of the feedback modal (blocks.feedback declares it).
TEXT_MAX_CHARS = 3000


@dataclass
class FeedbackForm:
    """The values of a scorecard, as typed in the modal or stored in a Feedback row."""

    ratings: dict[str, str] = field(default_factory=dict)
    signals: list[str] = field(default_factory=list)
    question_notes: dict[str, str] = field(default_factory=dict)
    recommendation: str | None = None
    summary: str = ""
    private_note: str = ""

    def snapshot(self) -> dict[str, Any]:
        """The JSON kept in a FeedbackRevision (and compared to spot a repeated submission)."""
        return {
            "ratings": dict(sorted(self.ratings.items())),
            "signals": sorted(self.signals),
            "question_notes": {k: v for k, v in sorted(self.question_notes.items()) if v},
            "recommendation": self.recommendation,
            "summary": self.summary,
            "private_note": self.private_note,
        }


def covered_categories(kit: dict[str, Any], rubric: dict[str, Any]) -> list[Category]:
    """Rubric categories the kit's questions probe, in rubric order (all of them for an empty kit)."""
    known = rubric_categories(rubric)
    return kit_categories(kit, known) if kit.get("questions") else known


def scale(rubric: dict[str, Any]) -> list[tuple[str, str]]:
    """(key, label) of every rating choice: the rubric's named levels, then "no signal"."""
    levels = [(str(s["key"]), str(s["label"])) for s in rubric.get("scale", [])]
    return [*levels, (NO_SIGNAL, no_signal_label(rubric))]


def no_signal_label(rubric: dict[str, Any]) -> str:
    return str(rubric.get("no_signal_label") or "No signal")


def question_signals(question: dict[str, Any]) -> list[Signal]:
    """Great-answer then negative signals of a question, with stable ids."""
    slug = str(question.get("slug") or "")
    return [
        Signal(id=f"{kind}:{slug}:{n}", kind=kind, text=str(text))
        for kind, key in (("great", "great_signals"), ("negative", "negative_signals"))
        for n, text in enumerate(question.get(key) or [])
    ]


@dataclass
class FormErrors:
    """What keeps a form from being submitted, by field (blocks.feedback_form places them in the modal)."""

    ratings: dict[str, str] = field(default_factory=dict)  # category key -> message
    recommendation: str | None = None
    summary: str | None = None
    private_note: str | None = None
    notes: dict[str, str] = field(default_factory=dict)  # question slug -> message

    def __bool__(self) -> bool:
        return bool(self.ratings or self.recommendation or self.summary or self.private_note or self.notes)


def _too_long(text: str) -> str | None:
    return ERR_TOO_LONG.format(limit=TEXT_MAX_CHARS, n=len(text)) if len(text) > TEXT_MAX_CHARS else None


def validate(form: FeedbackForm, categories: Iterable[Category], rubric: dict[str, Any]) -> FormErrors:
    """The form's problems; empty (falsy) when it can be submitted.

    The modal is not trusted: texts over the `max_length` it declares are refused here too. Ratings
    of categories the form does not show are not errors: `restrict` drops them before anything is kept.
    """
    errors = FormErrors()
    allowed = {key for key, _ in scale(rubric)}
    for c in categories:
        if form.ratings.get(c.key) not in allowed:
            errors.ratings[c.key] = ERR_RATING.format(no_signal=no_signal_label(rubric))
    if form.recommendation not in set(RECOMMENDATION_LABELS):
        errors.recommendation = ERR_RECOMMENDATION
    errors.summary = _too_long(form.summary)
    if errors.summary is None and len(form.summary.strip()) < SUMMARY_MIN_CHARS:
        errors.summary = ERR_SUMMARY
    errors.private_note = _too_long(form.private_note)
    errors.notes = {slug: e for slug, note in form.question_notes.items() if (e := _too_long(note))}
    return errors


def restrict(
    form: FeedbackForm,
    categories: Iterable[Category],
    signal_ids: Collection[str],
    note_slugs: Collection[str],
) -> FeedbackForm:
    """Only what the form offers: ratings of its categories, its signals, notes on its questions."""
    keys = {c.key for c in categories}
    return replace(
        form,
        ratings={k: v for k, v in form.ratings.items() if k in keys},
        signals=[s for s in dict.fromkeys(form.signals) if s in signal_ids],
        question_notes={k: v for k, v in form.question_notes.items() if k in note_slugs},
    )


def clipped(form: FeedbackForm) -> FeedbackForm:
    """A draft's texts cut to what the modal accepts back as an initial value."""
    return replace(
        form,
        summary=form.summary[:TEXT_MAX_CHARS],
        private_note=form.private_note[:TEXT_MAX_CHARS],
        question_notes={k: v[:TEXT_MAX_CHARS] for k, v in form.question_notes.items()},
    )


def owes_feedback(role: str, declined: bool) -> bool:
    """Whether the loop waits for this seat's feedback (see the module docstring)."""
    return not declined and role not in UNCOUNTED_ROLES


def form_is_open(starts_at: datetime, now: datetime) -> bool:
    """The form opens when the interview starts (notes during it are welcome)."""
    return now >= starts_at


@dataclass(frozen=True)
class SeatFacts:
    """One of a user's seats on a candidate loop, for the blind rule."""

    role: str
    declined: bool
    submitted: bool


def may_see_feedback(
    user: str, seats: Iterable[SeatFacts], recruiter: str, hiring_manager: str, admins: Collection[str] = ()
) -> bool:
    """Blind rule: a panelist sees others' feedback only once their own owed feedback is all in."""
    mine = list(seats)
    if any(owes_feedback(s.role, s.declined) and not s.submitted for s in mine):
        return False
    if any(not s.declined for s in mine):
        return True
    return user in (recruiter, hiring_manager) or user in admins
