"""App Home: what is coming up, what feedback is due, what was submitted, and the loops a user runs."""

from __future__ import annotations

from datetime import datetime, timedelta

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from blocks import kit_text as kt
from blocks import limits
from blocks.ids import ActionId, BlockId, CallbackId
from blocks.message import Message
from blocks.prep import prep_messages
from blocks.status import loop_summary
from blocks.text import esc, mention, slack_date
from bot.feedback.logic import RECOMMENDATION_LABELS, form_is_open
from bot.home.queries import HomeData, MyInterviewing, SeatItem, TypeHealth
from models import FeedbackStatus, Interview, PanelSeat

ABOUT = (
    "*loopbot runs structured interviews in Slack.* Before each interview you get a prep message with "
    "your questions and what good answers sound like; afterwards a short feedback form; and the hiring "
    "channel gets a fair debrief once everyone's feedback is in."
)
LABELS = {str(k): v for k, v in RECOMMENDATION_LABELS.items()}


def _section(text: str, accessory: ButtonElement | None = None) -> SectionBlock:
    return SectionBlock(
        text=MarkdownTextObject(text=limits.truncate(text, limits.SECTION_TEXT)), accessory=accessory
    )


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=limits.truncate(text, limits.CONTEXT_TEXT))])


def _upcoming(item: SeatItem, now: datetime) -> list[Block]:
    i = item.interview
    prep = ButtonElement(text="View prep", action_id=ActionId.VIEW_FULL_KIT, value=str(i.id))
    role = f"you are the {kt.role_name(item.seat.role).lower()}"
    if not form_is_open(i.starts_at, now):
        when = f"{slack_date(i.starts_at)} ({kt.starts_in(i.starts_at, now)})"
        return [_section(f"{kt.what(i)}\n{when} · {role}", prep)]
    # under way: the form is open (notes during the interview are welcome), so it sits next to the prep
    form = ButtonElement(
        text="Open feedback form", action_id=ActionId.OPEN_FEEDBACK, value=str(i.id), style="primary"
    )
    return [
        _section(f"{kt.what(i)}\nin progress now · {role}{_saved(item)}"),
        ActionsBlock(elements=[prep, form]),
    ]


def _saved(item: SeatItem) -> str:
    fb = item.feedback
    if fb is None:
        return ""
    return " · draft saved" if fb.status == FeedbackStatus.DRAFT else " · feedback submitted"


def _due(item: SeatItem, now: datetime, sla: timedelta) -> Block:
    i = item.interview
    if now < i.ends_at:
        when = f":large_yellow_circle: Open now · ends {slack_date(i.ends_at)}"
    else:
        overdue = now > i.ends_at + sla
        flag = ":red_circle: *Overdue*" if overdue else ":large_yellow_circle: Due"
        when = f"{flag} · ended {slack_date(i.ends_at)}"
    text = f"{kt.what(i)}\n{when}{_saved(item)}"
    button = ButtonElement(
        text="Open feedback form", action_id=ActionId.OPEN_FEEDBACK, value=str(i.id), style="primary"
    )
    return _section(text, button)


def _recent(items: list[SeatItem]) -> Block:
    """One line per scorecard, with the interview's date and time so that two interviews of one type
    with one candidate read apart: "• *Pairing* with *Ada* on 3 Mar at 10:00: you recommended *No*"."""
    lines = []
    for item in items:
        fb = item.feedback
        rec = LABELS.get(fb.recommendation or "", "") if fb else ""
        line = f"• {kt.what(item.interview)} on {slack_date(item.interview.starts_at)}: "
        line += f"you recommended *{rec}*" if rec else "submitted"
        if fb and fb.submitted_at:
            line += f" (submitted {slack_date(fb.submitted_at, '{date_short_pretty}')})"
        lines.append(line)
    return _section("\n".join(lines))


NO_POOLS = (
    "_No interviewer pools yet: add a `kind: interviewer_pool` file (see examples/content/README.md) and "
    "run `loopbot content import`._"
)
POOL_TYPES = 10  # types shown in pool health; `/loop interviewers` has the rest
NAMES = 6  # people named per list before "and N more"


def _names(users: list[str]) -> str:
    shown = " ".join(mention(u) for u in users[:NAMES])
    return shown + (f" and {len(users) - NAMES} more" if len(users) > NAMES else "")


def _interviewing(mine: MyInterviewing) -> list[Block]:
    """An interviewer's own load this week against their limit, and where they stand in training."""
    n = mine.load
    load = f"{n} interview{'s' * (n != 1)} this week (limit {mine.weekly_limit})"
    if n > mine.weekly_limit:
        load = f":warning: {load}: tell your recruiter if that is too many"
    lines = ["*Your interviewing*", load]
    for p in mine.training:
        ready = " · _ready: waiting for the approver_" if p.ready else ""
        lines.append(f":mortar_board: {esc(p.line())}{ready}")
    return [DividerBlock(), _section("\n".join(lines))]


