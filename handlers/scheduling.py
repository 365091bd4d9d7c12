"""Bolt listeners for the scheduling modal and the status view actions (move, reassign, cancel)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from blocks.feedback import message_view
from blocks.ids import ActionId, BlockId, CallbackId
from blocks.schedule import move_view, reassign_view, schedule_view, scheduled_view
from blocks.schedule_form import (
    ChangeMeta,
    InterviewForm,
    ScheduleForm,
    ScheduleMeta,
    errors_for,
    parse_form,
)
from blocks.schedule_form import start_of as form_start
from blocks.schedule_form import values as form_values
from blocks.status import status_message, status_view
from bot import scheduling
from bot.db import reading
from bot.deps import Deps
from bot.home.publish import publish_homes
from bot.home.queries import load_status, may_manage
from bot.scheduling import ScheduleRequest, SchedulingError
from bot.scheduling.choices import load_choices
from handlers.replies import REFUSAL, open_schedule_modal, open_view, reply_privately
from models import Interview, Loop

log = logging.getLogger("loopbot.scheduling")


def handle_open_schedule(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """'Schedule a candidate' on App Home."""
    ack()
    open_schedule_modal(client, body, context["deps"], body["user"]["id"])


def handle_form_change(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Loop chosen, interview added or removed: rebuild the modal, keeping everything typed."""
    ack()
    deps: Deps = context["deps"]
    view = body["view"]
    meta = ScheduleMeta.model_validate_json(view["private_metadata"] or "{}")
    form = parse_form(view["state"]["values"], meta)
    action = body["actions"][0]["action_id"]
    if action == ActionId.ADD_INTERVIEW:
        form.interviews.append(InterviewForm())
    elif action == ActionId.REMOVE_INTERVIEW and len(form.interviews) > 1:
        form.interviews.pop()
    with reading(deps.session_factory) as s:
        choices = load_choices(s, body["user"]["id"], deps.settings.admins)
    client.views_update(view_id=view["id"], hash=view.get("hash"), view=schedule_view(choices, form))


FRIENDLY = {"panel": "Choose the panel: at least a lead.", "candidate": "Give the candidate's name."}


def build_request(form: ScheduleForm, loop: Loop, user: str) -> ScheduleRequest:
    """The scheduling request for a submitted form; SchedulingError with every problem pydantic finds."""
    interviews = [
        {
            "stage": spec.stage or "",
            "start": form_start(spec) or datetime.min.replace(tzinfo=UTC),
            "duration_minutes": int(spec.duration) if spec.duration else None,
            "panel": [
                {"user": u, "role": role, "question_set": spec.question_set if n == 0 else None}
                for n, (u, role) in enumerate(spec.panel())
            ],
            "recording_consent": spec.consent,
            "type": spec.type,
        }
        for spec in form.interviews
    ]
    try:
        return ScheduleRequest.model_validate(
            {
                "candidate": form.candidate.strip(),
                "loop": loop.slug,
                "hiring_channel": form.channel or None,
                "recruiter": loop.recruiter or user,
                "hiring_manager": loop.hiring_manager or user,
                "interviews": interviews,
            }
        )
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            path = ".".join(str(p) for p in error["loc"])
            problems.append((path, FRIENDLY.get(str(error["loc"][-1]), str(error["msg"]))))
        raise SchedulingError(problems) from None


def handle_schedule_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    """Validate and schedule in one transaction; problems go back inline, nothing typed is lost."""
    deps: Deps = context["deps"]
    user = body["user"]["id"]
    meta = ScheduleMeta.model_validate_json(view["private_metadata"] or "{}")
    form = parse_form(view["state"]["values"], meta)
    present = {b.get("block_id") for b in view["blocks"] if b.get("type") == "input"}
    try:
        with deps.session_factory.begin() as s:
            loop = s.scalar(select(Loop).where(Loop.slug == (form.loop or "")))
            if loop is None:
                raise SchedulingError([("loop", "Choose a loop.")])
            if user not in (loop.recruiter, loop.hiring_manager) and user not in deps.settings.admins:
                raise SchedulingError(
                    [("loop", "Only this loop's recruiter, hiring manager or an admin can schedule it.")]
                )
            request = build_request(form, loop, user)
            cl = scheduling.schedule_loop(s, request, deps.settings, deps.clock.now())
            done = scheduled_view(request.candidate, list(cl.interviews))
            people = [
                cl.recruiter,
                cl.hiring_manager,
                *(seat.user_id for i in cl.interviews for seat in i.panel),
            ]
    except SchedulingError as exc:
        errors = errors_for(exc.problems, form)
        moved = {k if k in present else BlockId.CANDIDATE: v for k, v in errors.items()}
        log.info("scheduling.refused user=%s problems=%d", user, len(exc.problems))
        ack(response_action="errors", errors=moved)
        return
    ack(response_action="update", view=done)
    publish_homes(deps, people)


