"""App Home: published on `app_home_opened`, and its buttons (full kit, candidate status)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.models.views import View
from sqlalchemy.orm import Session

from blocks.feedback import message_view
from blocks.home import kit_view
from blocks.ids import ActionId
from blocks.status import status_view
from bot.deps import Deps
from bot.feedback.blind import can_see_feedback
from bot.guard import inputs
from bot.guard.errors import after_ack_safe
from bot.guard.trouble import UNREACHABLE
from bot.home.publish import publish_home, settings_limits
from bot.home.queries import load_status, may_manage
from handlers.replies import REFUSAL, open_view, read_or
from models import Interview, InterviewStatus

log = logging.getLogger("loopbot.home")


def handle_app_home_opened(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Publish the home tab whenever the user opens it (Bolt acknowledges events itself)."""
    if event.get("tab", "home") != "home":
        return
    deps: Deps = context["deps"]
    now = deps.clock.now()
    user = inputs.user_id(event.get("user"))
    publish_home(
        client,
        deps.session_factory,
        user,
        now,
        deps.settings.admins,
        deps.settings.feedback_sla,
        settings_limits(deps),
    )


def _kit(s: Session, deps: Deps, interview_id: int, user: str) -> View:
    interview = s.get(Interview, interview_id)
    seat = next((x for x in interview.panel if x.user_id == user), None) if interview else None
    if interview is None or interview.status == InterviewStatus.CANCELLED:
        return message_view("Interview prep", "That interview was cancelled: there is nothing to prepare.")
    if seat is None:
        return message_view("Interview prep", "You are not on that interview's panel.")
    return kit_view(interview, seat, deps.clock.now())


def handle_view_full_kit(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """'View prep': the panelist's full kit in a modal."""
    ack()
    deps: Deps = context["deps"]
    user, interview_id = inputs.actor(body), inputs.clicked_id(body)
    unreachable = message_view("Interview prep", UNREACHABLE)
    open_view(client, body, read_or(deps, lambda s: _kit(s, deps, interview_id, user), unreachable))


def _status(s: Session, deps: Deps, cl_id: int, user: str) -> View:
    item = load_status(s, cl_id)
    if item is None:
        return message_view("Candidate status", "That candidate loop no longer exists.")
    if not may_manage(item.cl, user, deps.settings.admins):
        return message_view("Candidate status", REFUSAL)
    sees = can_see_feedback(s, cl_id, user, deps.settings.admins)
    return status_view(item.cl, item.submitted, deps.clock.now(), sees_feedback=sees)


def handle_show_status(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """'Status' on App Home: the candidate loop's status in a modal, for those who run it."""
    ack()
    deps: Deps = context["deps"]
    user, cl_id = inputs.actor(body), inputs.clicked_id(body)
    unreachable = message_view("Candidate status", UNREACHABLE)
    open_view(client, body, read_or(deps, lambda s: _status(s, deps, cl_id, user), unreachable))


def register(app: App) -> None:
    """Attach this surface's listeners to the app."""
    app.event("app_home_opened")(after_ack_safe(handle_app_home_opened))
    app.action(ActionId.VIEW_FULL_KIT)(after_ack_safe(handle_view_full_kit))
    app.action(ActionId.SHOW_STATUS)(after_ack_safe(handle_show_status))
