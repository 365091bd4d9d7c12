"""Bolt listeners for the status view's actions: move, reassign a panelist, cancel an interview."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.models.views import View
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from blocks.feedback import message_view
from blocks.ids import ActionId, BlockId, CallbackId
from blocks.schedule import move_view, reassign_view
from blocks.schedule_form import SCHEDULE_ANYWAY, ChangeMeta
from blocks.schedule_form import values as form_values
from blocks.status import status_message, status_view
from blocks.text import mention
from bot import scheduling
from bot.db import impatient, unavailable
from bot.deps import Deps
from bot.feedback.blind import can_see_feedback
from bot.guard import inputs
from bot.guard.errors import after_ack_safe
from bot.guard.inputs import is_user_id
from bot.guard.trouble import UNREACHABLE
from bot.home.publish import publish_homes
from bot.home.queries import LoopItem, load_status, may_manage
from bot.interviewers import limits
from bot.scheduling import SchedulingError
from handlers.replies import BEFORE_ACK_MS, REFUSAL, after_ack, not_saved, open_view, read_or, reply_privately
from models import Interview

log = logging.getLogger("loopbot.scheduling")
CANCEL_WAITING = (
    ":hourglass: loopbot's database is busy or unreachable, so the interview is not cancelled yet. "
    "loopbot keeps trying for a few minutes and says so here when it is."
)
CANCEL_LOST = (
    ":warning: The interview was not cancelled: loopbot could not reach its database. "
    "Nothing was changed; press *Cancel interview* again in a few minutes."
)


def _change_target(s: Session, user: str, interview_id: int, deps: Deps) -> Interview | str:
    """The interview to change, or why the user may not change it."""
    interview = s.get(Interview, interview_id)
    if interview is None:
        return "That interview no longer exists."
    if not may_manage(interview.candidate_loop, user, deps.settings.admins):
        return REFUSAL
    return interview


def _open_change(body: dict[str, Any], client: WebClient, context: BoltContext, build: Any) -> None:
    deps: Deps = context["deps"]
    user, interview_id = inputs.actor(body), inputs.clicked_id(body)

    def read(s: Session) -> View:
        target = _change_target(s, user, interview_id, deps)
        return message_view("Not allowed", target) if isinstance(target, str) else build(target)

    open_view(client, body, read_or(deps, read, message_view("Change an interview", UNREACHABLE)))


def handle_move_button(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    _open_change(body, client, context, move_view)


def handle_reassign_button(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    _open_change(body, client, context, reassign_view)


def _change_values(kind: str, v: dict[str, Any]) -> tuple[datetime | None, str, str, dict[str, str]]:
    """(new start, old user, new user) from the move / reassign form, and the inline errors found."""
    if kind == "move":
        raw = v.get(BlockId.NEW_START)
        if raw is None:
            return None, "", "", {BlockId.NEW_START: "Choose the new start."}
        return datetime.fromtimestamp(inputs.unix_time(raw, "new start"), UTC), "", "", {}
    old, new = v.get(BlockId.OLD_USER), v.get(BlockId.NEW_USER)
    errors: dict[str, str] = {}
    if not is_user_id(old):
        errors[BlockId.OLD_USER] = "Choose who is replaced."
    if not is_user_id(new):
        errors[BlockId.NEW_USER] = "Choose who takes their place."
    return None, str(old or ""), str(new or ""), errors


def _submit_change(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, kind: str
) -> None:
    deps: Deps = context["deps"]
    meta = inputs.metadata(ChangeMeta, view.get("private_metadata"))
    typed = form_values(inputs.state_values(view))
    start, old, new, errors = _change_values(kind, typed)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    anyway = typed.get(BlockId.OVER_LIMIT)
    # only over the limits of the warning the box came with (a first submission has none to confirm)
    allow = isinstance(anyway, list) and SCHEDULE_ANYWAY in anyway and meta.confirmed is not None
    confirmed = meta.confirmed
    user, now = inputs.actor(body), deps.clock.now()
    try:
        with impatient(deps.session_factory, BEFORE_ACK_MS).begin() as s:
            target = _change_target(s, user, meta.interview_id, deps)
            if isinstance(target, str):
                ack(response_action="update", view=message_view("Not allowed", target))
                return
            before = {seat.user_id for seat in target.panel}
            if start is not None:
                i = scheduling.move_interview(
                    s, meta.interview_id, start, deps.settings, now, user, allow, confirmed
                )
                text = ":white_check_mark: Moved. The panel is told and their prep follows the new time."
            else:
                i = scheduling.reassign_panelist(
                    s, meta.interview_id, old, new, deps.settings, now, user, allow, confirmed
                )
                text = f":white_check_mark: {mention(new)} takes {mention(old)}'s place; both are told."
            cl = i.candidate_loop
            people = before | {seat.user_id for seat in i.panel} | {cl.recruiter, cl.hiring_manager, user}
    except SchedulingError as exc:
        if exc.over_limit:
            _confirm_over_limit(ack, deps, view, meta, kind, exc)
            return
        block = BlockId.NEW_START if kind == "move" else BlockId.OLD_USER
        where = {"new_user": BlockId.NEW_USER, "interview": block}
        found: dict[str, str] = {}
        for path, message in exc.problems:
            found[where.get(path, block)] = message
        ack(response_action="errors", errors=found)
        return
    except SQLAlchemyError as exc:
        if not unavailable(exc):
            raise
        block = BlockId.NEW_START if kind == "move" else BlockId.OLD_USER
        ack(response_action="errors", errors={block: not_saved(exc)})
        return
    ack(response_action="update", view=message_view("Done", text))
    publish_homes(deps, people)


def _confirm_over_limit(
    ack: Ack, deps: Deps, view: dict[str, Any], meta: ChangeMeta, kind: str, exc: SchedulingError
) -> None:
    """Over a load limit: the modal comes back with who and a "Schedule anyway" box (same block ids,
    so Slack keeps what was chosen), the warning's digest in its metadata; the same warning submitted
    unticked shows the error inline; different limits are warned about afresh, the box unticked."""
    messages = list(dict.fromkeys(message for _path, message in exc.problems))
    digest = limits.digest(exc.problems)
    present = {str(b.get("block_id")) for b in view.get("blocks") or []}
    if BlockId.OVER_LIMIT in present and meta.confirmed == digest:
        text = "; ".join(messages) + ". Tick *Schedule anyway* to go over the limit, or choose otherwise."
        ack(response_action="errors", errors={BlockId.OVER_LIMIT: text[:2000]})
        return
    build = move_view if kind == "move" else reassign_view

    def read(s: Session) -> View | None:
        interview = s.get(Interview, meta.interview_id)
        return None if interview is None else build(interview, messages, digest)

    again = read_or(deps, read, None)
    block = BlockId.NEW_START if kind == "move" else BlockId.NEW_USER
    if again is None:
        ack(response_action="errors", errors={block: "; ".join(messages)[:2000]})
        return
    ack(response_action="update", view=again)


def handle_move_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    _submit_change(ack, body, view, context, "move")


def handle_reassign_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    _submit_change(ack, body, view, context, "reassign")


@dataclass
class _Cancelled:
    refused: str = ""
    people: set[str] = field(default_factory=set)
    cl_id: int = 0


def handle_cancel(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """'Cancel interview' (after Slack's confirm dialog): cancel it, then show the refreshed status."""
    ack()
    deps: Deps = context["deps"]
    user, interview_id, now = inputs.actor(body), inputs.clicked_id(body), deps.clock.now()
    channel = inputs.channel_id(
        (body.get("container") or {}).get("channel_id") or (body.get("channel") or {}).get("id")
    )
    retry = after_ack(context)

    def tell(text: str, blocks: list[Any] | None = None) -> None:
        reply_privately(client, channel, user, text, blocks or [])

    # Slack is called only after each session is closed: on SQLite a session holds the write lock.
    def attempt() -> _Cancelled:
        try:
            with retry.sessions(deps.session_factory).begin() as s:
                target = _change_target(s, user, interview_id, deps)
                if isinstance(target, str):
                    return _Cancelled(refused=target)
                i = scheduling.cancel_interview(s, target.id, deps.settings, now, actor=user)
                cl = i.candidate_loop
                return _Cancelled(
                    "", {seat.user_id for seat in i.panel} | {cl.recruiter, cl.hiring_manager}, cl.id
                )
        except SchedulingError as exc:
            return _Cancelled(refused="; ".join(m for _, m in exc.problems))

    def done(result: _Cancelled) -> None:
        if result.refused:
            tell(result.refused)
            return
        _show_status(client, body, deps, result.cl_id, now, tell)
        publish_homes(deps, result.people)

    retry.run(
        "cancel", attempt, done, waiting=lambda: tell(CANCEL_WAITING), gave_up=lambda: tell(CANCEL_LOST)
    )


def _show_status(
    client: WebClient, body: dict[str, Any], deps: Deps, cl_id: int, now: datetime, tell: Any
) -> None:
    """The refreshed status after a cancellation: in the modal it came from, or as an ephemeral."""
    in_modal = (body.get("container") or {}).get("type") == "view"
    user = inputs.actor(body)

    def read(s: Session) -> tuple[LoopItem, bool] | None:
        item = load_status(s, cl_id)
        return None if item is None else (item, can_see_feedback(s, cl_id, user, deps.settings.admins))

    found = read_or(deps, read, None)
    if found is None:
        tell("Interview cancelled; its panel is told.")
        return
    item, sees = found
    if in_modal:
        view_id = inputs.required((body.get("view") or {}).get("id"), 255, "view id")
        client.views_update(
            view_id=view_id, view=status_view(item.cl, item.submitted, now, sees_feedback=sees)
        )
    else:
        message = status_message(item.cl, item.submitted, now, sees_feedback=sees)
        tell("Interview cancelled; its panel is told.", message.blocks_dicts())


def register(app: App) -> None:
    """Attach this surface's listeners to the app."""
    app.action(ActionId.MOVE_INTERVIEW)(after_ack_safe(handle_move_button))
    app.action(ActionId.REASSIGN_PANELIST)(after_ack_safe(handle_reassign_button))
    app.action(ActionId.CANCEL_INTERVIEW)(after_ack_safe(handle_cancel))
    app.view(CallbackId.MOVE_INTERVIEW)(after_ack_safe(handle_move_submission))
    app.view(CallbackId.REASSIGN)(after_ack_safe(handle_reassign_submission))
