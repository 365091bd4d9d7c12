"""Messages to a panelist: the prep kit, the 1-hour nudge, feedback requests and reminders, notices."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from blocks import kit_text as kt
from blocks import limits
from blocks.ids import ActionId, BlockId
from blocks.message import Message
from blocks.text import esc, slack_date
from bot.feedback.focus_logic import follows_lead, form_categories
from models import Interview, PanelRole, PanelSeat


def sections(text: str) -> list[Block]:
    """Mrkdwn text as as many sections as the 3000-char limit needs."""
    return [SectionBlock(text=MarkdownTextObject(text=part)) for part in limits.split_text(text)]


def context(text: str, block_id: str | None = None) -> ContextBlock:
    return ContextBlock(
        elements=[MarkdownTextObject(text=limits.truncate(text, limits.CONTEXT_TEXT))], block_id=block_id
    )


def buttons(interview: Interview, decline: bool = True) -> ActionsBlock:
    """Open feedback form, and (before the interview) I can't make it."""
    elements = [
        ButtonElement(
            text="Open feedback form",
            action_id=ActionId.OPEN_FEEDBACK,
            value=str(interview.id),
            style="primary",
        )
    ]
    if decline:
        elements.append(
            ButtonElement(
                text="I can't make it",
                action_id=ActionId.CANT_MAKE_IT,
                value=str(interview.id),
                confirm=ConfirmObject(
                    title="Can't make it?",
                    text="We'll tell the recruiter and stop sending you anything for this interview.",
                    confirm="Yes, tell them",
                    deny="Cancel",
                ),
            )
        )
    return ActionsBlock(block_id=BlockId.PREP_ACTIONS, elements=elements)


def _title(interview: Interview) -> str:
    return f"{kt.type_name(interview)} with {kt.candidate_name(interview)}"


def _overview(interview: Interview, seat: PanelSeat, now: datetime, dry_run: str | None) -> list[Block]:
    role = kt.job_role(interview)
    facts = [
        f"*Candidate:* {kt.candidate_name(interview)}" + (f" · *Role:* {role}" if role else ""),
        f"*When:* {slack_date(interview.starts_at)} ({kt.starts_in(interview.starts_at, now)})"
        f" · *Duration:* {kt.duration_minutes(interview)} minutes",
        f"*Your role:* {kt.role_name(seat.role)}. {_duty(interview, seat)}",
    ]
    if dry_run:
        facts.append(dry_run)
    blocks: list[Block] = [
        HeaderBlock(text=limits.truncate(f"Interview prep: {_title(interview)}", limits.HEADER_TEXT)),
        *sections("\n".join(facts)),
    ]
    others = kt.panel_lines(interview, seat)
    panel = "*Also on the panel*\n" + "\n".join(others) if others else "*You are the only panelist.*"
    blocks += sections(panel)
    consent = (
        ":red_circle: The candidate agreed to be recorded."
        if interview.recording_consent
        else ":no_entry_sign: The candidate did *not* agree to be recorded: do not record this interview."
    )
    blocks.append(context(consent))
    return blocks


def _duty(interview: Interview, seat: PanelSeat) -> str:
    follows = follows_lead(seat.role, interview.guidance)
    return kt.role_duty(seat.role, has_questions=bool(kt.numbered(seat.kit)), follows=follows)


def _plan(interview: Interview, seat: PanelSeat) -> list[Block]:
    """An interview without a question set: what it assesses, example questions, what the form asks."""
    g, cl = interview.guidance, interview.candidate_loop
    categories = form_categories(seat.kit, cl.rubric, g, interview.stage_key)
    follows = follows_lead(seat.role, g)
    if follows:
        head = "_No questions for you: follow the lead's plan, and watch for what this interview assesses._"
    else:
        head = f"*Your plan: {kt.type_name(interview)}*\n_No question set: run it from the plan below._"
    parts = [head, kt.focus_text(categories, str(cl.rubric.get("slug") or ""))]
    examples = g.get("example_questions") or []
    if examples and not follows:
        parts.append("*Example questions*\n" + kt.bullets(examples))
    parts.append(
        "_On the feedback form you rate each of these (or choose “No signal”) and tick the signals you saw._"
    )
    return [DividerBlock(), *sections("\n\n".join(parts))]


def _kit_groups(interview: Interview, seat: PanelSeat) -> list[list[Block]]:
    questions = kt.numbered(seat.kit)
    if not questions:
        return [_plan(interview, seat)]
    name = esc(str(seat.kit.get("name") or "Your questions"))
    groups: list[list[Block]] = [[DividerBlock(), *sections(f"*Your question set: {name}*")]]
    for n, q in questions:
        groups.append([DividerBlock(), *sections(kt.question_text(n, q))])
    return groups


