"""The debrief digest for the hiring channel, its scorecard replies, escalations and the private-notes DM."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

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

from blocks import kit_text as kt
from blocks import limits
from blocks.ids import ActionId
from blocks.message import Message
from blocks.text import esc, mention, slack_date
from bot.digest import logic as dl
from bot.feedback.logic import RECOMMENDATION_LABELS, owes_feedback, scale
from models import CandidateLoop, Feedback, FeedbackStatus, Interview, InterviewStatus, PanelRole

COLUMNS_PER_BLOCK = 8
FENCE = "```"
LABELS = {str(k): v for k, v in RECOMMENDATION_LABELS.items()}


def _sections(text: str) -> list[Block]:
    return [SectionBlock(text=MarkdownTextObject(text=part)) for part in limits.split_text(text)]


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=limits.truncate(text, limits.CONTEXT_TEXT))])


def _type_name(interview: Interview) -> str:
    return str(interview.guidance.get("type_name") or "Interview")


def _candidate(cl: CandidateLoop) -> str:
    return esc(cl.candidate.name)


def _job(cl: CandidateLoop) -> str:
    return esc(str(cl.rubric.get("role") or cl.rubric.get("loop_name") or ""))


def _seat(interview: Interview, user: str) -> dl.Seat:
    role = next((s.role for s in interview.panel if s.user_id == user), PanelRole.INTERVIEWER)
    return dl.Seat(interview.id, user, role, _type_name(interview), interview.ends_at)


def facts_of(
    cl: CandidateLoop, feedback: Sequence[Feedback], now: datetime, sla: timedelta = dl.DEFAULT_SLA
) -> dl.DigestFacts:
    """The digest facts of a candidate loop; cancelled interviews and drafts do not count."""
    scheduled = {i.id: i for i in cl.interviews if i.status == InterviewStatus.SCHEDULED}
    expected = [
        _seat(i, s.user_id)
        for i in scheduled.values()
        for s in i.panel
        if owes_feedback(s.role, s.declined_at is not None)
    ]
    cards = [
        dl.Card(
            _seat(scheduled[fb.interview_id], fb.interviewer), fb.recommendation, fb.ratings, fb.submitted_at
        )
        for fb in feedback
        if fb.status == FeedbackStatus.SUBMITTED and fb.interview_id in scheduled
    ]
    return dl.summarize(cl.rubric, expected, cards, now, sla)


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
    key = " · ".join(f"`{esc(short)}` {esc(label)}" for short, label in facts.legend)
    blocks.append(_context(f"{key} · `{dl.NOT_RATED}` not rated in that interview"))
    return blocks


def scorecards_held(
    cl: CandidateLoop, feedback: Sequence[Feedback], now: datetime, sla: timedelta = dl.DEFAULT_SLA
) -> bool:
    """Whether the digest holds the scores back (feedback missing and not released)."""
    return dl.scorecards_held(facts_of(cl, feedback, now, sla), cl.scorecards_released_at is not None)


def digest_message(
    cl: CandidateLoop, feedback: list[Feedback], now: datetime, sla: timedelta = dl.DEFAULT_SLA
) -> Message:
    """The debrief: candidate, role, tally, category × interviewer matrix and flags (scorecards: thread).

    While owed feedback is missing it says only who is missing, and offers to release the scores.
    """
    facts = facts_of(cl, feedback, now, sla)
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
    notes = "Each scorecard is in the thread. Private notes go to the hiring manager only."
    if facts.observers:
        who = ", ".join(mention(c.seat.user) for c in facts.observers)
        notes += f" Observer feedback (not counted): {who}."
    blocks.append(_context(notes))
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


def _kit_order(kit: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """The kit's questions as the prep numbers them, backups last (stored notes and signals are sorted)."""
    return sorted(kt.numbered(kit), key=lambda nq: bool(nq[1].get("is_backup")))


