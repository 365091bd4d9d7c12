"""The feedback modal: a rating per category the interview assesses, signals, notes, recommendation, summary.

A panelist with questions ticks each question's signals; one without (a values or hiring-manager
interview) ticks the checklist of the interview's focus (bot/feedback/focus_logic.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from blocks import kit_text as kt
from blocks import limits
from blocks.feedback_form import FeedbackMeta
from blocks.ids import ActionId, BlockId, CallbackId
from blocks.text import esc, slack_date
from bot.feedback.focus_logic import LOOK_FOR, Category, Signal, checklist
from bot.feedback.logic import (
    RECOMMENDATION_LABELS,
    TEXT_MAX_CHARS,
    FeedbackForm,
    question_signals,
    scale,
)
from models import Interview, PanelSeat

FIELD = ActionId.FEEDBACK_FIELD
# How much of the kit the form shows, most detailed first; the first layout that fits is used.
LAYOUTS = ("full", "compact", "notes")


def _option(text: str, value: str) -> Option:
    label, more = limits.split_label(esc(text))
    return Option(text=PlainTextObject(text=label), value=value, description=more or None)


def _choice(options: list[Option], initial: str | None) -> RadioButtonsElement | StaticSelectElement:
    chosen = next((o for o in options if o.value == initial), None)
    if len(options) <= limits.CHOICE_OPTIONS:
        return RadioButtonsElement(action_id=FIELD, options=options, initial_option=chosen)
    # static_select options take no description: keep the label only.
    plain = [Option(text=o.text, value=o.value) for o in options]
    chosen = next((o for o in plain if o.value == initial), None)
    return StaticSelectElement(action_id=FIELD, options=plain, initial_option=chosen, placeholder="Choose")


def _text_input(block_id: str, label: str, initial: str, optional: bool, hint: str | None = None) -> Block:
    return InputBlock(
        block_id=block_id,
        label=limits.truncate(esc(label), 300),
        hint=hint,
        optional=optional,
        element=PlainTextInputElement(
            action_id=FIELD,
            multiline=True,
            initial_value=initial or None,
            max_length=limits.input_max_length(TEXT_MAX_CHARS),
        ),
    )


def _rating(c: Category, options: list[Option], form: FeedbackForm) -> Block:
    return InputBlock(
        block_id=BlockId.RATING_PREFIX + c.key,
        label=limits.truncate(esc(c.name), 2000),
        hint=limits.truncate(esc(c.description), 2000) or None,
        element=_choice(options, form.ratings.get(c.key)),
    )


def _signal_inputs(slug: str, label: str, options: list[Option], form: FeedbackForm, tag: str) -> list[Block]:
    blocks: list[Block] = []
    for n, chunk in enumerate(limits.chunks(options)):
        chosen = [o for o in chunk if o.value in form.signals]
        shown = limits.truncate(esc(label), 1990)
        blocks.append(
            InputBlock(
                block_id=f"{BlockId.SIGNALS_PREFIX}{slug}__{tag}{n}",
                label=shown if n == 0 else f"{shown} (more)",
                optional=True,
                element=CheckboxesElement(action_id=FIELD, options=chunk, initial_options=chosen or None),
            )
        )
    return blocks


def _question(n: int, q: dict[str, Any], form: FeedbackForm, layout: str) -> list[Block]:
    slug = str(q.get("slug") or n)
    name = f"Backup · {q.get('category_name') or ''}" if n == 0 else f"Q{n} · {q.get('category_name') or ''}"
    prompt = str(q.get("prompt") or "")
    # The full layout shows the prompt above the signals; the shorter ones carry it in the label.
    label = f"Notes on {name}" if layout == "full" else f"Notes on {name}: {prompt}"
    note = _text_input(BlockId.NOTE_PREFIX + slug, label, form.question_notes.get(slug, ""), True)
    if layout == "notes":
        return [note]
    signals = question_signals(q)
    great = [_option(f"+ {s.text}", s.id) for s in signals if s.kind == "great"]
    negative = [_option(f"− {s.text}", s.id) for s in signals if s.kind == "negative"]
    if layout == "compact":
        return [*_signal_inputs(slug, f"Signals on {name}", great + negative, form, "s"), note]
    header = SectionBlock(
        text=MarkdownTextObject(text=limits.truncate(f"*{esc(name)}*\n{esc(prompt)}", 3000))
    )
    return [
        header,
        *_signal_inputs(slug, "Great-answer signals you heard", great, form, "g"),
        *_signal_inputs(slug, "Negative signals you saw", negative, form, "n"),
        note,
    ]


def _groups(items: Sequence[Signal]) -> list[tuple[str, list[Signal]]]:
    grouped: dict[str, list[Signal]] = {}
    for item in items:
        grouped.setdefault(item.group, []).append(item)
    return list(grouped.items())


def _checklist(items: Sequence[Signal], form: FeedbackForm) -> list[Block]:
    """The signals a panelist without questions ticks: what to look for, each focus category's attributes."""
    blocks: list[Block] = []
    for g, (group, signals) in enumerate(_groups(items)):
        label = "What you saw, of what to look for" if group == LOOK_FOR else f"What you saw: {group}"
        options = [_option(s.text, s.id) for s in signals]
        # Question slugs never start with "_", so these block ids cannot meet a question's.
        blocks += _signal_inputs(f"_checklist{g}", label, options, form, "c")
    return blocks


