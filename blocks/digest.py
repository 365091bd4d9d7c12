"""The debrief digest for the hiring channel, its scorecard replies, escalations and the private-notes DM.

The matrix has a row per category of the candidate's scorecard (the loop's rubric, then the categories
its interviews assess from their types' own rubrics) and a column per counted scorecard, in the loop's
stage order; a blank cell is a category that interview did not assess.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from blocks import kit_text as kt
from blocks import limits
from blocks.ids import ActionId
from blocks.message import Message
from blocks.scorecard import assessed, card_of, seat_facts
from blocks.scorecard import candidate as _candidate
from blocks.scorecard import context as _context
from blocks.scorecard import scorecard_reply as scorecard_reply
from blocks.scorecard import sections as _sections
from blocks.scorecard import type_name as _type_name
from blocks.text import esc, mention, slack_date
from bot.digest import logic as dl
from bot.feedback.focus_logic import Category, rubric_categories, stage_position
from bot.feedback.logic import owes_feedback
from models import CandidateLoop, Feedback, FeedbackStatus, Interview, InterviewStatus

COLUMNS_PER_BLOCK = 8
FENCE = "```"


def _job(cl: CandidateLoop) -> str:
    return esc(str(cl.rubric.get("role") or cl.rubric.get("loop_name") or ""))


def scorecard(cl: CandidateLoop, interviews: Sequence[Interview]) -> list[Category]:
    """The loop's rubric's categories, then those the interviews assess from their types' own rubrics."""
    shown = {c.key: c for c in rubric_categories(cl.rubric)}
    ordered = sorted(interviews, key=lambda i: (stage_position(cl.rubric, i.stage_key), i.starts_at, i.id))
    for i in ordered:
        for seat in (s for s in i.panel if s.declined_at is None):
            for c in assessed(i, seat):
                shown.setdefault(c.key, c)
    return list(shown.values())


def facts_of(
    cl: CandidateLoop,
    feedback: Sequence[Feedback],
    now: datetime,
    sla: timedelta = dl.DEFAULT_SLA,
    trainees: Collection[tuple[int, str]] = (),
) -> dl.DigestFacts:
    """The digest facts of a candidate loop; cancelled interviews and drafts do not count.

    `trainees`: (interview id, user) of shadow seats held by trainees (bot.digest.service.training_seats):
    their scorecards are training scorecards; a reverse shadow's always is.
    """
    scheduled = {i.id: i for i in cl.interviews if i.status == InterviewStatus.SCHEDULED}
    expected = [
        seat_facts(i, s.user_id)
        for i in scheduled.values()
        for s in i.panel
        if owes_feedback(s.role, s.declined_at is not None)
    ]
    cards = [
        card_of(scheduled[fb.interview_id], fb, (fb.interview_id, fb.interviewer) in trainees)
        for fb in feedback
        if fb.status == FeedbackStatus.SUBMITTED and fb.interview_id in scheduled
    ]
    return dl.summarize(cl.rubric, expected, cards, now, sla, scorecard(cl, list(scheduled.values())))


def _who(seat: dl.Seat) -> str:
    return f"{mention(seat.user)} ({esc(seat.interview)}, {kt.role_name(seat.role).lower()})"


def _flags(facts: dl.DigestFacts) -> list[str]:
    flags = []
    if facts.split:
        flags.append(":scales: *Split decision*: the panel is on both sides of yes and no.")
    if facts.strong_no:
        names = ", ".join(_who(c.seat) for c in facts.strong_no)
        flags.append(f":octagonal_sign: *Strong no* from {names}.")
    if facts.unassessed:
        cats = ", ".join(esc(c) for c in facts.unassessed)
        flags.append(f":grey_question: *Nobody assessed*: {cats}.")
    if facts.missing:
        flags.append(":hourglass: *Missing feedback*: " + ", ".join(_who(s) for s in facts.missing) + ".")
    if facts.upcoming:
        flags.append(":calendar: *Interviews still to come*: " + ", ".join(_who(s) for s in facts.upcoming))
    for card, over in facts.late:
        flags.append(f":snail: *Late feedback* from {_who(card.seat)}: {dl.hours(over)} past the deadline.")
    return flags


