"""Reply helpers the surfaces share: an ephemeral reply where the user is, opening modals, refusals."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View

from blocks.feedback import message_view
from blocks.schedule import schedule_view
from bot.db import reading
from bot.deps import Deps
from bot.scheduling.choices import load_choices

REFUSAL = (
    ":lock: Only this candidate's recruiter, hiring manager or a loopbot admin can see their status "
    "and change their interviews."
)


def open_view(client: WebClient, body: dict[str, Any], view: View) -> None:
    """Open a modal, or push it when the click came from inside a modal."""
    container = body.get("container") or {}
    if container.get("type") == "view" and (body.get("view") or {}).get("type") == "modal":
        client.views_push(trigger_id=body["trigger_id"], view=view)
    else:
        client.views_open(trigger_id=body["trigger_id"], view=view)


def reply_privately(client: WebClient, channel: str | None, user: str, text: str, blocks: list[Any]) -> None:
    """An ephemeral reply where the user is; in their DM with the app when the bot cannot post there."""
    if channel:
        try:
            client.chat_postEphemeral(channel=channel, user=user, text=text, blocks=blocks)
            return
        except SlackApiError as exc:
            if exc.response.get("error") not in ("channel_not_found", "not_in_channel", "is_archived"):
                raise
    client.chat_postMessage(channel=user, text=text, blocks=blocks)


NO_LOOPS = (
    ":lock: Only a loop's recruiter, hiring manager or a loopbot admin can schedule candidates, "
    "and you are none of these for any loop. Ask your recruiting team, or an admin to add you to a loop."
)


def open_schedule_modal(client: WebClient, body: dict[str, Any], deps: Deps, user: str) -> None:
    """Open the scheduling modal (or say why not); call right after ack()."""
    with reading(deps.session_factory) as s:
        choices = load_choices(s, user, deps.settings.admins)
    view = schedule_view(choices) if choices.loops else message_view("Schedule a candidate", NO_LOOPS)
    open_view(client, body, view)
