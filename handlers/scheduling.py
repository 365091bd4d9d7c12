"""Bolt listeners for the scheduling modal: open it, rebuild it as it changes, schedule on submit."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from blocks.ids import ActionId, BlockId, CallbackId
from blocks.schedule import schedule_view, scheduled_view
from blocks.schedule_form import (
    CANDIDATE_MAX,
    MAX_INTERVIEWS,
    InterviewForm,
    ScheduleForm,
    ScheduleMeta,
    errors_for,
    parse_form,
)
from blocks.schedule_form import start_of as form_start
from blocks.text import esc, mention
from bot import scheduling
from bot.channels.membership import ensure_member
from bot.db import impatient, is_locked, reading, unavailable
from bot.deps import Deps
from bot.guard import inputs
from bot.guard.errors import after_ack_safe
from bot.home.publish import publish_homes
from bot.interviewers import limits
from bot.scheduling import InterviewIn, ScheduleRequest, SchedulingError
from bot.scheduling.choices import load_choices
from bot.scheduling.create import fill_suggested
from bot.settings import Settings
from handlers.replies import BEFORE_ACK_MS, not_saved, open_schedule_modal, read_or
from models import Loop, PanelRole

log = logging.getLogger("loopbot.scheduling")


def handle_open_schedule(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """'Schedule a candidate' on App Home."""
    ack()
    open_schedule_modal(client, body, context["deps"], inputs.actor(body))


def handle_form_change(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Loop chosen, interview added or removed: rebuild the modal, keeping everything typed."""
    ack()
    deps: Deps = context["deps"]
    user, view = inputs.actor(body), inputs.view_of(body)
    meta = inputs.metadata(ScheduleMeta, view.get("private_metadata"), default="{}")
    form = parse_form(inputs.state_values(view), meta)
    action = body["actions"][0]["action_id"]
    if action == ActionId.ADD_INTERVIEW and len(form.interviews) < MAX_INTERVIEWS:
        form.interviews.append(InterviewForm())
    elif action == ActionId.REMOVE_INTERVIEW and len(form.interviews) > 1:
        form.interviews.pop()
    choices = read_or(deps, lambda s: load_choices(s, user, deps.settings.admins), None)
    if choices is None:  # the modal stays as it is; the next change or Submit tries again
        log.warning("scheduling.form_not_rebuilt user=%s reason=database unavailable", user)
        return
    view_id = inputs.required(view.get("id"), 255, "view id")
    client.views_update(view_id=view_id, hash=view.get("hash"), view=schedule_view(choices, form))


_FIELDS = {
    PanelRole.LEAD: "lead",
    PanelRole.INTERVIEWER: "interviewers",
    PanelRole.SHADOW: "shadows",
    PanelRole.REVERSE_SHADOW: "reverse_shadows",
}


def suggest_into(s: Session, form: ScheduleForm, settings: Settings) -> None:
    """Fill each interview's panel in `form` from its type's pool, with the reasons to show.

    An interview needs its stage and start first; the others' panels count as this candidate's."""
    planned: list[tuple[int, InterviewIn]] = []
    for n, spec in enumerate(form.interviews):
        start = form_start(spec)
        if not spec.stage or start is None:
            spec.reasons = ["Choose the stage and the start, then *Suggest panel* again."]
            continue
        try:
            planned.append(
                (
                    n,
                    InterviewIn(
                        stage=spec.stage,
                        type=spec.type,
                        start=start,
                        duration_minutes=_minutes(spec.duration),
                        panel="suggest",
                    ),
                )
            )
        except ValidationError:
            spec.reasons = ["Give the length in whole minutes, up to a day, then *Suggest panel* again."]
    if not planned:
        return
    request = ScheduleRequest.model_construct(
        candidate=form.candidate or "", loop=form.loop or "", interviews=[i for _n, i in planned]
    )
    # the people already chosen keep their seats: only the empty ones are suggested
    kept = {k: [(u, r.value) for u, r in form.interviews[n].panel()] for k, (n, _i) in enumerate(planned)}
    filled = fill_suggested(s, request, settings, kept)
    for k, found in filled.suggested:
        spec = form.interviews[planned[k][0]]
        for role, attr in _FIELDS.items():
            setattr(spec, attr, [p.user for p in found.picks if p.role == role])
        mine = {user for user, _role in kept[k]}
        spec.reasons = [f"{mention(p.user)}: {p.shown()}" for p in found.picks if p.user not in mine]
        spec.reasons += [esc(line) for line in found.notes + found.problems]


