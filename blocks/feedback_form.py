"""The feedback modal's side of Slack: its private metadata, its state.values, where errors go."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from blocks.ids import ActionId, BlockId
from bot.feedback.logic import FeedbackForm, FormErrors


class FeedbackMeta(BaseModel):
    """The feedback modal's private_metadata."""

    interview_id: int
    user: str


def _selected(action: dict[str, Any]) -> Any:
    kind = action.get("type")
    if kind in ("static_select", "radio_buttons"):
        option = action.get("selected_option")
        return option.get("value") if option else None
    if kind == "checkboxes":
        return [o["value"] for o in action.get("selected_options") or []]
    return action.get("value")


def parse_state(values: dict[str, dict[str, Any]]) -> FeedbackForm:
    """The form in a view's state.values (submission or close); unknown blocks are ignored."""
    form = FeedbackForm()
    for block_id, actions in values.items():
        value = _selected(actions.get(ActionId.FEEDBACK_FIELD, {}))
        if block_id.startswith(BlockId.RATING_PREFIX) and value:
            form.ratings[block_id.removeprefix(BlockId.RATING_PREFIX)] = str(value)
        elif block_id.startswith(BlockId.NOTE_PREFIX) and value:
            form.question_notes[block_id.removeprefix(BlockId.NOTE_PREFIX)] = str(value)
        elif block_id.startswith(BlockId.SIGNALS_PREFIX) and value:
            form.signals.extend(str(v) for v in value)
        elif block_id == BlockId.RECOMMENDATION:
            form.recommendation = str(value) if value else None
        elif block_id == BlockId.SUMMARY:
            form.summary = str(value or "")
        elif block_id == BlockId.PRIVATE_NOTE:
            form.private_note = str(value or "")
    return form


def block_errors(errors: FormErrors) -> dict[str, str]:
    """Inline errors by block_id, for `ack(response_action="errors", ...)`."""
    placed = {BlockId.RATING_PREFIX + key: text for key, text in errors.ratings.items()}
    placed.update({BlockId.NOTE_PREFIX + slug: text for slug, text in errors.notes.items()})
    for block_id, text in (
        (BlockId.RECOMMENDATION, errors.recommendation),
        (BlockId.SUMMARY, errors.summary),
        (BlockId.PRIVATE_NOTE, errors.private_note),
    ):
        if text:
            placed[block_id] = text
    return placed
