"""App Home: published on `app_home_opened` (and by other code after a change), plus its buttons."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from datetime import datetime, timedelta
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View
from sqlalchemy.orm import Session, sessionmaker

from blocks.feedback import message_view
from blocks.home import home_view, kit_view
from blocks.ids import ActionId
from blocks.status import status_view
from bot.db import reading
from bot.deps import Deps
from bot.home.queries import load_home, load_status, may_manage
from bot.home.refresh import InlineHomes
from models import Interview, InterviewStatus

log = logging.getLogger("loopbot.home")
DEFAULT_SLA = timedelta(hours=24)


def build_home(
    session: Session, user_id: str, now: datetime, admins: Collection[str] = (), sla: timedelta = DEFAULT_SLA
) -> View:
    """The user's App Home view, read in one session."""
    return home_view(load_home(session, user_id, now, admins), now, sla)


def publish_home(
    client: WebClient,
    session_factory: sessionmaker[Session],
    user_id: str,
    now: datetime,
    admins: Collection[str] = (),
    sla: timedelta = DEFAULT_SLA,
) -> None:
    """(Re)publish a user's App Home; call it after anything that user sees there has changed."""
    with reading(session_factory) as s:
        view = build_home(s, user_id, now, admins, sla)
    client.views_publish(user_id=user_id, view=view)


def home_publisher(deps: Deps) -> Callable[[str], None]:
    """Publish one user's home as of now: what a HomeRefresher calls."""

    def publish(user_id: str) -> None:
        now = deps.clock.now()
        publish_home(deps.client, deps.session_factory, user_id, now, deps.settings.admins,
                     deps.settings.feedback_sla)  # fmt: skip

    return publish


def publish_homes(deps: Deps, users: Collection[str]) -> None:
    """Ask for several users' homes to be refreshed (e.g. a panel after scheduling), off the request path.

    Without a refresher in `deps` (a job, a handler test) they are published at once.
    """
    (deps.homes or InlineHomes(home_publisher(deps))).request(users)


def handle_app_home_opened(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Publish the home tab whenever the user opens it (Bolt acknowledges events itself)."""
    if event.get("tab", "home") != "home":
        return
    deps: Deps = context["deps"]
    now = deps.clock.now()
    publish_home(
        client, deps.session_factory, event["user"], now, deps.settings.admins, deps.settings.feedback_sla
    )


def open_view(client: WebClient, body: dict[str, Any], view: View) -> None:
    """Open a modal, or push it when the click came from inside a modal."""
    container = body.get("container") or {}
    if container.get("type") == "view" and (body.get("view") or {}).get("type") == "modal":
        client.views_push(trigger_id=body["trigger_id"], view=view)
    else:
        client.views_open(trigger_id=body["trigger_id"], view=view)


def handle_view_full_kit(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """'View prep': the panelist's full kit in a modal."""
    ack()
    deps: Deps = context["deps"]
    user, interview_id = body["user"]["id"], int(body["actions"][0]["value"])
    with reading(deps.session_factory) as s:
        interview = s.get(Interview, interview_id)
        seat = next((x for x in interview.panel if x.user_id == user), None) if interview else None
        if interview is None or interview.status == InterviewStatus.CANCELLED:
            view = message_view(
                "Interview prep", "That interview was cancelled: there is nothing to prepare."
            )
        elif seat is None:
            view = message_view("Interview prep", "You are not on that interview's panel.")
        else:
            view = kit_view(interview, seat, deps.clock.now())
    open_view(client, body, view)


def handle_show_status(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """'Status' on App Home: the candidate loop's status in a modal, for those who run it."""
    ack()
    deps: Deps = context["deps"]
    user, cl_id = body["user"]["id"], int(body["actions"][0]["value"])
    with reading(deps.session_factory) as s:
        item = load_status(s, cl_id)
        if item is None:
            view = message_view("Candidate status", "That candidate loop no longer exists.")
        elif not may_manage(item.cl, user, deps.settings.admins):
            view = message_view("Candidate status", REFUSAL)
        else:
            view = status_view(item.cl, item.submitted, deps.clock.now())
    open_view(client, body, view)


REFUSAL = (
    ":lock: Only this candidate's recruiter, hiring manager or a loopbot admin can see their status "
    "and change their interviews."
)


def register(app: App, deps: Deps) -> None:
    """Attach this surface's listeners to the app."""
    app.event("app_home_opened")(handle_app_home_opened)
    app.action(ActionId.VIEW_FULL_KIT)(handle_view_full_kit)
    app.action(ActionId.SHOW_STATUS)(handle_show_status)


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
