"""App Home: published on `app_home_opened`, and its buttons (full kit, candidate status)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from blocks.feedback import message_view
from blocks.home import kit_view
from blocks.ids import ActionId
from blocks.status import status_view
from bot.db import reading
from bot.deps import Deps
from bot.home.publish import publish_home
from bot.home.queries import load_status, may_manage
from handlers.replies import REFUSAL, open_view
from models import Interview, InterviewStatus

log = logging.getLogger("loopbot.home")


def handle_app_home_opened(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Publish the home tab whenever the user opens it (Bolt acknowledges events itself)."""
    if event.get("tab", "home") != "home":
        return
    deps: Deps = context["deps"]
    now = deps.clock.now()
    publish_home(
        client, deps.session_factory, event["user"], now, deps.settings.admins, deps.settings.feedback_sla
    )


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


def register(app: App) -> None:
    """Attach this surface's listeners to the app."""
    app.event("app_home_opened")(handle_app_home_opened)
    app.action(ActionId.VIEW_FULL_KIT)(handle_view_full_kit)
    app.action(ActionId.SHOW_STATUS)(handle_show_status)