def _type_health(t: TypeHealth) -> str:
    leads = f"{len(t.leads)} qualified lead{'s' * (len(t.leads) != 1)}"
    if not t.leads:
        leads = ":warning: no qualified lead"
    lines = [f"*{esc(t.type_name)}*: {leads} · {len(t.trainees)} trainee{'s' * (len(t.trainees) != 1)}"]
    for user, p in t.trainees[:NAMES]:
        lines.append(f"• {mention(user)}: {esc(p.line().split(': ', 1)[-1])}")
    if len(t.trainees) > NAMES:
        lines.append(f"• and {len(t.trainees) - NAMES} more trainees")
    if t.over:
        over = ", ".join(f"{mention(u)} ({n} of {cap})" for u, n, cap in t.over[:NAMES])
        more = f" and {len(t.over) - NAMES} more" if len(t.over) > NAMES else ""
        lines.append(f":warning: Over their weekly limit: {over}{more}")
    return "\n".join(lines)


def _pools(pools: list[TypeHealth]) -> list[Block]:
    """A recruiter's pool health per interview type."""
    blocks: list[Block] = [DividerBlock()]
    if not pools:
        return [*blocks, _section(f"*Interviewer pools*\n{NO_POOLS}")]
    blocks.append(_section("*Interviewer pools*"))
    blocks += [_section(_type_health(t)) for t in pools[:POOL_TYPES]]
    extra = len(pools) - POOL_TYPES
    tail = f"{extra} more interview types: " if extra > 0 else ""
    blocks.append(_context(f"{tail}`/loop interviewers` shows everyone, with their load this week."))
    return blocks


def _schedule_button() -> ActionsBlock:
    return ActionsBlock(
        block_id=BlockId.HOME_SCHEDULE,
        elements=[
            ButtonElement(text="Schedule a candidate", action_id=ActionId.OPEN_SCHEDULE, style="primary")
        ],
    )


def _loops(data: HomeData, now: datetime) -> list[Block]:
    if data.loops:
        blocks: list[Block] = [DividerBlock(), _section("*Candidate loops you run*")]
        for loop in data.loops:
            button = ButtonElement(text="Status", action_id=ActionId.SHOW_STATUS, value=str(loop.cl.id))
            blocks.append(_section(loop_summary(loop.cl, loop.submitted, now), button))
        return blocks
    if data.manages and not data.empty:
        return [DividerBlock(), _section("*Candidate loops you run*\n_None open right now._")]
    return []


def home_view(data: HomeData, now: datetime, sla: timedelta = timedelta(hours=24)) -> View:
    """The App Home tab for one user."""
    blocks: list[Block] = [HeaderBlock(text="loopbot")]
    if data.empty:
        blocks.append(_section(ABOUT))
        start = (
            "Schedule a candidate's loop with `/loop schedule` or the button below."
            if data.manages
            else "When a recruiter puts you on an interview panel, it shows up here with your prep. "
            "Type `/loop help` to see what else you can do."
        )
        blocks.append(_section(f":wave: Nothing here yet. {start}"))
    if data.manages:
        blocks.append(_schedule_button())
    if data.due:
        blocks += [DividerBlock(), _section(f"*Feedback due ({len(data.due)})*")]
        blocks += [_due(item, now, sla) for item in data.due]
    if data.upcoming:
        blocks += [DividerBlock(), _section("*Coming up*")]
        blocks += [b for item in data.upcoming for b in _upcoming(item, now)]
    elif not data.empty:
        blocks += [DividerBlock(), _section("*Coming up*\n_No interviews on your calendar._")]
    if data.interviewing is not None:
        blocks += _interviewing(data.interviewing)
    if data.recent:
        blocks += [DividerBlock(), _section("*Recently submitted*"), _recent(data.recent)]
    blocks += _loops(data, now)
    if data.pools is not None:
        blocks += _pools(data.pools)
    blocks.append(_context(f"Updated {slack_date(now)} · `/loop help` for commands"))
    if len(blocks) > limits.VIEW_BLOCKS:
        blocks = blocks[: limits.VIEW_BLOCKS - 1] + [_context("_More than fits here: see `/loop feedback`._")]
    view = View(type="home", blocks=blocks)
    limits.check_view(view)
    return view


def _kit_modal(blocks: list[Block]) -> View:
    return View(
        type="modal", callback_id=CallbackId.FULL_KIT, title="Interview prep", close="Close", blocks=blocks
    )


def kit_view(interview: Interview, seat: PanelSeat, now: datetime) -> View:
    """A panelist's full prep kit in a modal (from App Home); the buttons stay in the DM."""
    body = [
        b for m in prep_messages(interview, seat, now) for b in m.blocks if not isinstance(b, ActionsBlock)
    ]
    note = _context("_The kit is longer than fits here: `/loop prep` sends all of it to your DM._")
    for keep in range(min(len(body), limits.VIEW_BLOCKS), 0, -1):
        view = _kit_modal(body if keep == len(body) else [*body[: keep - 1], note])
        try:
            limits.check_view(view)
            return view
        except limits.LimitError:
            continue
    return _kit_modal([note])


def pending_forms_message(
    items: list[SeatItem], now: datetime, sla: timedelta = timedelta(hours=24)
) -> Message:
    """`/loop feedback`: the user's feedback forms still to submit, each with its button."""
    if not items:
        blocks: list[Block] = [
            _section(":tada: No feedback due. Forms for your next interviews open when they start.")
        ]
    else:
        blocks = [_section(f"*Feedback due ({len(items)})*"), *(_due(item, now, sla) for item in items)]
    blocks = blocks[: limits.MESSAGE_BLOCKS]
    text = f"{len(items)} feedback form{'s' * (len(items) != 1)} to submit"
    limits.check_message(blocks, text)
    return Message(text=text, blocks=blocks)
