"""The approver's graduation DM (Approve / Not yet), its state after a decision, and the "not yet" modal.

The DM names the trainee, the progress line and each compared session (type, kind, date, agreement,
with whom); it names no candidate, so an approver from another loop learns nothing about anyone's
interviews.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    InputBlock,
    PlainTextInputElement,
)
from slack_sdk.models.views import View

from blocks import limits
from blocks.ids import ActionId, BlockId, CallbackId
from blocks.interviewers.calibration import KIND_NAMES
from blocks.message import Message
from blocks.scorecard import context, sections
from blocks.text import a_or_an, esc, mention, slack_date
from models import GraduationRequest, GraduationStatus, TrainingKind, TrainingSession

REASON_MAX = 1000
MOST_SESSIONS = 20  # the latest ones; older sessions count towards nothing the approver decides on


class NotYetMeta(BaseModel):
    """The "not yet" modal's private_metadata: the request, and the DM to update once decided."""

    request_id: int
    channel: str | None = None
    ts: str | None = None


def quoted(text: str) -> str:
    """Escaped text as a mrkdwn quote: every line gets its own ">" (a ">" quotes only its own line)."""
    return "\n".join(f">{line}" for line in esc(text).splitlines() or [""])


def _session_line(row: TrainingSession, when: datetime | None) -> str:
    kind = KIND_NAMES.get(TrainingKind(row.kind), row.kind)
    date = slack_date(when, "{date_short_pretty}") if when else "an earlier date"
    if row.compared:
        agreement = f"{row.close} of {row.compared} categories close, {row.exact} the same"
    else:
        agreement = "no category rated by both"
    return f"• {kind.capitalize()} on {date} with {mention(row.qualified)}: {agreement}"


def _body(
    request: GraduationRequest,
    type_name: str,
    line: str,
    sessions: Sequence[tuple[TrainingSession, datetime]],
) -> list[str]:
    head = (
        f":mortar_board: {mention(request.user_id)} has met the training requirements for "
        f"*{esc(type_name)}* interviews:\n{esc(line)}."
    )
    shown = [_session_line(row, when) for row, when in list(sessions)[:MOST_SESSIONS]]
    return [head, "*Compared sessions*\n" + "\n".join(shown) if shown else "_No compared sessions._"]


def graduation_request(
    request: GraduationRequest,
    type_name: str,
    line: str,
    sessions: Sequence[tuple[TrainingSession, datetime]],
) -> Message:
    """The approver's DM: the evidence, then Approve / Not yet."""
    parts = _body(request, type_name, line, sessions)
    parts.append(
        "Graduating makes them a qualified interviewer who can lead. *Not yet* asks you for a reason, "
        "which they are told."
    )
    blocks: list[Block] = [b for part in parts for b in sections(part)]
    value = str(request.id)
    blocks.append(
        ActionsBlock(
            block_id=BlockId.GRADUATION_ACTIONS,
            elements=[
                ButtonElement(
                    text="Approve", action_id=ActionId.APPROVE_GRADUATION, value=value, style="primary"
                ),
                ButtonElement(text="Not yet", action_id=ActionId.NOT_YET_GRADUATION, value=value),
            ],
        )
    )
    text = limits.truncate(f"Graduation: {esc(type_name)} interviewer, please decide", 300)
    limits.check_message(blocks, text)
    return Message(text=text, blocks=blocks)


def decided(
    request: GraduationRequest,
    type_name: str,
    line: str,
    sessions: Sequence[tuple[TrainingSession, datetime]],
) -> Message:
    """The same DM once decided: the buttons give way to who decided what, and when."""
    parts = _body(request, type_name, line, sessions)
    when = slack_date(request.decided_at) if request.decided_at else "earlier"
    by = mention(request.decided_by) if request.decided_by else "someone"
    if request.status == GraduationStatus.APPROVED:
        outcome = f":white_check_mark: Approved by {by} on {when}: they are qualified now."
    elif request.status == GraduationStatus.WITHDRAWN:
        what = esc(request.reason) or "the request no longer applied"
        outcome = (
            f":information_source: Not graduated: when {by} approved on {when}, "
            f"{mention(request.user_id)} was {what}."
        )
    else:
        outcome = f":seedling: Not yet, said {by} on {when}:\n{quoted(limits.truncate(request.reason, 1500))}"
    blocks: list[Block] = [b for part in parts for b in sections(part)]
    blocks.append(context(outcome))
    text = limits.truncate(f"Graduation: {esc(type_name)} interviewer, decided", 300)
    limits.check_message(blocks, text)
    return Message(text=text, blocks=blocks)


def not_yet_modal(request: GraduationRequest, type_name: str, meta: NotYetMeta) -> View:
    """Asks the approver why not yet (required): the trainee reads it."""
    return View(
        type="modal",
        callback_id=CallbackId.GRADUATION_NOT_YET,
        title="Not yet",  # plain_text, at most 24 characters: no type name, which could be longer
        submit="Send",
        close="Cancel",
        private_metadata=meta.model_dump_json(),
        blocks=[
            *sections(
                f"Why is {mention(request.user_id)} not ready to graduate as "
                f"{a_or_an(f'*{esc(type_name)}*')} interviewer yet? They are told your answer and stay "
                "a trainee."
            ),
            InputBlock(
                block_id=BlockId.GRADUATION_REASON,
                label="What should they work on?",
                element=PlainTextInputElement(
                    action_id=ActionId.GRADUATION_REASON_FIELD,
                    multiline=True,
                    max_length=limits.input_max_length(REASON_MAX),
                ),
            ),
        ],
    )