def _status(facts: dl.DigestFacts, now: datetime) -> str:
    counted = len(facts.columns)
    if facts.complete:
        return f":white_check_mark: All feedback is in ({counted} scorecard{'s' * (counted != 1)})."
    owed = len(facts.missing) + len(facts.upcoming)
    return (
        f":warning: {counted} scorecard{'s' * (counted != 1)} in, {owed} still missing ({slack_date(now)})."
    )


def _code_blocks(lines: list[str]) -> list[Block]:
    """Lines as code-block sections, each within the section limit."""
    blocks: list[Block] = []
    budget = limits.SECTION_TEXT - 2 * len(FENCE) - 2
    escaped = [esc(raw)[: budget // 2] for raw in lines]
    current: list[str] = []
    for line in escaped:
        if current and sum(len(x) + 1 for x in current) + len(line) > budget:
            blocks.append(SectionBlock(text=MarkdownTextObject(text=FENCE + "\n".join(current) + FENCE)))
            current = [escaped[0]]  # repeat the column labels on each part
        current.append(line)
    if current:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=FENCE + "\n".join(current) + FENCE)))
    return blocks


def _matrix(facts: dl.DigestFacts) -> list[Block]:
    if not facts.columns:
        return _sections("*Ratings by category*\n_No scorecards yet._")
    blocks = _sections("*Ratings by category*")
    for first in range(0, len(facts.columns), COLUMNS_PER_BLOCK):
        blocks += _code_blocks(dl.matrix_lines(facts, first, COLUMNS_PER_BLOCK))
    columns = "\n".join(f"`{c.label}` {_who(c.card.seat)}" for c in facts.columns)
    blocks += _sections(columns)
    named = [r.category for r in facts.rows if (r.category.short or r.category.name) != r.category.name]
    if named:
        blocks += _sections("\n".join(f"`{esc(c.short)}` {esc(c.name)}" for c in named))
    key = " · ".join(f"`{esc(short)}` {esc(label)}" for short, label in facts.legend)
    blocks.append(_context(f"{key} · blank: not assessed in that interview"))
    return blocks


def _thread_note(facts: dl.DigestFacts) -> str:
    """Where the scorecards are, and exactly whose were left out of the tally and matrix, and why."""
    notes = "Each scorecard is in the thread. Private notes go to the hiring manager only."
    left_out = [f"{_who(c.seat)}: training scorecard" for c in facts.training]
    left_out += [f"{_who(c.seat)}: observer feedback" for c in facts.observers]
    if left_out:
        notes += " Not counted in the tally or the matrix: " + "; ".join(left_out) + "."
    return notes


def scorecards_held(
    cl: CandidateLoop, feedback: Sequence[Feedback], now: datetime, sla: timedelta = dl.DEFAULT_SLA
) -> bool:
    """Whether the digest holds the scores back (feedback missing and not released)."""
    return dl.scorecards_held(facts_of(cl, feedback, now, sla), cl.scorecards_released_at is not None)


def digest_message(
    cl: CandidateLoop,
    feedback: list[Feedback],
    now: datetime,
    sla: timedelta = dl.DEFAULT_SLA,
    trainees: Collection[tuple[int, str]] = (),
) -> Message:
    """The debrief: candidate, role, tally, category × interviewer matrix and flags (scorecards: thread).

    While owed feedback is missing it says only who is missing, and offers to release the scores.
    `trainees` as in facts_of.
    """
    facts = facts_of(cl, feedback, now, sla, trainees)
    if dl.scorecards_held(facts, cl.scorecards_released_at is not None):
        return _held_message(cl, facts, now)
    role = _job(cl)
    head = f"*Candidate:* {_candidate(cl)}" + (f" · *Role:* {role}" if role else "")
    tally = " · ".join(f"{label}: *{n}*" for _, label, n in facts.tally)
    blocks: list[Block] = [
        HeaderBlock(text=limits.truncate(f"Debrief: {_candidate(cl)}", limits.HEADER_TEXT)),
        *_sections(f"{head}\n{_status(facts, now)}"),
        *_sections(f"*Recommendations*\n{tally}"),
    ]
    flags = _flags(facts)
    if flags:
        blocks += _sections("*Flags*\n" + "\n".join(flags))
    blocks += _matrix(facts)
    blocks.append(_context(_thread_note(facts)))
    if len(blocks) > limits.MESSAGE_BLOCKS:
        blocks = blocks[: limits.MESSAGE_BLOCKS - 1] + [
            _context("_Shortened: see the scorecards in the thread._")
        ]
    text = limits.truncate(f"Debrief: {_candidate(cl)}: {_status(facts, now)}", limits.FALLBACK_TEXT)
    limits.check_message(blocks, text)
    return Message(text=text, blocks=blocks)


