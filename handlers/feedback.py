"""Feedback: the buttons on prep DMs and feedback requests (open the form, "I can't make it"), and the
modal's submission (inline errors, idempotent) and close (draft).

Handlers read their Deps from `context["deps"]` (set by a global middleware in bot.app).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.models.views import View
from sqlalchemy.exc import OperationalError

from blocks import kit_text as kt
from blocks.feedback import message_view
from blocks.feedback_form import FeedbackMeta, block_errors, parse_state
from blocks.feedback_modal import feedback_modal
from blocks.ids import ActionId, BlockId, CallbackId
from blocks.prep import declined_confirmation
from blocks.text import slack_date
from bot.db import is_locked, reading
from bot.deps import Deps
from bot.feedback import service as feedback_service
from bot.feedback.service import FeedbackInvalid, FeedbackRefused, FormContext
from bot.home.publish import publish_homes
from models import FeedbackStatus, Interview

log = logging.getLogger("loopbot.feedback")
BUSY = "loopbot is busy saving other feedback right now. Nothing was lost: please press Submit again."


def _thanks(interview: Interview, version: int) -> View:
    return message_view(
        "Feedback submitted",
        f":white_check_mark: Your feedback on the *{kt.type_name(interview)}* with "
        f"*{kt.candidate_name(interview)}* is in (version {version}). Thank you!\n"
        "You can change it later with the same *Open feedback form* button; earlier versions are kept.",
    )


def handle_feedback_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
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
        ack(response_action="errors", errors=block_errors(invalid.errors))
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


def form_status_line(ctx: FormContext) -> str:
    """What the top of the form says about the state of this panelist's feedback."""
    fb = ctx.feedback
    if fb is not None and fb.status == FeedbackStatus.SUBMITTED:
        when = slack_date(fb.submitted_at) if fb.submitted_at else "earlier"
        return (
            f":white_check_mark: You submitted this on {when} (version {fb.version}). "
            "Submitting changes keeps the earlier version in the history."
        )
    if fb is not None:
        return ":pencil: Your draft is restored. Nobody sees your feedback before you submit it."
    return "Nobody sees the other panelists' feedback before submitting their own, and neither do you."


def open_feedback_modal(client: WebClient, trigger_id: str, deps: Deps, interview_id: int, user: str) -> None:
    """Open the feedback form for `user` (or a modal saying why not); call right after ack()."""
    view: View
    try:
        with reading(deps.session_factory) as s:
            ctx = feedback_service.load_form(s, interview_id, user, deps.clock.now())
            submitted = ctx.feedback is not None and ctx.feedback.status == FeedbackStatus.SUBMITTED
            view = feedback_modal(
                ctx.interview,
                ctx.seat,
                ctx.categories,
                feedback_service.form_of(ctx.feedback),
                form_status_line(ctx),
                submitted=submitted,
            )
    except FeedbackRefused as refused:
        log.info("feedback.refused interview=%s user=%s", interview_id, user)
        view = message_view(refused.title, refused.text)
    client.views_open(trigger_id=trigger_id, view=view)


def handle_open_feedback(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """'Open feedback form' on a prep DM, a feedback request or App Home."""
    ack()
    action = body["actions"][0]
    open_feedback_modal(client, body["trigger_id"], context["deps"], int(action["value"]), body["user"]["id"])


def handle_cant_make_it(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """'I can't make it': decline the seat, then swap the DM's buttons for a confirmation."""
    ack()
    deps: Deps = context["deps"]
    user, interview_id = body["user"]["id"], int(body["actions"][0]["value"])
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    try:
        with deps.session_factory.begin() as s:
            declined = feedback_service.decline(s, interview_id, user, deps.clock.now())
            cl = s.get_one(Interview, interview_id).candidate_loop
            people = [user, cl.recruiter, cl.hiring_manager]
    except FeedbackRefused as refused:
        if channel:
            client.chat_postEphemeral(channel=channel, user=user, text=refused.text)
        return
    message = body.get("message") or {}
    if channel and container.get("message_ts") and message.get("blocks"):
        client.chat_update(
            channel=channel,
            ts=container["message_ts"],
            text=message.get("text") or "Interview prep",
            blocks=declined_confirmation(message["blocks"]),
        )
    if declined:  # the interview leaves their home; the loop's people see the empty seat
        publish_homes(deps, people)


def register(app: App) -> None:
    """Attach this surface's listeners to the app."""
    app.action(ActionId.OPEN_FEEDBACK)(handle_open_feedback)
    app.action(ActionId.CANT_MAKE_IT)(handle_cant_make_it)
    app.view(CallbackId.FEEDBACK)(handle_feedback_submission)
    app.view_closed(CallbackId.FEEDBACK)(handle_feedback_closed)
