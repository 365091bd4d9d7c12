"""A trainee's calibration card: where their ratings agreed with the qualified interviewer's, and where not.

Built only from a TrainingSession (which exists once both scorecards are submitted) and the qualified
interviewer's notes on the questions of the categories where the two differed. Nothing else from any
scorecard is shown: not the recommendation, not the summary, not another panelist's card.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_sdk.models.blocks import Block

from blocks import kit_text as kt
from blocks import limits
from blocks.message import Message
from blocks.scorecard import context, sections
from blocks.text import esc, esc_name, mention, slack_date
from bot.feedback.logic import scale
from models import Interview, TrainingKind, TrainingSession

KIND_NAMES = {TrainingKind.SHADOW: "shadow", TrainingKind.REVERSE_SHADOW: "reverse shadow"}
NOTE_CHARS = 600  # each note is cut here: the card is a summary, the full notes are in the scorecard
MOST_NOTES = 10  # notes shown on a card; the rest are in the qualified interviewer's scorecard


def _steps(row: dict[str, Any], order: Mapping[str, int]) -> int:
    return abs(order.get(str(row["trainee"]), 0) - order.get(str(row["qualified"]), 0))


def _differed_notes(
    details: list[dict[str, Any]], kit: Mapping[str, Any], notes: Mapping[str, Any]
) -> list[str]:
    """The qualified interviewer's notes on their questions of the categories rated differently."""
    differed = {str(d["key"]) for d in details if not d["exact"]}
    lines = []
    for n, q in kt.numbered(dict(kit)):
        note = str(notes.get(str(q.get("slug")), "") or "").strip()
        if not note or str(q.get("category_key") or "") not in differed:
            continue
        # Inside *...*: a "*" of the prompt or category would end the bold early (esc_name swaps it).
        prompt = limits.truncate(esc_name(str(q.get("prompt") or q.get("slug") or "")), 200)
        title = "Backup" if q.get("is_backup") else f"Q{n}"
        category = esc_name(str(q.get("category_name") or q.get("category_key")))
        lines.append(f"*{title} ({category}): {prompt}*\n{limits.truncate(esc(note), NOTE_CHARS)}")
    return lines


def calibration_card(
    row: TrainingSession,
    interview: Interview,
    qualified_kit: Mapping[str, Any],
    qualified_notes: Mapping[str, Any],
    progress_line: str,
) -> Message:
    """The card DMed to the trainee once both scorecards of a training session are in."""
    rubric = interview.candidate_loop.rubric
    labels = dict(scale(rubric))
    order = {key: n for n, (key, _label) in enumerate(scale(rubric))}
    kind = KIND_NAMES.get(TrainingKind(row.kind), row.kind)
    who, when = mention(row.qualified), slack_date(interview.starts_at, "{date_short_pretty}")
    head = (
        f":scales: *Calibration: {kt.type_name(interview)}* ({kind}) with "
        f"*{kt.candidate_name(interview)}* on {when}, compared with {who}'s scorecard."
    )
    details = [dict(d) for d in row.details]
    agreed = [d for d in details if d["exact"]]
    differed = [d for d in details if not d["exact"]]

    def label(key: object) -> str:
        return f"*{esc(labels.get(str(key), str(key)))}*"

    parts = [head]
    if not details:
        parts.append(
            "No category was rated by both of you (a “no signal” on either side is left out), "
            "so this session adds nothing to your agreement."
        )
    else:
        parts.append(
            f"Same rating in *{row.exact} of {row.compared}* categories; close (at most one step apart, "
            f"on the same side of the scale's middle) in *{row.close} of {row.compared}*."
        )
    if agreed:
        lines = [f"• {esc(str(d['name']))}: both {label(d['trainee'])}" for d in agreed]
        parts.append("*Where you agreed*\n" + "\n".join(lines))
    if differed:
        lines = []
        for d in differed:
            steps = _steps(d, order)
            if d["close"]:
                apart = "one step apart"
            elif steps == 1:
                apart = "one step apart, across the middle of the scale"
            else:
                apart = f"{steps} steps apart"
            lines.append(
                f"• {esc(str(d['name']))}: you {label(d['trainee'])}, {who} {label(d['qualified'])} ({apart})"
            )
        parts.append("*Where you differed*\n" + "\n".join(lines))
        notes = _differed_notes(details, qualified_kit, qualified_notes)
        if notes:
            shown = "\n\n".join(notes[:MOST_NOTES])
            if len(notes) > MOST_NOTES:
                shown += f"\n\n_…and {len(notes) - MOST_NOTES} more in {who}'s scorecard in the digest._"
            parts.append(f"*{who}'s notes on those questions*\n\n" + shown)
    blocks: list[Block] = [b for part in parts for b in sections(part)]
    blocks.append(context(f":chart_with_upwards_trend: {esc(progress_line)}"))
    if len(blocks) > limits.MESSAGE_BLOCKS:
        blocks = blocks[: limits.MESSAGE_BLOCKS - 1] + [context(f"_Shortened._ {esc(progress_line)}")]
    text = limits.truncate(
        f"Calibration: {kt.type_name(interview)} ({kind}), {row.close} of {row.compared}", 300
    )
    limits.check_message(blocks, text)
    return Message(text=text, blocks=blocks)
