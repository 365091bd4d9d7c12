"""Reply helpers the surfaces share: an ephemeral reply where the user is, opening modals, refusals,
and what a listener says when the database is unavailable."""

from __future__ import annotations

import difflib
import http.client
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar
from urllib.parse import urlsplit

from slack_bolt import BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View
from sqlalchemy.orm import Session

from blocks.feedback import message_view
from blocks.schedule import schedule_view
from blocks.schedule_form import ScheduleForm
from blocks.text import code
from bot.db import is_locked, reading, unavailable
from bot.deps import Deps
from bot.guard.trouble import UNREACHABLE, AfterAck
from bot.scheduling.choices import load_choices

T = TypeVar("T")
BEFORE_ACK_MS = 2000  # a submission must answer Slack within 3 s: wait at most this for SQLite's lock

REFUSAL = (
    ":lock: Only this candidate's recruiter, hiring manager or a loopbot admin can see their status "
    "and change their interviews."
)


def open_view(client: WebClient, body: dict[str, Any], view: View) -> None:
    """Open a modal, or push it when the click came from inside a modal."""
    container, trigger = body.get("container") or {}, str(body.get("trigger_id") or "")
    if container.get("type") == "view" and (body.get("view") or {}).get("type") == "modal":
        client.views_push(trigger_id=trigger, view=view)
    else:
        client.views_open(trigger_id=trigger, view=view)


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


def slack_response_url(url: str, api_url: str) -> bool:
    """A response_url loopbot will post to: Slack's own (https, *.slack.com), or the Web API's host when
    SLACK_API_URL points elsewhere (the stand-in). Anything else is ignored, never fetched."""
    parts, api = urlsplit(url), urlsplit(api_url)
    if parts.scheme == "https" and (parts.hostname or "").endswith(".slack.com"):
        return True
    return bool(parts.netloc) and parts.netloc == api.netloc and parts.scheme == api.scheme


def reply_to_command(
    respond: Respond | None, client: WebClient, channel: str | None, user: str, text: str, blocks: list[Any]
) -> None:
    """A slash command's private reply through its response_url, as Slack intends: it works in any
    conversation the command was typed in, even one loopbot is not in (a channel, a DM between people).
    Falls back to reply_privately when there is no response_url or Slack refuses it (used or expired)."""
    if respond is not None:
        try:
            sent = respond(text=text, blocks=blocks, response_type="ephemeral")
        except (OSError, http.client.HTTPException):
            sent = None  # never reached Slack: the fallback cannot make a second copy
        # Fall back only when Slack refused the URL (used up, expired, bad): another answer may mean
        # the reply went out, and a second copy is worse than a late one.
        if sent is not None and sent.status_code not in (400, 403, 404, 410):
            return
    reply_privately(client, channel, user, text, blocks)


NO_LOOPS = (
    ":lock: Only a loop's recruiter, hiring manager or a loopbot admin can schedule candidates, "
    "and you are none of these for any loop. Ask your recruiting team, or an admin to add you to a loop."
)


def open_schedule_modal(
    client: WebClient, body: dict[str, Any], deps: Deps, user: str, wanted_loop: str = ""
) -> str | None:
    """Open the scheduling modal (or say why not); call right after ack().

    `wanted_loop` (`/loop schedule <loop>`, by slug or name) is chosen in the modal when it names one;
    when it names none, the modal opens without a choice and the returned text says so.
    """
    title = "Schedule a candidate"
    choices = read_or(deps, lambda s: load_choices(s, user, deps.settings.admins), None)
    if choices is None:
        open_view(client, body, message_view(title, UNREACHABLE))
        return None
    if not choices.loops:
        open_view(client, body, message_view(title, NO_LOOPS))
        return None
    wanted = " ".join(wanted_loop.split()).casefold()
    found = next((x.slug for x in choices.loops if wanted in (x.slug.casefold(), x.name.casefold())), None)
    open_view(client, body, schedule_view(choices, ScheduleForm(loop=found) if found else None))
    if not wanted or found:
        return None
    names = [x.slug for x in choices.loops]
    close = difflib.get_close_matches(wanted, names, n=1)
    hint = f" Did you mean `{close[0]}`?" if close else f" Loops you can schedule: {', '.join(names[:10])}."
    return f"There is no loop {code(wanted_loop[:60])} for you to schedule: choose one in the form.{hint}"


def read_or(deps: Deps, read: Callable[[Session], T], fallback: T) -> T:
    """`read` in a read-only session, or `fallback` when the database is unavailable (nothing is lost:
    the user is told to try again)."""
    try:
        with reading(deps.session_factory) as s:
            return read(s)
    except Exception as exc:
        if not unavailable(exc):
            raise
        return fallback


def after_ack(context: BoltContext) -> AfterAck:
    """The app's retrier for writes after the ack (handler tests without one retry nothing)."""
    found = context.get("after_ack")
    return found if isinstance(found, AfterAck) else AfterAck(window=0)


@contextmanager
def told_if_unavailable(tell: Callable[[str], None]) -> Iterator[None]:
    """Around work after the ack that only reads: an unavailable database becomes a message."""
    try:
        yield
    except Exception as exc:
        if not unavailable(exc):
            raise
        tell(UNREACHABLE)


def not_saved(exc: Exception) -> str:
    """Why a submission could not be saved, for the modal that stays open."""
    if is_locked(exc):
        return "loopbot is busy saving something else right now. Nothing was lost: press the button again."
    return "loopbot can't reach its database right now. Nothing was lost: try again in a minute."
