"""One panelist's scorecard as the digest reads it: its facts, and its reply in the digest's thread.

A scorecard rates the categories its interview assesses (bot/feedback/focus_logic.py); the reply
groups them by rubric, and lists the signals ticked: a question's, or the checklist of an interview
without questions.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from blocks import kit_text as kt
from blocks import limits
from blocks.message import Message
from blocks.text import esc, mention, slack_date
from bot.digest import logic as dl
from bot.feedback.focus_logic import Category, checklist, form_categories, pool, stage_position
from bot.feedback.logic import RECOMMENDATION_LABELS, question_signals, scale
from models import CandidateLoop, Feedback, Interview, PanelRole, PanelSeat

LABELS = {str(k): v for k, v in RECOMMENDATION_LABELS.items()}


def sections(text: str) -> list[Block]:
    return [SectionBlock(text=MarkdownTextObject(text=part)) for part in limits.split_text(text)]


def context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=limits.truncate(text, limits.CONTEXT_TEXT))])


def type_name(interview: Interview) -> str:
    return str(interview.guidance.get("type_name") or "Interview")


def candidate(cl: CandidateLoop) -> str:
    return esc(cl.candidate.name)


def seat_of(interview: Interview, user: str) -> PanelSeat | None:
    return next((s for s in interview.panel if s.user_id == user), None)


def seat_facts(interview: Interview, user: str) -> dl.Seat:
    """A panelist's seat as the digest counts it, with its place in the loop's stage order."""
    seat = seat_of(interview, user)
    stage = stage_position(interview.candidate_loop.rubric, interview.stage_key)
    role = seat.role if seat else PanelRole.INTERVIEWER
    position = seat.position if seat else 0
    return dl.Seat(interview.id, user, role, type_name(interview), interview.ends_at, stage, position)


def assessed(interview: Interview, seat: PanelSeat | None) -> list[Category]:
    """What this panelist's form rated: their questions' categories, or the interview's focus."""
    kit = seat.kit if seat else {}
    return form_categories(kit, interview.candidate_loop.rubric, interview.guidance, interview.stage_key)


def card_of(interview: Interview, fb: Feedback, trainee: bool = False) -> dl.Card:
    """The digest's view of a scorecard; `trainee`: its author sat as a trainee (a training scorecard)."""
    keys = frozenset(c.key for c in assessed(interview, seat_of(interview, fb.interviewer)))
    seat = seat_facts(interview, fb.interviewer)
    return dl.Card(seat, fb.recommendation, fb.ratings, fb.submitted_at, keys, trainee)


TRAINING_MARK = (
    ":mortar_board: *Training scorecard: not counted* in the tally or the ratings matrix. It is compared "
    "with the qualified interviewer's for {who}'s training ({role})."
)
OBSERVER_MARK = "_Observer feedback: shown for context, not counted in the tally._"


def training_mark(card: dl.Card) -> str:
    """The first line of a training scorecard (a reverse shadow's, or a trainee's shadow seat), or ""."""
    if not card.training:
        return ""
    role = "reverse shadow" if card.seat.role == PanelRole.REVERSE_SHADOW else "trainee shadow"
    return TRAINING_MARK.format(who=mention(card.seat.user), role=role)


def _kit_order(kit: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """The kit's questions as the prep numbers them, backups last (stored notes and signals are sorted)."""
    return sorted(kt.numbered(kit), key=lambda nq: bool(nq[1].get("is_backup")))


def _signal_lines(interview: Interview, seat: PanelSeat | None, ticked: list[str]) -> list[str]:
    kit = seat.kit if seat else {}
    texts: dict[str, tuple[str, str]] = {}  # in form order: question by question, great then negative
    for _, q in _kit_order(kit):
        texts.update({s.id: (s.kind, s.text) for s in question_signals(q)})
    texts.update(
        {s.id: (s.kind, s.text) for s in checklist(interview.guidance, assessed(interview, seat), kit)}
    )
    chosen = set(ticked)
    return [
        f"{':x:' if kind == 'negative' else ':white_check_mark:'} {esc(text)}"
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


def rating_parts(cl: CandidateLoop, interview: Interview, ratings: dict[str, str]) -> list[str]:
    """The ratings, one part per rubric (in scorecard order; keys no rubric knows come last)."""
    labels = dict(scale(cl.rubric))
    known = [c for c in pool(cl.rubric, interview.guidance) if c.key in ratings]
    known += [Category(k, k) for k in ratings if k not in {c.key for c in known}]
    groups: dict[str, list[str]] = {}
    for c in known:
        value = str(ratings[c.key])
        line = f"• {esc(c.name)}: *{esc(labels.get(value, value))}*"
        groups.setdefault(c.rubric_name or c.rubric, []).append(line)
    if len(groups) == 1:
        return ["*Ratings*\n" + "\n".join(next(iter(groups.values())))]
    return [f"*Ratings · {esc(name) or 'other'}*\n" + "\n".join(lines) for name, lines in groups.items()]


def scorecard_reply(
    cl: CandidateLoop,
    interview: Interview,
    fb: Feedback,
    sla: timedelta = dl.DEFAULT_SLA,
    trainee: bool = False,
) -> Message:
    """One panelist's scorecard, for the digest's thread (the private note is never included).

    `trainee`: the author sat in the shadow seat as a trainee, so it is marked as a training scorecard.
    """
    seat = seat_of(interview, fb.interviewer)
    role = seat.role if seat else PanelRole.INTERVIEWER
    rec = LABELS.get(fb.recommendation or "", "none")
    card = card_of(interview, fb, trainee)
    mark = training_mark(card)
    head = [mark] if mark else []
    head += [
        f"*Scorecard: {mention(fb.interviewer)}* · {esc(type_name(interview))} "
        f"({kt.role_name(role).lower()}) · {slack_date(interview.starts_at, '{date_short_pretty}')}",
        f"*Recommendation:* {rec}",
    ]
    over = dl.lateness(card, sla)
    if over is not None:
        head.append(f":snail: Submitted {dl.hours(over)} past the feedback deadline.")
    if fb.version > 1:
        head.append(f"_Edited after submission (version {fb.version})._")
    if card.observer:
        head.append(OBSERVER_MARK)
    parts = ["\n".join(head)]
    if fb.ratings:
        parts += rating_parts(cl, interview, dict(fb.ratings))
    signals = _signal_lines(interview, seat, list(fb.signals))
    if signals:
        parts.append("*Signals*\n" + "\n".join(signals))
    parts += _note_lines(seat.kit if seat else {}, dict(fb.question_notes))
    if fb.summary.strip():
        parts.append(f"*Summary*\n{esc(fb.summary)}")
    blocks = [b for part in parts for b in sections(part)]
    if len(blocks) > limits.MESSAGE_BLOCKS:
        blocks = blocks[: limits.MESSAGE_BLOCKS - 1] + [context("_Shortened: the rest is in loopbot._")]
    text = f"Scorecard on {candidate(cl)} from {mention(fb.interviewer)}: {rec}"
    limits.check_message(blocks, text)
    return Message(text=text, blocks=blocks)
