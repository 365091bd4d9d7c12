"""Feedback: the buttons on prep DMs and feedback requests (open the form, "I can't make it"), and the
modal's submission (inline errors, idempotent) and close (draft).

Handlers read their Deps from `context["deps"]` (set by a global middleware in bot.app).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.models.views import View
from sqlalchemy.exc import SQLAlchemyError

from blocks import kit_text as kt
from blocks.feedback import message_view
from blocks.feedback_form import FeedbackMeta, block_errors, parse_state
from blocks.feedback_modal import feedback_modal
from blocks.ids import ActionId, BlockId, CallbackId
from blocks.prep import declined_confirmation
from blocks.text import mention, slack_date
from bot.db import is_locked, reading, unavailable
from bot.deps import Deps
from bot.feedback import service as feedback_service
from bot.feedback.service import FeedbackInvalid, FeedbackRefused, FormContext
from bot.guard import inputs
from bot.guard.errors import after_ack_safe
from bot.guard.trouble import UNREACHABLE
from bot.home.publish import publish_homes
from handlers.replies import after_ack, read_or, reply_privately
from models import FeedbackStatus, Interview

log = logging.getLogger("loopbot.feedback")
BUSY = "loopbot is busy saving other feedback right now. Nothing was lost: please press Submit again."
UNREACHABLE_FORM = (
    "loopbot can't reach its database right now. Nothing was lost: press Submit again in a minute."
)
DRAFT_LOST = (
    ":warning: loopbot could not save the draft of the feedback form you closed: its database was "
    "unavailable. Open the form again when you are ready; anything not submitted has to be typed again."
)
DECLINE_WAITING = (
    ":hourglass: loopbot's database is busy or unreachable, so your “I can't make it” is not recorded yet. "
    "loopbot keeps trying for a few minutes, tells the recruiter as soon as it is recorded, and says so here."
)
DECLINE_RECORDED = (
    ":white_check_mark: Recorded now: the recruiter is told, and you won't get anything more about it."
)
DECLINE_LOST = ":warning: loopbot could not record that you can't make it: its database was unavailable. "


def _thanks(interview: Interview, version: int) -> View:
    return message_view(
        "Feedback submitted",
        f":white_check_mark: Your feedback on the *{kt.type_name(interview)}* with "
        f"*{kt.candidate_name(interview)}* is in (version {version}). Thank you!\n"
        "You can change it later with the same *Open feedback form* button; earlier versions are kept.",
    )


def _meta_of(view: dict[str, Any]) -> int:
    """The interview a feedback modal is about, from its private_metadata (checked: it can be crafted)."""
    meta = inputs.metadata(FeedbackMeta, view.get("private_metadata"))
    return inputs.record_id(meta.interview_id, "interview id")


def handle_feedback_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    """Validate and store a scorecard; errors go back inline, so nothing typed is lost."""
    deps: Deps = context["deps"]
    interview_id = _meta_of(view)
    user = inputs.actor(body)  # the submitter Slack vouches for, not the metadata
    form = parse_state(inputs.state_values(view))
    try:
        with deps.session_factory.begin() as s:
            result = feedback_service.submit(s, interview_id, user, form, deps.clock.now())
            reply = _thanks(result.interview, result.feedback.version)
            cl = result.interview.candidate_loop
            people = [user, cl.recruiter, cl.hiring_manager]
    except FeedbackInvalid as invalid:
        ack(response_action="errors", errors=block_errors(invalid.errors))
        return
    except FeedbackRefused as refused:
        ack(response_action="update", view=message_view(refused.title, refused.text))
        return
    except SQLAlchemyError as exc:
        if not unavailable(exc):
            raise
        # SQLite's one writer busy for 2 s, or the database unreachable: say so in the form, which
        # keeps what was typed, instead of letting Slack time out.
        log.warning("feedback.not_saved interview=%s user=%s locked=%s", interview_id, user, is_locked(exc))
        ack(response_action="errors", errors={BlockId.SUMMARY: BUSY if is_locked(exc) else UNREACHABLE_FORM})
        return
    log.info(
        "feedback.submitted interview=%s user=%s version=%s changed=%s",
        interview_id,
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
    """The modal was closed: keep what was typed as a draft (retried if the database is unavailable)."""
    ack()
    deps: Deps = context["deps"]
    interview_id, user = _meta_of(view), inputs.actor(body)
    form = parse_state(inputs.state_values(view))
    retry = after_ack(context)

    def attempt() -> None:
        try:
            with retry.sessions(deps.session_factory).begin() as s:
                feedback_service.save_draft(s, interview_id, user, form, deps.clock.now())
        except FeedbackRefused:
            return  # nobody to keep a draft for: they were told when the form opened

    retry.run(
        "draft",
        attempt,
        lambda _: None,
        gave_up=lambda: reply_privately(deps.client, None, user, DRAFT_LOST, []),
    )


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


def _form_view(deps: Deps, interview_id: int, user: str) -> View:
    try:
        with reading(deps.session_factory) as s:
            ctx = feedback_service.load_form(s, interview_id, user, deps.clock.now())
            submitted = ctx.feedback is not None and ctx.feedback.status == FeedbackStatus.SUBMITTED
            return feedback_modal(
                ctx.interview,
                ctx.seat,
                ctx.categories,
                feedback_service.form_of(ctx.feedback),
                form_status_line(ctx),
                submitted=submitted,
            )
    except FeedbackRefused as refused:
        log.info("feedback.refused interview=%s user=%s", interview_id, user)
        return message_view(refused.title, refused.text)
    except SQLAlchemyError as exc:
        if not unavailable(exc):
            raise
        return message_view("Feedback", UNREACHABLE)


def open_feedback_modal(client: WebClient, trigger_id: str, deps: Deps, interview_id: int, user: str) -> None:
    """Open the feedback form for `user` (or a modal saying why not); call right after ack()."""
    client.views_open(trigger_id=trigger_id, view=_form_view(deps, interview_id, user))


def handle_open_feedback(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """'Open feedback form' on a prep DM, a feedback request or App Home."""
    ack()
    trigger = inputs.text(body.get("trigger_id"), 255, "trigger_id")
    open_feedback_modal(client, trigger, context["deps"], inputs.clicked_id(body), inputs.actor(body))


@dataclass
class _Decline:
    """What one attempt at "I can't make it" found: a change, nothing new, or a refusal."""

    changed: bool = False
    people: list[str] = field(default_factory=list)
    refused: FeedbackRefused | None = None


def handle_cant_make_it(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """'I can't make it': decline the seat, then swap the DM's buttons for a confirmation.

    The decline is written after the ack: if the database is unavailable it is retried, the panelist
    is told it is not recorded yet, and if it never is, the recruiter is told directly.
    """
    ack()
    deps: Deps = context["deps"]
    user, interview_id = inputs.actor(body), inputs.clicked_id(body)
    container = body.get("container") or {}
    channel = inputs.channel_id(container.get("channel_id") or (body.get("channel") or {}).get("id"))
    retry = after_ack(context)
    waited: list[bool] = []

    def attempt() -> _Decline:
        try:
            with retry.sessions(deps.session_factory).begin() as s:
                changed = feedback_service.decline(s, interview_id, user, deps.clock.now())
                cl = s.get_one(Interview, interview_id).candidate_loop
                return _Decline(changed, [user, cl.recruiter, cl.hiring_manager])
        except FeedbackRefused as refused:
            return _Decline(refused=refused)

    def done(result: _Decline) -> None:
        if result.refused is not None:
            reply_privately(client, channel, user, result.refused.text, [])
            return
        _confirm_in_dm(client, body, channel)
        if waited:
            reply_privately(client, channel, user, DECLINE_RECORDED, [])
        if result.changed:  # the interview leaves their home; the loop's people see the empty seat
            publish_homes(deps, result.people)

    def waiting() -> None:
        waited.append(True)
        reply_privately(client, channel, user, DECLINE_WAITING, [])

    retry.run(
        "decline",
        attempt,
        done,
        waiting=waiting,
        gave_up=lambda: _decline_lost(client, deps, channel, user, interview_id),
    )


def _confirm_in_dm(client: WebClient, body: dict[str, Any], channel: str | None) -> None:
    container, message = body.get("container") or {}, body.get("message") or {}
    blocks = message.get("blocks")
    if channel and container.get("message_ts") and isinstance(blocks, list) and blocks:
        client.chat_update(
            channel=channel,
            ts=container["message_ts"],
            text=str(message.get("text") or "Interview prep"),
            blocks=declined_confirmation(blocks),
        )


def _decline_lost(client: WebClient, deps: Deps, channel: str | None, user: str, interview_id: int) -> None:
    """Never recorded: the recruiter hears it from loopbot directly if it can still read who that is."""

    def read(s: Any) -> tuple[str, str] | None:
        interview = s.get(Interview, interview_id)
        seat = next((x for x in interview.panel if x.user_id == user), None) if interview else None
        if interview is None or seat is None:
            return None
        cl = interview.candidate_loop
        text = (
            f":warning: {mention(user)} ({kt.role_name(seat.role).lower()}) can't make the "
            f"{kt.what(interview)} on {slack_date(interview.starts_at)}. loopbot could not record it (its "
            "database was unavailable), so its reminders may still go out: find a replacement from "
            "`/loop status` once loopbot is back."
        )
        return cl.recruiter or cl.hiring_manager, text

    found = read_or(deps, read, None)
    if found is not None and found[0]:
        client.chat_postMessage(channel=found[0], text=found[1])
        what = f"loopbot told {mention(found[0])} directly; press *I can't make it* again later."
    else:
        what = "Please tell the recruiter yourself, and press *I can't make it* again later."
    reply_privately(client, channel, user, DECLINE_LOST + what, [])


def register(app: App) -> None:
    """Attach this surface's listeners to the app."""
    app.action(ActionId.OPEN_FEEDBACK)(after_ack_safe(handle_open_feedback))
    app.action(ActionId.CANT_MAKE_IT)(after_ack_safe(handle_cant_make_it))
    app.view(CallbackId.FEEDBACK)(after_ack_safe(handle_feedback_submission))
    app.view_closed(CallbackId.FEEDBACK)(after_ack_safe(handle_feedback_closed))
