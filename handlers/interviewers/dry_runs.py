"""Listeners for the interviewer program's dry runs: the partner's "Dry run done", the recruiter's "Swap"."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from blocks.ids import ActionId
from blocks.interviewers.dry_run import parse_swap_value, settled
from blocks.message import Message
from blocks.text import mention, slack_date
from bot.deps import Deps
from bot.guard import inputs
from bot.guard.errors import after_ack_safe
from bot.home.publish import publish_homes
from bot.interviewers import dry_run_swap, dry_runs
from handlers.replies import after_ack, reply_privately

log = logging.getLogger("loopbot.interviewers")

WAITING = (
    ":hourglass: loopbot's database is busy or unreachable, so this is not recorded yet. loopbot keeps "
    "trying for a few minutes and says so here when it is."
)
NOT_OURS = (
    "That button is not one loopbot made: nothing changed. Use the buttons in loopbot's newest message."
)
LOST = (
    ":warning: Not recorded: loopbot could not reach its database. Nothing was changed; press the "
    "button again in a few minutes."
)


def _where(body: dict[str, Any]) -> tuple[str | None, str]:
    """The conversation and ts of the message the button is in."""
    container = body.get("container") or {}
    channel = inputs.channel_id(container.get("channel_id") or (body.get("channel") or {}).get("id"))
    return channel, str(container.get("message_ts") or "")


def _settle(client: WebClient, body: dict[str, Any], text: str) -> None:
    """Replace the message's buttons with `text`, so it cannot be pressed again by mistake."""
    channel, ts = _where(body)
    message = body.get("message") or {}
    blocks = message.get("blocks")
    if channel and ts and isinstance(blocks, list) and blocks:
        client.chat_update(
            channel=channel, ts=ts, text=str(message.get("text") or "Dry run"), blocks=settled(blocks, text)
        )


def _replace(client: WebClient, body: dict[str, Any], message: Message) -> None:
    """Show a fresh warning (a new suggestion, or none) in place of the one whose button was pressed."""
    channel, ts = _where(body)
    if channel and ts:
        client.chat_update(channel=channel, ts=ts, text=message.text, blocks=message.blocks_dicts())


def handle_dry_run_done(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """'Dry run done': only the partner confirms; the lead is told; pressing it again changes nothing."""
    ack()
    deps: Deps = context["deps"]
    user, now = inputs.actor(body), deps.clock.now()
    channel, _ts = _where(body)
    try:
        dry_run_id = inputs.clicked_id(body)
    except inputs.BadInput:
        reply_privately(client, channel, user, NOT_OURS, [])
        return
    retry = after_ack(context)

    def attempt() -> dry_runs.Confirmation:
        with retry.sessions(deps.session_factory).begin() as s:
            return dry_runs.confirm(s, dry_run_id, user, now)

    def done(result: dry_runs.Confirmation) -> None:
        if result.refused:
            reply_privately(client, channel, user, result.refused, [])
            return
        when = slack_date(result.done_at or now, "{date_short}")
        _settle(client, body, f":white_check_mark: Dry run with {mention(result.lead)} confirmed on {when}.")
        if not result.already:
            publish_homes(deps, [result.lead, user])

    retry.run(
        "dry_run_done",
        attempt,
        done,
        waiting=lambda: reply_privately(client, channel, user, WAITING, []),
        gave_up=lambda: reply_privately(client, channel, user, LOST, []),
    )


def handle_swap_lead(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """'Swap to a qualified lead': the recruiter (or an admin) gives the interview to a qualified lead."""
    ack()
    deps: Deps = context["deps"]
    user, now = inputs.actor(body), deps.clock.now()
    channel, _ts = _where(body)
    action = (body.get("actions") or [{}])[0]
    parsed = parse_swap_value(action.get("value") if isinstance(action, dict) else None)
    if parsed is None:
        reply_privately(client, channel, user, NOT_OURS, [])
        return
    interview_id, dry_run_id, suggested = parsed
    retry = after_ack(context)

    def attempt() -> dry_run_swap.Swap:
        with retry.sessions(deps.session_factory).begin() as s:
            return dry_run_swap.swap_lead(s, interview_id, dry_run_id, suggested, user, deps.settings, now)

    def done(result: dry_run_swap.Swap) -> None:
        if result.done:
            _settle(client, body, result.text)
            publish_homes(deps, result.people)
        elif result.fresh is not None:
            _replace(client, body, result.fresh)
        reply_privately(client, channel, user, result.text, [])

    retry.run(
        "swap_lead",
        attempt,
        done,
        waiting=lambda: reply_privately(client, channel, user, WAITING, []),
        gave_up=lambda: reply_privately(client, channel, user, LOST, []),
    )


def register(app: App) -> None:
    """Register this surface's listeners on `app`."""
    app.action(ActionId.DRY_RUN_DONE)(after_ack_safe(handle_dry_run_done))
    app.action(ActionId.SWAP_LEAD)(after_ack_safe(handle_swap_lead))
