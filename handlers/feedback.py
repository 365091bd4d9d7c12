"""Bolt listeners for the feedback modal: submission (inline errors, idempotent) and close (draft)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.models.views import View
from sqlalchemy.exc import OperationalError

from blocks import kit_text as kt
from blocks.feedback import message_view
from blocks.ids import BlockId, CallbackId
from bot.db import is_locked
from bot.deps import Deps
from bot.feedback import service as feedback_service
from bot.feedback.logic import FeedbackMeta, parse_state
from bot.feedback.service import FeedbackInvalid, FeedbackRefused
from handlers.home import publish_homes
from models import Interview

log = logging.getLogger("loopbot.views")
BUSY = "loopbot is busy saving other feedback right now. Nothing was lost: please press Submit again."


def _thanks(interview: Interview, version: int) -> View:
    return message_view(
        "Feedback submitted",
        f":white_check_mark: Your feedback on the *{kt.type_name(interview)}* with "
        f"*{kt.candidate_name(interview)}* is in (version {version}). Thank you!\n"
        "You can change it later with the same *Open feedback form* button; earlier versions are kept.",
    )


def handle_feedback_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Validate and store a scorecard; errors go back inline, so nothing typed is lost."""
    deps: Deps = context["deps"]
    meta = FeedbackMeta.model_validate_json(view["private_metadata"])
    user = body["user"]["id"]  # the submitter Slack vouches for, not the metadata
    form = parse_state(view["state"]["values"])
    try:
        with deps.session_factory.begin() as s:
            result = feedback_service.submit(s, meta.interview_id, user, form, deps.clock.now())
            reply = _thanks(result.interview, result.feedback.version)
            cl = result.interview.candidate_loop
            people = [user, cl.recruiter, cl.hiring_manager]
    except FeedbackInvalid as invalid:
        ack(response_action="errors", errors=invalid.errors)
        return
    except OperationalError as exc:
        if not is_locked(exc):
            raise
        # SQLite's one writer was busy for 2 s: say so in the form, which keeps what was typed.
        log.warning("feedback.busy interview=%s user=%s", meta.interview_id, user)
        ack(response_action="errors", errors={BlockId.SUMMARY: BUSY})
        return
    except FeedbackRefused as refused:
        ack(response_action="update", view=message_view(refused.title, refused.text))
        return
    log.info(
        "feedback.submitted interview=%s user=%s version=%s changed=%s",
        meta.interview_id,
        user,
        result.feedback.version,
        result.changed,
    )
    ack(response_action="update", view=reply)
    if result.changed:  # due -> submitted on their home; the loop's people see who is still missing
        publish_homes(deps, people)


def handle_feedback_closed(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    """The modal was closed: keep what was typed as a draft."""
    ack()
    deps: Deps = context["deps"]
    meta = FeedbackMeta.model_validate_json(view["private_metadata"])
    form = parse_state(view["state"]["values"])
    try:
        with deps.session_factory.begin() as s:
            feedback_service.save_draft(s, meta.interview_id, body["user"]["id"], form, deps.clock.now())
    except FeedbackRefused:
        return  # nobody to keep a draft for: they were told when the form opened


def register(app: App, deps: Deps) -> None:
    """Attach this surface's listeners to the app."""
    app.view(CallbackId.FEEDBACK)(handle_feedback_submission)
    app.view_closed(CallbackId.FEEDBACK)(handle_feedback_closed)
