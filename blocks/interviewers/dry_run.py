"""Dry-run messages: the request to the lead and to their partner, the lead's reminder, the recruiter's
warning with a one-click swap, and what a settled message shows instead of its buttons."""

from __future__ import annotations

import re
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, ConfirmObject

from blocks import kit_text as kt
from blocks import limits
from blocks.ids import ActionId, BlockId
from blocks.message import Message
from blocks.prep import context, sections
from blocks.text import esc, mention, slack_date
from bot.guard.inputs import BadInput, record_id
from models import DryRun, Interview

_SWAP_VALUE = re.compile(r"^(\d{1,12}):(\d{1,12}):([UW][A-Z0-9]{2,30})?$")


def _first_time(interview: Interview, row: DryRun) -> str:
    """`the *Type* with *Candidate* on <date>` plus the exercise when the type asks per exercise."""
    text = f"the {kt.what(interview)} on {slack_date(interview.starts_at)}"
    if row.exercise:
        seat = next((s for s in interview.panel if s.user_id == row.user_id), None)
        name = str((seat.kit if seat is not None else {}).get("name") or row.exercise)
        text += f" (exercise: *{esc(name)}*)"
    return text


def _message(text: str, blocks: list[Block]) -> Message:
    fallback = limits.truncate(text, limits.FALLBACK_TEXT)
    limits.check_message(blocks, fallback)
    return Message(text=fallback, blocks=blocks)


def request_to_lead(interview: Interview, row: DryRun) -> Message:
    """What the first-time lead must do, why, and with whom."""
    cl = interview.candidate_loop
    lines = (
        f":performing_arts: You lead {_first_time(interview, row)}, and it is your first time leading it. "
        f"Interviews of this type ask for a dry run first: rehearse it with {mention(row.partner)}, as you "
        "would run it with the candidate, and agree what you will look for.\n"
        f"When you have, {mention(row.partner)} presses *Dry run done* in their message from loopbot."
    )
    blocks: list[Block] = [*sections(lines)]
    if cl.recruiter:
        blocks.append(
            context(
                f"Can't rehearse in time? Tell {mention(cl.recruiter)}: they can give the interview to a "
                "qualified lead."
            )
        )
    return _message(f"Dry run before you lead the {kt.type_name(interview)}", blocks)


def request_to_partner(interview: Interview, row: DryRun) -> Message:
    """The partner's request, with the one button that records the dry run."""
    text = (
        f":performing_arts: {mention(row.user_id)} leads {_first_time(interview, row)} for the first time. "
        "You are their dry-run partner: rehearse it with them before then.\n"
        "When you have, press *Dry run done*: it tells them, and stops the reminders."
    )
    button = ButtonElement(
        text="Dry run done", action_id=ActionId.DRY_RUN_DONE, value=str(row.id), style="primary"
    )
    blocks: list[Block] = [*sections(text), ActionsBlock(block_id=BlockId.DRY_RUN_ACTIONS, elements=[button])]
    return _message(f"Dry run with {mention(row.user_id)}: {kt.type_name(interview)}", blocks)


def reminder(interview: Interview, row: DryRun) -> Message:
    """The lead's reminder while the dry run has not happened."""
    text = (
        f":hourglass: Reminder: your dry run for {_first_time(interview, row)} has not happened yet. "
        f"Rehearse with {mention(row.partner)} and ask them to press *Dry run done*."
    )
    return _message(f"Reminder: dry run for the {kt.type_name(interview)}", sections(text))


def swap_value(interview_id: int, dry_run_id: int, suggested: str) -> str:
    return f"{interview_id}:{dry_run_id}:{suggested}"


def parse_swap_value(value: object) -> tuple[int, int, str] | None:
    """(interview id, dry run id, suggested user or "") from a Swap button's value; None if malformed
    or an id is out of range (bot/guard/inputs.record_id: 0, or past an INTEGER column)."""
    found = _SWAP_VALUE.match(value) if isinstance(value, str) else None
    if found is None:
        return None
    try:
        ids = record_id(found.group(1), "interview id"), record_id(found.group(2), "dry run id")
    except BadInput:
        return None
    return ids[0], ids[1], found.group(3) or ""


def warning(interview: Interview, row: DryRun, suggested: str | None, needs_dry_run: bool = False) -> Message:
    """To the recruiter at T-24h: the dry run has not happened; swap to a qualified lead in one click.

    `needs_dry_run`: the suggested lead has not led it either (nobody who has is free), which is said."""
    head = (
        f":warning: {mention(row.user_id)} leads {_first_time(interview, row)} for the first time, and "
        f"their dry run with {mention(row.partner)} has not happened yet."
    )
    if suggested is None:
        body = (
            "Nobody else qualified for it is free at that time, within their limits and not already on this "
            "candidate's loop. "
            f"Ask {mention(row.partner)} to rehearse with {mention(row.user_id)} before then, or choose a "
            "lead yourself from `/loop status` (Reassign)."
        )
        return _message(f"Dry run not done: {kt.type_name(interview)}", sections(f"{head}\n{body}"))
    if needs_dry_run:
        why = (
            "(needs a dry run too): they are qualified and free at that time, but have not led it either, "
            "and nobody free has."
        )
    else:
        why = "(qualified and needs no dry run, free at that time, not on this candidate's loop yet)."
    body = (
        f"Suggested lead: {mention(suggested)} {why} *Swap to a qualified lead* gives them the seat; both "
        "are told."
    )
    button = ButtonElement(
        text="Swap to a qualified lead",
        action_id=ActionId.SWAP_LEAD,
        value=swap_value(interview.id, row.id, suggested),
        style="danger",
        confirm=ConfirmObject(
            title="Swap the lead?",
            text=f"{mention(suggested)} leads instead of {mention(row.user_id)}; both are told.",
            confirm="Swap",
            deny="Cancel",
        ),
    )
    blocks: list[Block] = [
        *sections(f"{head}\n{body}"),
        ActionsBlock(block_id=BlockId.DRY_RUN_ACTIONS, elements=[button]),
    ]
    return _message(f"Dry run not done: {kt.type_name(interview)}", blocks)


def settled(original: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    """A dry-run message's blocks with its buttons replaced by what happened (mrkdwn `text`)."""
    note = context(text, block_id=BlockId.DRY_RUN_SETTLED).to_dict()
    gone = (BlockId.DRY_RUN_ACTIONS, BlockId.DRY_RUN_SETTLED)
    return [*(b for b in original if b.get("block_id") not in gone), note]