def prep_messages(
    interview: Interview, seat: PanelSeat, now: datetime, dry_run: str | None = None
) -> list[Message]:
    """The full prep kit for one panelist, split into as many messages as Slack's limits need.

    `dry_run` is the lead's dry-run line (bot/interviewers/dry_runs.py `dry_run_line`), shown with the
    facts; the caller reads it, so this builder stays free of queries.
    """
    groups: list[list[Block]] = [_overview(interview, seat, now, dry_run)]
    guidance = kt.guidance_parts(interview.guidance)
    if guidance:
        groups.append([DividerBlock(), *sections("\n\n".join(guidance))])
    groups += _kit_groups(interview, seat)
    groups.append([DividerBlock(), buttons(interview)])
    # One block is kept free for the "part n of m" line on continuation messages.
    packed = limits.pack(groups, max_blocks=limits.MESSAGE_BLOCKS - 1)
    title = _title(interview)
    messages = []
    for n, blocks in enumerate(packed, start=1):
        suffix = f" (part {n} of {len(packed)})" if len(packed) > 1 else ""
        if n > 1:
            blocks = [context(f"Interview prep: {title}{suffix}"), *blocks]
        text = limits.truncate(f"Interview prep: {title}{suffix}", limits.FALLBACK_TEXT)
        limits.check_message(blocks, text)
        messages.append(Message(text=text, blocks=blocks))
    return messages


def prep_nudge(interview: Interview, seat: PanelSeat) -> Message:
    """The short reminder shortly before the interview: when, your role, your questions."""
    lines = [
        f":alarm_clock: Your *{_title(interview)}* starts {slack_date(interview.starts_at, '{time}')}"
        f" ({kt.duration_minutes(interview)} minutes). You are the *{kt.role_name(seat.role).lower()}*.",
    ]
    asks = [f"{n}. {esc(str(q.get('prompt') or ''))}" for n, q in kt.numbered(seat.kit) if n]
    if asks:
        lines.append("*Your questions*\n" + "\n".join(limits.truncate(a, 300) for a in asks))
    else:
        cl = interview.candidate_loop
        assessed = form_categories(seat.kit, cl.rubric, interview.guidance, interview.stage_key)
        lines.append("*It assesses:* " + ", ".join(esc(c.name) for c in assessed))
    if interview.guidance.get("must_do_before"):
        lines.append(":warning: *Before you start*\n" + kt.bullets(interview.guidance["must_do_before"]))
    lines.append("_The full kit is in the prep message above._")
    blocks = [*sections("\n\n".join(lines)), buttons(interview)]
    text = f"Starting soon: {_title(interview)}"
    limits.check_message(blocks, text)
    return Message(text=text, blocks=blocks)


def _feedback_blocks(interview: Interview, seat: PanelSeat, line: str) -> list[Block]:
    if seat.role == PanelRole.SHADOW:
        line += " As an observer your feedback is optional, and welcome."
    return [*sections(line), buttons(interview, decline=False)]


def feedback_request(interview: Interview, seat: PanelSeat) -> Message:
    """After the interview: please submit your feedback (button opens the form)."""
    line = (
        f":memo: Your *{_title(interview)}* has ended. Please submit your feedback while it is fresh: "
        "nobody sees the others' feedback before submitting their own."
    )
    blocks = _feedback_blocks(interview, seat, line)
    text = f"Feedback please: {_title(interview)}"
    limits.check_message(blocks, text)
    return Message(text=text, blocks=blocks)


def feedback_reminder(interview: Interview, seat: PanelSeat, nth: int) -> Message:
    """The nth chase for feedback that is not in yet."""
    when = slack_date(interview.starts_at, "{date_short_pretty}")
    urgency = "Reminder" if nth <= 1 else f"Reminder {nth}"
    line = (
        f":hourglass: {urgency}: your feedback on the *{_title(interview)}* ({when}) is not in yet. "
        "The debrief waits for it."
    )
    blocks = _feedback_blocks(interview, seat, line)
    text = f"{urgency}: feedback on {_title(interview)}"
    limits.check_message(blocks, text)
    return Message(text=text, blocks=blocks)


def notice(text: str) -> Message:
    """A one-off notice (moved, cancelled, declined...); `text` is mrkdwn that is already escaped."""
    blocks = sections(text) if text.strip() else sections("_(empty notice)_")
    if len(blocks) > limits.MESSAGE_BLOCKS:
        blocks = blocks[: limits.MESSAGE_BLOCKS - 1] + [context("_(notice shortened)_")]
    fallback = limits.truncate(text, limits.FALLBACK_TEXT) or "loopbot notice"
    limits.check_message(blocks, fallback)
    return Message(text=fallback, blocks=blocks)


def declined_confirmation(original: list[dict[str, object]]) -> list[dict[str, object]]:
    """The blocks of a prep message with its buttons replaced by the 'you can't make it' confirmation."""
    note = context(
        ":white_check_mark: You told us you can't make it. The recruiter has been told, "
        "and you won't get anything more about this interview.",
        block_id=BlockId.PREP_CONFIRMATION,
    ).to_dict()
    kept = [b for b in original if b.get("block_id") not in (BlockId.PREP_ACTIONS, BlockId.PREP_CONFIRMATION)]
    return [*kept, note]