def _signal_lines(kit: dict[str, Any], ticked: list[str]) -> list[str]:
    texts = {}  # in kit order: question by question, great then negative, as the form lists them
    for _, q in _kit_order(kit):
        for kind, key in (("great", "great_signals"), ("negative", "negative_signals")):
            for n, text in enumerate(q.get(key) or []):
                texts[f"{kind}:{q.get('slug')}:{n}"] = (kind, str(text))
    chosen = set(ticked)
    return [
        f"{':white_check_mark:' if kind == 'great' else ':x:'} {esc(text)}"
        for sid, (kind, text) in texts.items()
        if sid in chosen and text
    ]


def _note_lines(kit: dict[str, Any], notes: dict[str, str]) -> list[str]:
    order = _kit_order(kit)
    known = {str(q.get("slug")) for _, q in order}
    # notes on questions the kit no longer has keep their stored order, after the kit's
    slugs = [(n, q) for n, q in order if str(q.get("slug")) in notes]
    slugs += [(0, {"prompt": slug, "slug": slug}) for slug in notes if slug not in known]
    lines = []
    for n, q in slugs:
        note = notes[str(q.get("slug"))]
        if not str(note).strip():
            continue
        title = f"Q{n}" if n else "Backup" if q.get("is_backup") else "Question"
        prompt = limits.truncate(esc(str(q.get("prompt") or "")), 200)
        lines.append(f"*{title}: {prompt}*\n{esc(str(note))}")
    return lines


def _pairs(fb: Feedback, order: list[str]) -> list[tuple[str, str]]:
    return [(k, str(fb.ratings[k])) for k in order]


def scorecard_reply(
    cl: CandidateLoop, interview: Interview, fb: Feedback, sla: timedelta = dl.DEFAULT_SLA
) -> Message:
    """One panelist's scorecard, for the digest's thread (the private note is never included)."""
    seat = next((s for s in interview.panel if s.user_id == fb.interviewer), None)
    role = seat.role if seat else PanelRole.INTERVIEWER
    kit = seat.kit if seat else {}
    rec = LABELS.get(fb.recommendation or "", "none")
    head = [
        f"*Scorecard: {mention(fb.interviewer)}* · {esc(_type_name(interview))} "
        f"({kt.role_name(role).lower()}) · {slack_date(interview.starts_at, '{date_short_pretty}')}",
        f"*Recommendation:* {rec}",
    ]
    card = dl.Card(_seat(interview, fb.interviewer), fb.recommendation, fb.ratings, fb.submitted_at)
    over = dl.lateness(card, sla)
    if over is not None:
        head.append(f":snail: Submitted {dl.hours(over)} past the feedback deadline.")
    if fb.version > 1:
        head.append(f"_Edited after submission (version {fb.version})._")
    if role == PanelRole.SHADOW:
        head.append("_Observer feedback: shown for context, not counted in the tally._")
    labels = dict(scale(cl.rubric))
    names = dict(dl.categories(cl.rubric))
    order = [k for k in names if k in fb.ratings] + [k for k in fb.ratings if k not in names]
    parts = ["\n".join(head)]
    if order:
        rows = [
            f"• {esc(names.get(k, k))}: *{esc(labels.get(str(v), str(v)))}*" for k, v in _pairs(fb, order)
        ]
        parts.append("*Ratings*\n" + "\n".join(rows))
    signals = _signal_lines(kit, list(fb.signals))
    if signals:
        parts.append("*Signals*\n" + "\n".join(signals))
    parts += _note_lines(kit, dict(fb.question_notes))
    if fb.summary.strip():
        parts.append(f"*Summary*\n{esc(fb.summary)}")
    blocks = [b for part in parts for b in _sections(part)]
    if len(blocks) > limits.MESSAGE_BLOCKS:
        blocks = blocks[: limits.MESSAGE_BLOCKS - 1] + [_context("_Shortened: the rest is in loopbot._")]
    text = f"Scorecard on {_candidate(cl)} from {mention(fb.interviewer)}: {rec}"
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
