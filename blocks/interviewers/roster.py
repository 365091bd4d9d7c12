"""`/loop interviewers`: the roster as one ephemeral message, per interview type, within Slack's limits.

A roster can be longer than one message holds (50 blocks, and about 12,000 characters of text in all:
blocks/limits.py), so rows are packed into sections and whatever does not fit is counted in an
"and N more" line that points to the command line, which shows everyone.
"""

from __future__ import annotations

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from blocks import limits
from blocks.message import Message
from blocks.text import esc, mention, slack_date
from bot.interviewers.table import Roster, RosterRow

NO_POOLS = (
    "No interviewer pools yet: add a `kind: interviewer_pool` file (see "
    "examples/content/README.md) and run `loopbot content import`."
)
RESERVE = 600  # text units kept for the header and the "and N more" line
STATE_NAMES = {
    "qualified": "qualified",
    "lead_only": "qualified (lead only)",
    "trainee": "trainee",
    "observer_only": "observer only",
}


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=text))


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=limits.truncate(text, limits.CONTEXT_TEXT))])


def row_line(row: RosterRow) -> str:
    """`• @Tia · trainee · shadow 1/2, reverse 1/1 · agreement 3 of 4 (75%) · 2 of 5 this week`."""
    state = STATE_NAMES.get(row.state, esc(row.state))
    if row.source == "override":
        state += " (override)"
    parts = [mention(row.user), state]
    if row.sessions() != "-":
        parts.append(row.sessions())
    if row.agreement() != "-":
        parts.append(f"agreement {row.agreement()}")
    load = f"{row.load} of {row.weekly_limit} this week"
    parts.append(f":warning: {load}" if row.over_limit else load)
    return "• " + " · ".join(parts)


def _cost(text: str) -> int:
    return limits.utf16_units(text) + limits.BLOCK_OVERHEAD


def roster_message(found: Roster, type_name: str = "") -> Message:
    """The roster (optionally of one type, named `type_name`) as an ephemeral reply."""
    title = "*Interviewers*" + (f" · {esc(type_name)}" if type_name else "")
    head = f"{title} · load for the week of {slack_date(found.week[0], '{date_short_pretty}')} (UTC weeks)"
    if not found.rows:
        text = NO_POOLS if not found.pools else f"{title}\n_Nobody is in a pool for this yet._"
        return Message(text="Interviewers", blocks=[_section(text)])
    sections: list[list[str]] = []
    used = _cost(head) + RESERVE
    last_type = None
    shown = 0
    for row in found.rows:
        line = row_line(row)
        new_type = row.type_slug != last_type
        if not new_type and len("\n".join([*sections[-1], line])) <= limits.SECTION_TEXT:
            extra = limits.utf16_units(line) + 1
            grow = False
        else:
            lines = [f"*{esc(row.type_name)}*", line] if new_type else [line]
            extra = _cost("\n".join(lines))
            grow = True
        if used + extra > limits.MESSAGE_TEXT or (grow and len(sections) + 2 >= limits.MESSAGE_BLOCKS):
            break
        if grow:
            sections.append(lines)
        else:
            sections[-1].append(line)
        used += extra
        shown += 1
        last_type = row.type_slug
    blocks: list[Block] = [_section(head), *(_section("\n".join(s)) for s in sections)]
    more = len(found.rows) - shown
    if more:
        blocks.append(_context(f"…and {more} more: `loopbot interviewers` lists everyone."))
    over = sorted({r.user for r in found.rows if r.over_limit})
    text = f"Interviewers: {len(found.rows)} across {len({r.type_slug for r in found.rows})} interview types"
    if over:
        text += f", {len(over)} over their weekly limit"
    limits.check_post(blocks, text)
    return Message(text=text, blocks=blocks)
