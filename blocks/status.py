"""A candidate loop's status for its recruiter / hiring manager: interviews, panel, who has submitted."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from blocks import kit_text as kt
from blocks import limits
from blocks.ids import ActionId, BlockId
from blocks.message import Message
from blocks.text import esc, esc_name, flat, mention, slack_date
from models import UNCOUNTED_ROLES, CandidateLoop, Interview, InterviewStatus, PanelRole, PanelSeat

Submitted = Collection[tuple[int, str]]


def seat_mark(interview: Interview, seat: PanelSeat, submitted: Submitted, now: datetime) -> str:
    """Where one panelist stands: submitted, not in yet, optional (observer), declined, to come."""
    if seat.declined_at is not None:
        return ":no_entry_sign: can't make it"
    if (interview.id, seat.user_id) in submitted:
        return ":white_check_mark: submitted"
    if seat.role == PanelRole.SHADOW:
        return ":eyes: observer, feedback optional"
    if seat.role == PanelRole.REVERSE_SHADOW:
        return ":mortar_board: trainee lead, feedback for training"
    if interview.ends_at > now:
        return ":spiral_calendar_pad: interview to come"
    return ":hourglass: not in yet"


def _title(interview: Interview) -> str:
    name = f"*{kt.type_name(interview)}* · {slack_date(interview.starts_at)}"
    if interview.status == InterviewStatus.CANCELLED:
        return f"~{kt.type_name(interview)}~ · {slack_date(interview.starts_at)} · cancelled"
    return name


def interview_text(interview: Interview, submitted: Submitted, now: datetime) -> str:
    """One interview, with one line per panelist."""
    lines = [_title(interview)]
    if interview.status != InterviewStatus.CANCELLED:
        for s in interview.panel:
            mark = seat_mark(interview, s, submitted, now)
            lines.append(f"• {mention(s.user_id)} ({kt.role_name(s.role).lower()}): {mark}")
    return "\n".join(lines)


def loop_title(cl: CandidateLoop) -> str:
    role = esc(str(cl.rubric.get("role") or cl.rubric.get("loop_name") or ""))
    return f"*{esc_name(cl.candidate.name)}*" + (f" · {role}" if role else "")


def loop_summary(cl: CandidateLoop, submitted: Submitted, now: datetime) -> str:
    """A compact view of a loop for App Home: per interview, who has and has not submitted."""
    lines = [loop_title(cl)]
    for i in cl.interviews:
        if i.status == InterviewStatus.CANCELLED:
            continue
        owed = [s for s in i.panel if s.declined_at is None and s.role not in UNCOUNTED_ROLES]
        done = [mention(s.user_id) for s in owed if (i.id, s.user_id) in submitted]
        waiting = [mention(s.user_id) for s in owed if (i.id, s.user_id) not in submitted]
        marks = []
        if done:
            marks.append(":white_check_mark: " + " ".join(done))
        if waiting:
            marks.append(
                (":hourglass: " if i.ends_at <= now else ":spiral_calendar_pad: ") + " ".join(waiting)
            )
        lines.append(f"• {kt.type_name(i)} {slack_date(i.starts_at)}: " + "  ".join(marks))
    return limits.truncate("\n".join(lines), limits.SECTION_TEXT)


def _actions(interview: Interview) -> ActionsBlock:
    value = str(interview.id)
    return ActionsBlock(
        block_id=f"{BlockId.STATUS_ACTIONS}{interview.id}",
        elements=[
            ButtonElement(text="Move", action_id=ActionId.MOVE_INTERVIEW, value=value),
            ButtonElement(text="Reassign a panelist", action_id=ActionId.REASSIGN_PANELIST, value=value),
            ButtonElement(
                text="Cancel interview",
                action_id=ActionId.CANCEL_INTERVIEW,
                value=value,
                style="danger",
                confirm=ConfirmObject(
                    title="Cancel this interview?",
                    text="Its panel is told, and nothing more is sent to them about it.",
                    confirm="Cancel interview",
                    deny="Keep it",
                    style="danger",
                ),
            ),
        ],
    )


HELD_BACK = (
    ":lock: Your own feedback on this candidate is not in yet, so the other panelists' scores, "
    "scorecards and notes stay hidden from you until you submit yours."
)


def status_blocks(
    cl: CandidateLoop, submitted: Submitted, now: datetime, manage: bool = True, sees_feedback: bool = True
) -> list[Block]:
    """Header, then each interview with its panel; changeable interviews get move / reassign / cancel.

    Status never shows scores; `sees_feedback=False` (bot.feedback.blind, the blind rule) says why the
    digest's scores stay hidden from this reader.
    """
    blocks: list[Block] = [
        HeaderBlock(text=limits.truncate(f"Status: {esc(flat(cl.candidate.name))}", limits.HEADER_TEXT)),
        SectionBlock(
            text=MarkdownTextObject(
                text=limits.truncate(
                    f"{loop_title(cl)}\nRecruiter {mention(cl.recruiter)} · hiring manager "
                    f"{mention(cl.hiring_manager)} · channel <#{cl.hiring_channel}>",
                    limits.SECTION_TEXT,
                )
            )
        ),
    ]
    for i in cl.interviews:
        text = limits.truncate(interview_text(i, submitted, now), limits.SECTION_TEXT)
        blocks.append(SectionBlock(text=MarkdownTextObject(text=text)))
        if manage and i.status == InterviewStatus.SCHEDULED and i.ends_at > now:
            blocks.append(_actions(i))
    digest = "posted in the hiring channel" if cl.digest_ts else "not posted yet"
    note = f"Debrief digest: {digest}." + ("" if sees_feedback else f"\n{HELD_BACK}")
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=note)]))
    return blocks


def status_message(
    cl: CandidateLoop, submitted: Submitted, now: datetime, sees_feedback: bool = True
) -> Message:
    """The status as an ephemeral message (from `/loop status`)."""
    blocks = status_blocks(cl, submitted, now, sees_feedback=sees_feedback)
    if len(blocks) > limits.MESSAGE_BLOCKS:
        blocks = blocks[: limits.MESSAGE_BLOCKS - 1] + [_more()]
    text = f"Status of {esc_name(cl.candidate.name)}'s loop"
    limits.check_message(blocks, text)
    return Message(text=text, blocks=blocks)


def status_view(cl: CandidateLoop, submitted: Submitted, now: datetime, sees_feedback: bool = True) -> View:
    """The status as a modal (from App Home)."""
    blocks = status_blocks(cl, submitted, now, sees_feedback=sees_feedback)
    if len(blocks) > limits.VIEW_BLOCKS:
        blocks = blocks[: limits.VIEW_BLOCKS - 1] + [_more()]
    view = View(type="modal", title="Candidate status", close="Close", blocks=blocks)
    limits.check_view(view)
    return view


def _more() -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text="_More interviews than fit here._")])


def choose_candidate(matches: list[CandidateLoop], query: str) -> Message:
    """Several candidate loops match: list them so the user can be more specific."""
    echo = limits.truncate(esc(flat(query)), 100)
    lines = [f"Several candidates match “{echo}”. Which one? Try `/loop status` with more of the name:"]
    lines += [f"• {loop_title(cl)} (loop #{cl.id})" for cl in matches[:20]]
    text = limits.truncate("\n".join(lines), limits.SECTION_TEXT)
    return Message(text=text, blocks=[SectionBlock(text=MarkdownTextObject(text=text))])
