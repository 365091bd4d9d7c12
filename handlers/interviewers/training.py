"""Listeners for the interviewer program's training: the approver's Approve / Not yet on a graduation DM.

Only the request's approver decides (with `approver: any_qualified`, anyone qualified for the type), and
never the trainee; anyone else is told who does. Decisions are written after the ack (retried if the
database is unavailable) and are idempotent: a second click changes nothing and the DM shows the
decision already made.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from blocks.feedback import message_view
from blocks.ids import ActionId, BlockId, CallbackId
from blocks.interviewers.graduation import REASON_MAX, NotYetMeta, decided, not_yet_modal
from blocks.message import Message
from bot.deps import Deps
from bot.guard import inputs
from bot.guard.errors import after_ack_safe
from bot.guard.trouble import UNREACHABLE
from bot.home.publish import publish_homes
from bot.interviewers import graduation
from bot.interviewers.graduation import Decision, GraduationRefused
from bot.interviewers.progress import progress
from bot.interviewers.training_outbox import sessions_of
from handlers.replies import after_ack, open_view, read_or, reply_privately
from models import GraduationRequest, GraduationStatus, InterviewType

log = logging.getLogger("loopbot.interviewers")
Write = Callable[[Session, datetime], Decision]
EMPTY_REASON = "Say what they should work on: the trainee reads this."
DECISION_WAITING = (
    ":hourglass: loopbot's database is busy or unreachable, so your decision is not recorded yet. "
    "loopbot keeps trying for a few minutes and says so here when it is."
)
DECISION_LOST = (
    ":warning: Your graduation decision was not recorded: loopbot could not reach its database. "
    "Press the button again in a few minutes."
)


@dataclass
class _Asked:
    """What "Not yet" found: the request to ask a reason for, or why the user may not decide."""

    request: GraduationRequest | None = None
    type_name: str = ""
    refused: str | None = None


@dataclass
class _Outcome:
    decision: Decision | None = None
    refused: GraduationRefused | None = None


def _where(body: dict[str, Any]) -> tuple[str | None, str | None]:
    """The DM the clicked button is in, and that message's ts (to update it once decided)."""
    container = body.get("container") or {}
    channel = inputs.channel_id(container.get("channel_id") or (body.get("channel") or {}).get("id"))
    ts = container.get("message_ts")
    return channel, inputs.text(ts, 32, "message_ts") or None


def _show_decision(
    client: WebClient, deps: Deps, request_id: int, channel: str | None, ts: str | None
) -> None:
    """Replace the DM's buttons with who decided what (chat.update on the message clicked)."""
    if not channel or not ts:
        return

    def read(s: Session) -> Message:
        request = s.get_one(GraduationRequest, request_id)
        kind = s.get_one(InterviewType, request.interview_type_id)
        line = progress(s, request.user_id, kind).line()
        return decided(request, kind.name, line, sessions_of(s, request.user_id, kind.id))

    message = read_or(deps, read, None)
    if message is None:
        return
    try:
        client.chat_update(channel=channel, ts=ts, text=message.text, blocks=message.blocks_dicts())
    except SlackApiError as exc:  # the decision is recorded; only its display in the DM is stale
        log.warning("graduation.dm_update_failed request=%s error=%s", request_id, exc.response.get("error"))


def _decide(
    client: WebClient,
    context: BoltContext,
    user: str,
    where: tuple[str | None, str | None],
    what: str,
    write: Write,
) -> None:
    """Write a decision after the ack; then update the DM, or tell the user why not."""
    deps: Deps = context["deps"]
    retry = after_ack(context)
    channel, ts = where

    def attempt() -> _Outcome:
        try:
            with retry.sessions(deps.session_factory).begin() as s:
                return _Outcome(decision=write(s, deps.clock.now()))
        except GraduationRefused as refused:
            return _Outcome(refused=refused)

    def done(outcome: _Outcome) -> None:
        if outcome.refused is not None:
            reply_privately(client, channel, user, outcome.refused.text, [])
            return
        assert outcome.decision is not None
        d = outcome.decision
        log.info(
            "graduation.%s request=%s user=%s changed=%s status=%s",
            what,
            d.request.id,
            user,
            d.changed,
            d.request.status,
        )
        if d.changed:  # the trainee's and the approver's homes show training progress; first, so a
            publish_homes(deps, [d.request.user_id, user])  # failed chat.update cannot skip it
        _show_decision(client, deps, d.request.id, channel, ts)

    def tell(text: str) -> None:
        reply_privately(client, channel, user, text, [])

    retry.run(
        what, attempt, done, waiting=lambda: tell(DECISION_WAITING), gave_up=lambda: tell(DECISION_LOST)
    )


def handle_approve_graduation(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Approve on a graduation DM: the trainee becomes qualified (approver only, idempotent)."""
    ack()
    user, request_id = inputs.actor(body), inputs.clicked_id(body)

    def write(s: Session, now: datetime) -> Decision:
        return graduation.approve(s, request_id, user, now)

    _decide(client, context, user, _where(body), "approved", write)


def handle_not_yet_graduation(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Not yet on a graduation DM: the approver is asked for the reason in a modal."""
    ack()
    deps: Deps = context["deps"]
    user, request_id = inputs.actor(body), inputs.clicked_id(body)
    channel, ts = _where(body)

    def read(s: Session) -> _Asked:
        request = s.get(GraduationRequest, request_id)
        if request is None:
            return _Asked(refused=graduation.GONE)
        kind = s.get_one(InterviewType, request.interview_type_id)
        refused = graduation.why_not_decide(s, request, kind, user)
        if refused is None and request.status != GraduationStatus.PENDING:
            refused = "This graduation was already decided: nothing to change."
        s.expunge(request)
        return _Asked(request=request, type_name=kind.name, refused=refused)

    found = read_or(deps, read, None)
    if found is None:
        open_view(client, body, message_view("Not yet", UNREACHABLE))
        return
    if found.refused is not None or found.request is None:
        reply_privately(client, channel, user, found.refused or graduation.GONE, [])
        return
    request, type_name = found.request, found.type_name
    meta = NotYetMeta(request_id=request.id, channel=channel, ts=ts)
    open_view(client, body, not_yet_modal(request, type_name, meta))


def handle_not_yet_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """The reason for "not yet": required (an inline error when blank); then recorded and told."""
    meta = inputs.metadata(NotYetMeta, view.get("private_metadata"))
    request_id = inputs.record_id(meta.request_id, "graduation request id")
    channel = inputs.channel_id(meta.channel)
    ts = inputs.text(meta.ts, 32, "message_ts") or None
    user = inputs.actor(body)
    values = inputs.state_values(view)
    field = (values.get(BlockId.GRADUATION_REASON) or {}).get(ActionId.GRADUATION_REASON_FIELD) or {}
    reason = inputs.text(field.get("value"), REASON_MAX, "reason").strip()
    if not reason:
        ack(response_action="errors", errors={BlockId.GRADUATION_REASON: EMPTY_REASON})
        return
    ack()

    def write(s: Session, now: datetime) -> Decision:
        return graduation.not_yet(s, request_id, user, reason, now)

    _decide(client, context, user, (channel, ts), "not_yet", write)


def register(app: App) -> None:
    """Register this surface's listeners on `app`."""
    app.action(ActionId.APPROVE_GRADUATION)(after_ack_safe(handle_approve_graduation))
    app.action(ActionId.NOT_YET_GRADUATION)(after_ack_safe(handle_not_yet_graduation))
    app.view(CallbackId.GRADUATION_NOT_YET)(after_ack_safe(handle_not_yet_submission))