def _held_message(cl: CandidateLoop, facts: dl.DigestFacts, now: datetime) -> Message:
    """The digest while feedback is missing: status and who is missing, no scores, a release button."""
    role = _job(cl)
    head = f"*Candidate:* {_candidate(cl)}" + (f" · *Role:* {role}" if role else "")
    waiting = [line for line in _flags(facts) if line.startswith((":hourglass:", ":calendar:"))]
    blocks: list[Block] = [
        HeaderBlock(text=limits.truncate(f"Debrief: {_candidate(cl)}", limits.HEADER_TEXT)),
        *_sections(f"{head}\n{_status(facts, now)}"),
        *_sections("\n".join(waiting)),
        *_sections(
            ":lock: *Scorecards are held back* until the missing feedback is in, so that nobody on the "
            "panel sees the others' feedback before giving their own. They will appear here and in the "
            "thread as soon as the last one arrives."
        ),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Release scorecards now",
                    action_id=ActionId.RELEASE_SCORECARDS,
                    value=str(cl.id),
                    confirm=ConfirmObject(
                        title="Release the scorecards?",
                        text="Everyone in this channel will see the scores, including panelists who "
                        "have not submitted yet.",
                        confirm="Release",
                        deny="Cancel",
                    ),
                )
            ]
        ),
        _context("Only the recruiter, the hiring manager or a loopbot admin can release them early."),
    ]
    text = limits.truncate(f"Debrief: {_candidate(cl)}: {_status(facts, now)}", limits.FALLBACK_TEXT)
    limits.check_message(blocks, text)
    return Message(text=text, blocks=blocks)


def escalation(cl: CandidateLoop, late: list[tuple[Interview, str]], now: datetime) -> Message:
    """To the recruiter and hiring manager: whose feedback on this candidate is overdue."""
    title = f":rotating_light: *Feedback on {_candidate(cl)} is overdue*"
    lines = [
        f"• {mention(user)}: {esc(_type_name(i))} on {slack_date(i.starts_at)}, "
        f"ended {dl.hours(now - i.ends_at)} ago"
        for i, user in late
    ]
    if not lines:
        lines = ["All feedback is in now: nothing to chase."]
    tail = "They have been reminded already; a word from you may help. The digest waits for them."
    blocks = _sections("\n".join([title, *lines])) + [_context(tail)]
    if len(blocks) > limits.MESSAGE_BLOCKS:
        blocks = blocks[: limits.MESSAGE_BLOCKS - 1] + [_context("_And more._")]
    who = ", ".join(dict.fromkeys(mention(u) for _, u in late)) or "nobody"
    text = limits.truncate(f"Overdue feedback on {_candidate(cl)}: {who}", limits.FALLBACK_TEXT)
    limits.check_message(blocks, text)
    return Message(text=text, blocks=blocks)


def private_notes_message(cl: CandidateLoop, feedback: list[Feedback]) -> Message | None:
    """The private notes on a candidate, for the hiring manager's DM only; None when there are none."""
    interviews = {i.id: i for i in cl.interviews}
    notes = [fb for fb in feedback if fb.status == FeedbackStatus.SUBMITTED and fb.private_note.strip()]
    if not notes:
        return None
    parts = [f":lock: *Private notes on {_candidate(cl)}*: only you, the hiring manager, see these."]
    for fb in notes:
        i = interviews.get(fb.interview_id)
        what = esc(_type_name(i)) if i is not None else "interview"
        parts.append(f"*{mention(fb.interviewer)}* ({what})\n{esc(fb.private_note)}")
    blocks = [b for part in parts for b in _sections(part)]
    if len(blocks) > limits.MESSAGE_BLOCKS:
        blocks = blocks[: limits.MESSAGE_BLOCKS - 1] + [_context("_Shortened: more notes than fit._")]
    text = f"Private notes on {_candidate(cl)}"
    limits.check_message(blocks, text)
    return Message(text=text, blocks=blocks)
