"""Simulated interviewers filling in the feedback modal: answers chosen from the view Slack showed them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from blocks.ids import BlockId
from bot.feedback.logic import NO_SIGNAL


@dataclass(frozen=True)
class Scorecard:
    """How one simulated interviewer answers: `lean` indexes the rating scale, worst (0) to best.

    `ratings` overrides the lean per category key; `negative` ticks a negative signal per question too.
    Leaving `summary` empty (or `rate` False) gives the incomplete form that shows the inline errors.
    `notes` gives the note on a question by its slug; the others get `note`.
    """

    recommendation: str | None
    summary: str
    lean: int = 2
    ratings: dict[str, int | str] = field(default_factory=dict)
    negative: bool = False
    rate: bool = True
    note: str = "Asked as written; follow-ups on trade-offs and on the candidate's own part."
    notes: dict[str, str] = field(default_factory=dict)


def _options(block: dict[str, Any]) -> list[dict[str, Any]]:
    return list(block["element"].get("options", []))


def _rating(block: dict[str, Any], card: Scorecard) -> str | None:
    if not card.rate:
        return None
    key = block["block_id"].removeprefix(BlockId.RATING_PREFIX)
    wanted = card.ratings.get(key, card.lean)
    if isinstance(wanted, str):
        return wanted
    levels = [o["value"] for o in _options(block) if o["value"] != NO_SIGNAL]
    return levels[max(0, min(wanted, len(levels) - 1))] if levels else None


def answers_for(view: dict[str, Any], card: Scorecard) -> dict[str, Any]:
    """block_id -> answer for every input of the feedback modal, following the scorecard."""
    answers: dict[str, Any] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        block_id = str(block["block_id"])
        if block_id.startswith(BlockId.RATING_PREFIX):
            answers[block_id] = _rating(block, card)
        elif block_id.startswith(BlockId.SIGNALS_PREFIX):
            values = [str(o["value"]) for o in _options(block)]
            great = [v for v in values if v.startswith("great:")][:2]
            negative = [v for v in values if v.startswith("negative:")][:1] if card.negative else []
            answers[block_id] = great + negative
        elif block_id.startswith(BlockId.NOTE_PREFIX):
            answers[block_id] = card.notes.get(block_id.removeprefix(BlockId.NOTE_PREFIX), card.note)
        elif block_id == BlockId.RECOMMENDATION:
            answers[block_id] = card.recommendation
        elif block_id == BlockId.SUMMARY:
            answers[block_id] = card.summary
    return answers


def _state(element: dict[str, Any], answer: Any) -> dict[str, Any]:
    kind = element["type"]
    options = {o["value"]: o for o in element.get("options", [])}
    if kind in ("radio_buttons", "static_select"):
        chosen = options.get(answer) if answer is not None else element.get("initial_option")
        return {"type": kind, "selected_option": chosen}
    if kind == "checkboxes":
        if answer is None:
            return {"type": kind, "selected_options": element.get("initial_options", [])}
        return {"type": kind, "selected_options": [options[v] for v in answer if v in options]}
    value = answer if answer is not None else element.get("initial_value")
    return {"type": kind, "value": value or None}


def submitted_view(view: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """The view as Slack sends it back on submit or close: `state.values` for every input block."""
    values = {
        b["block_id"]: {b["element"]["action_id"]: _state(b["element"], answers.get(b["block_id"]))}
        for b in view.get("blocks", [])
        if b.get("type") == "input"
    }
    return {**view, "state": {"values": values}}


def describe(view: dict[str, Any], answers: dict[str, Any]) -> list[str]:
    """What the interviewer entered, as short lines for the transcript."""
    labels = {
        str(b["block_id"]): str(b.get("label", {}).get("text", ""))
        for b in view.get("blocks", [])
        if b.get("type") == "input"
    }
    texts = {
        str(o["value"]): str(o["text"]["text"])
        for b in view.get("blocks", [])
        if b.get("type") == "input"
        for o in b["element"].get("options", [])
    }
    lines = []
    ticked: list[str] = []
    notes = 0
    for block_id, answer in answers.items():
        if answer in (None, "", []):
            continue
        if block_id.startswith(BlockId.SIGNALS_PREFIX):
            ticked += answer
        elif block_id.startswith(BlockId.NOTE_PREFIX):
            notes += 1
        else:
            lines.append(f"{labels.get(block_id, block_id)}: {texts.get(str(answer), str(answer))}")
    great = sum(1 for v in ticked if v.startswith("great:"))
    if ticked or notes:
        extra = (
            f"{great} great-answer and {len(ticked) - great} negative signals ticked, {notes} question notes"
        )
        lines.insert(0, extra)
    return lines