def _change_target(s: Session, body: dict[str, Any], interview_id: int, deps: Deps) -> Interview | str:
    """The interview to change, or why the user may not change it."""
    interview = s.get(Interview, interview_id)
    if interview is None:
        return "That interview no longer exists."
    if not may_manage(interview.candidate_loop, body["user"]["id"], deps.settings.admins):
        return REFUSAL
    return interview


def _open_change(body: dict[str, Any], client: WebClient, context: BoltContext, build: Any) -> None:
    deps: Deps = context["deps"]
    with reading(deps.session_factory) as s:
        target = _change_target(s, body, int(body["actions"][0]["value"]), deps)
        view = message_view("Not allowed", target) if isinstance(target, str) else build(target)
    open_view(client, body, view)


def handle_move_button(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    _open_change(body, client, context, move_view)


def handle_reassign_button(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    _open_change(body, client, context, reassign_view)


def _submit_change(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, kind: str
) -> None:
    deps: Deps = context["deps"]
    meta = ChangeMeta.model_validate_json(view["private_metadata"])
    v = form_values(view["state"]["values"])
    user, now = body["user"]["id"], deps.clock.now()
    try:
        with deps.session_factory.begin() as s:
            target = _change_target(s, body, meta.interview_id, deps)
            if isinstance(target, str):
                ack(response_action="update", view=message_view("Not allowed", target))
                return
            before = {seat.user_id for seat in target.panel}
            if kind == "move":
                start = datetime.fromtimestamp(int(v[BlockId.NEW_START]), UTC)
                i = scheduling.move_interview(s, meta.interview_id, start, deps.settings, now, actor=user)
                text = ":white_check_mark: Moved. The panel is told and their prep follows the new time."
            else:
                old, new = str(v.get(BlockId.OLD_USER) or ""), str(v.get(BlockId.NEW_USER) or "")
                i = scheduling.reassign_panelist(
                    s, meta.interview_id, old, new, deps.settings, now, actor=user
                )
                text = f":white_check_mark: <@{new}> takes <@{old}>'s place; both are told."
            cl = i.candidate_loop
            people = before | {seat.user_id for seat in i.panel} | {cl.recruiter, cl.hiring_manager, user}
    except SchedulingError as exc:
        block = BlockId.NEW_START if kind == "move" else BlockId.OLD_USER
        where = {"new_user": BlockId.NEW_USER, "interview": block}
        errors: dict[str, str] = {}
        for path, message in exc.problems:
            errors[where.get(path, block)] = message
        ack(response_action="errors", errors=errors)
        return
    ack(response_action="update", view=message_view("Done", text))
    publish_homes(deps, people)


def handle_move_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    _submit_change(ack, body, view, context, "move")


def handle_reassign_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    _submit_change(ack, body, view, context, "reassign")


def handle_cancel(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """'Cancel interview' (after Slack's confirm dialog): cancel it, then show the refreshed status."""
    ack()
    deps: Deps = context["deps"]
    user, now = body["user"]["id"], deps.clock.now()
    channel = (body.get("container") or {}).get("channel_id") or (body.get("channel") or {}).get("id")
    # Slack is called only after each session is closed: on SQLite a session holds the write lock.
    try:
        with deps.session_factory.begin() as s:
            target = _change_target(s, body, int(body["actions"][0]["value"]), deps)
            if not isinstance(target, str):
                i = scheduling.cancel_interview(s, target.id, deps.settings, now, actor=user)
                people = {seat.user_id for seat in i.panel} | {
                    i.candidate_loop.recruiter,
                    i.candidate_loop.hiring_manager,
                }
                cl_id = i.candidate_loop_id
    except SchedulingError as exc:
        reply_privately(client, channel, user, "; ".join(m for _, m in exc.problems), [])
        return
    if isinstance(target, str):
        reply_privately(client, channel, user, target, [])
        return
    in_modal = (body.get("container") or {}).get("type") == "view"
    with reading(deps.session_factory) as s:
        item = load_status(s, cl_id)
        assert item is not None
        view = status_view(item.cl, item.submitted, now) if in_modal else None
        message = None if in_modal else status_message(item.cl, item.submitted, now)
    if view is not None:
        client.views_update(view_id=body["view"]["id"], view=view)
    elif message is not None:
        reply_privately(
            client, channel, user, "Interview cancelled; its panel is told.", message.blocks_dicts()
        )
    publish_homes(deps, people)


def register(app: App) -> None:
    """Attach this surface's listeners to the app."""
    app.action(ActionId.OPEN_SCHEDULE)(handle_open_schedule)
    for action in (ActionId.CHOOSE_LOOP, ActionId.ADD_INTERVIEW, ActionId.REMOVE_INTERVIEW):
        app.action(action)(handle_form_change)
    app.view(CallbackId.SCHEDULE)(handle_schedule_submission)
    app.action(ActionId.MOVE_INTERVIEW)(handle_move_button)
    app.action(ActionId.REASSIGN_PANELIST)(handle_reassign_button)
    app.action(ActionId.CANCEL_INTERVIEW)(handle_cancel)
    app.view(CallbackId.MOVE_INTERVIEW)(handle_move_submission)
    app.view(CallbackId.REASSIGN)(handle_reassign_submission)