def handle_suggest_panel(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """'Suggest panel': fill every interview's panel from its pool, keeping everything else typed."""
    ack()
    deps: Deps = context["deps"]
    user, view = inputs.actor(body), inputs.view_of(body)
    meta = inputs.metadata(ScheduleMeta, view.get("private_metadata"), default="{}")
    form = parse_form(inputs.state_values(view), meta)

    def read(s: Session) -> Any:
        suggest_into(s, form, deps.settings)
        return load_choices(s, user, deps.settings.admins)

    choices = read_or(deps, read, None)
    if choices is None:
        log.warning("scheduling.panel_not_suggested user=%s reason=database unavailable", user)
        return
    form.rev += 1  # new panel blocks, so Slack shows the suggested people (see blocks/schedule_form.py)
    view_id = inputs.required(view.get("id"), 255, "view id")
    client.views_update(view_id=view_id, hash=view.get("hash"), view=schedule_view(choices, form))


FRIENDLY = {"panel": "Choose the panel: at least a lead."}


def _friendly(loc: tuple[int | str, ...], msg: str) -> str:
    if str(loc[-1]) == "candidate":
        return "Give the candidate's name." if "short" in msg else f"At most {CANDIDATE_MAX} characters."
    if str(loc[-1]) == "duration_minutes":
        return "Give the length in whole minutes, up to a day."
    return FRIENDLY.get(str(loc[-1]), msg)


def _minutes(duration: str | None) -> int | str | None:
    """The duration field as pydantic reads it: digits become a number, anything else is refused."""
    if duration is None:
        return None
    return int(duration) if duration.isascii() and duration.isdigit() and len(duration) <= 5 else duration


def build_request(form: ScheduleForm, loop: Loop, user: str) -> ScheduleRequest:
    """The scheduling request for a submitted form; SchedulingError with every problem pydantic finds."""
    interviews = [
        {
            "stage": spec.stage or "",
            "start": form_start(spec) or datetime.min.replace(tzinfo=UTC),
            "duration_minutes": _minutes(spec.duration),
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
            problems.append((path, _friendly(error["loc"], str(error["msg"]))))
        raise SchedulingError(problems) from None


def _input_blocks(view: dict[str, Any]) -> set[str]:
    return {str(b.get("block_id")) for b in view.get("blocks") or [] if b.get("type") == "input"}


def _channel_problem(client: WebClient, deps: Deps, form: ScheduleForm) -> str:
    """Why loopbot could not post the digest in the chosen hiring channel ("" when it can, or joined it).

    Asked before the write transaction: on SQLite a write session holds the lock, so Slack is not
    called inside one. A Slack failure here does not block scheduling (the digest would report it).
    """
    channel = form.channel
    if not channel:
        with reading(deps.session_factory) as s:
            channel = s.scalar(select(Loop.hiring_channel).where(Loop.slug == (form.loop or ""))) or ""
    if not channel:
        return ""
    try:
        return ensure_member(client, channel).problem
    except (SlackApiError, OSError):
        log.warning("scheduling.channel_unchecked channel=%s", channel)
        return ""


def handle_schedule_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Validate and schedule in one transaction; problems go back inline, nothing typed is lost."""
    deps: Deps = context["deps"]
    user = inputs.actor(body)
    meta = inputs.metadata(ScheduleMeta, view.get("private_metadata"), default="{}")
    form = parse_form(inputs.state_values(view), meta)
    present = _input_blocks(view)
    problem = _channel_problem(client, deps, form) if form.loop else ""
    if problem:
        block = BlockId.CHANNEL if BlockId.CHANNEL in present else BlockId.CANDIDATE
        ack(response_action="errors", errors={block: problem})
        return
    try:
        with impatient(deps.session_factory, BEFORE_ACK_MS).begin() as s:
            loop = s.scalar(select(Loop).where(Loop.slug == (form.loop or "")))
            if loop is None:
                raise SchedulingError([("loop", "Choose a loop.")])
            if user not in (loop.recruiter, loop.hiring_manager) and user not in deps.settings.admins:
                raise SchedulingError(
                    [("loop", "Only this loop's recruiter, hiring manager or an admin can schedule it.")]
                )
            request = build_request(form, loop, user)
            # The box goes over the limits of the warning it came with, and only those (meta.confirmed);
            # a first submission, however crafted, has no warning to confirm.
            anyway = form.schedule_anyway and meta.confirmed is not None
            cl = scheduling.schedule_loop(
                s, request, deps.settings, deps.clock.now(), allow_over_limit=anyway, confirmed=meta.confirmed
            )
            done = scheduled_view(request.candidate, list(cl.interviews))
            people = [
                cl.recruiter,
                cl.hiring_manager,
                *(seat.user_id for i in cl.interviews for seat in i.panel),
            ]
    except SchedulingError as exc:
        if exc.over_limit:
            _confirm_over_limit(ack, deps, user, form, exc, present, meta.confirmed)
            return
        errors = errors_for(exc.problems, form)
        moved = {k if k in present else BlockId.CANDIDATE: v for k, v in errors.items()}
        log.info("scheduling.refused user=%s problems=%d", user, len(exc.problems))
        ack(response_action="errors", errors=moved)
        return
    except SQLAlchemyError as exc:
        if not unavailable(exc):
            raise
        log.warning("scheduling.not_saved user=%s locked=%s", user, is_locked(exc))
        ack(response_action="errors", errors={BlockId.CANDIDATE: not_saved(exc)})
        return
    ack(response_action="update", view=done)
    publish_homes(deps, people)


def _confirm_over_limit(
    ack: Ack,
    deps: Deps,
    user: str,
    form: ScheduleForm,
    exc: SchedulingError,
    present: set[str],
    shown: str | None,
) -> None:
    """Over a load limit: the modal comes back with who and a "Schedule anyway" box (same block ids, so
    Slack keeps what was typed), the warning's digest in its metadata; the same warning submitted
    unticked shows the error inline; different limits (the panel changed) are warned about afresh,
    the box unticked."""
    messages = list(dict.fromkeys(message for _path, message in exc.problems))
    digest = limits.digest(exc.problems)
    log.info("scheduling.over_limit user=%s seats=%d", user, len(exc.problems))
    if BlockId.OVER_LIMIT in present and shown == digest:
        text = (
            "; ".join(messages) + ". Tick *Schedule anyway* to schedule over the limit, or change the panel."
        )
        ack(response_action="errors", errors={BlockId.OVER_LIMIT: text[:2000]})
        return
    choices = read_or(deps, lambda s: load_choices(s, user, deps.settings.admins), None)
    if choices is None:
        ack(response_action="errors", errors={BlockId.CANDIDATE: "; ".join(messages)[:2000]})
        return
    form.over_limit, form.confirmed = messages, digest
    ack(response_action="update", view=schedule_view(choices, form))


def register(app: App) -> None:
    """Attach this surface's listeners to the app."""
    app.action(ActionId.OPEN_SCHEDULE)(after_ack_safe(handle_open_schedule))
    for action in (ActionId.CHOOSE_LOOP, ActionId.ADD_INTERVIEW, ActionId.REMOVE_INTERVIEW):
        app.action(action)(after_ack_safe(handle_form_change))
    app.action(ActionId.SUGGEST_PANEL)(after_ack_safe(handle_suggest_panel))
    app.view(CallbackId.SCHEDULE)(after_ack_safe(handle_schedule_submission))