def _closing(form: FeedbackForm) -> list[Block]:
    recommendations = [_option(label, key) for key, label in RECOMMENDATION_LABELS.items()]
    return [
        InputBlock(
            block_id=BlockId.RECOMMENDATION,
            label="Overall recommendation",
            element=_choice(recommendations, form.recommendation),
        ),
        _text_input(
            BlockId.SUMMARY, "Summary", form.summary, False, "What you saw and why it leads to your call."
        ),
        _text_input(
            BlockId.PRIVATE_NOTE,
            "Private note for the hiring manager",
            form.private_note,
            True,
            "Only the hiring manager sees this.",
        ),
    ]


@dataclass(frozen=True)
class Part:
    """Consecutive blocks of the modal; `touched(form)` is False when the form shows nothing in them.

    An untouched part renders the same for every form, so it can be serialised once per kit.
    """

    build: Callable[[FeedbackForm], list[Block]]
    touched: Callable[[FeedbackForm], bool]


def _rating_part(c: Category, options: list[Option]) -> Part:
    return Part(lambda form: [_rating(c, options, form)], lambda form: c.key in form.ratings)


def _question_part(n: int, q: dict[str, Any], layout: str) -> Part:
    slug = str(q.get("slug") or n)
    values = frozenset(s.id for s in question_signals(q))
    return Part(
        lambda form: _question(n, q, form, layout),
        lambda form: slug in form.question_notes or not values.isdisjoint(form.signals),
    )


def _closing_touched(form: FeedbackForm) -> bool:
    return form.recommendation is not None or bool(form.summary or form.private_note)


def _checklist_part(items: Sequence[Signal]) -> Part:
    values = frozenset(s.id for s in items)
    return Part(lambda form: _checklist(items, form), lambda form: not values.isdisjoint(form.signals))


def parts(
    categories: Sequence[Category],
    rubric: dict[str, Any],
    kit: dict[str, Any],
    layout: str,
    signals: Sequence[Signal] = (),
) -> list[Part]:
    """Everything below the intro: a rating per category, the checklist, the kit's questions, the closing."""
    options = [_option(label, key) for key, label in scale(rubric)]
    return [
        *(_rating_part(c, options) for c in categories),
        *([_checklist_part(list(signals))] if signals else []),
        *(_question_part(n, q, layout) for n, q in kt.numbered(kit)),
        Part(_closing, _closing_touched),
    ]


def intro(interview: Interview, status_line: str) -> list[Block]:
    """The blocks above the ratings: which interview, and the state of this panelist's feedback."""
    text = (
        f"*{kt.type_name(interview)} with {kt.candidate_name(interview)}*\n{slack_date(interview.starts_at)}"
    )
    blocks: list[Block] = [SectionBlock(block_id=BlockId.FEEDBACK_HEADER, text=MarkdownTextObject(text=text))]
    if status_line:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=status_line)]))
    return blocks


def frame(interview: Interview, seat: PanelSeat, submitted: bool) -> dict[str, Any]:
    """The View arguments around the blocks."""
    return {
        "type": "modal",
        "callback_id": CallbackId.FEEDBACK,
        "title": "Interview feedback",
        "submit": "Update feedback" if submitted else "Submit feedback",
        "close": "Save for later",
        "notify_on_close": True,
        "private_metadata": FeedbackMeta(interview_id=interview.id, user=seat.user_id).model_dump_json(),
    }


def feedback_view(
    interview: Interview,
    seat: PanelSeat,
    categories: Sequence[Category],
    form: FeedbackForm | None = None,
    status_line: str = "",
    submitted: bool = False,
) -> View:
    """The scorecard modal for one panelist, pre-filled with `form` (a draft or the submitted version).

    Built afresh on every call; blocks.feedback_modal gives the same view from a per-kit cache.
    """
    form = form or FeedbackForm()
    rubric = interview.candidate_loop.rubric
    signals = checklist(interview.guidance, categories, seat.kit)
    for layout in LAYOUTS:
        below = [b for part in parts(categories, rubric, seat.kit, layout, signals) for b in part.build(form)]
        blocks = [*intro(interview, status_line), *below]
        view = View(**frame(interview, seat, submitted), blocks=blocks)
        if len(blocks) <= limits.VIEW_BLOCKS:
            try:
                limits.check_view(view)
                return view
            except limits.LimitError:
                continue
    raise limits.LimitError(f"the kit of {seat.user_id} on interview {interview.id} does not fit a modal")


def message_view(title: str, text: str) -> View:
    """A modal that only says something (not a panelist, form not open yet, interview cancelled)."""
    return View(
        type="modal",
        title=limits.truncate(title, 24),
        close="OK",
        blocks=[SectionBlock(text=MarkdownTextObject(text=limits.truncate(text, limits.SECTION_TEXT)))],
    )
