"""Long posts become several: each part of a rendered delivery fits Slack's per-message text cap.

Builders keep to the block count and per-field limits; what they cannot see is the total text of a
message (blocks.limits.MESSAGE_TEXT), which a scorecard with three long notes or a prep part with a
big kit can pass. Such a part is split into consecutive posts named `<name>`, `<name>.1`, … so a
retry finds each one again by its metadata, and the followers say they continue the first.
"""

from __future__ import annotations

from dataclasses import replace

from blocks import limits
from blocks.message import Message
from bot.delivery.rendered import Part, Rendered

CONTINUED = " (continued)"


def _split(part: Part) -> list[Part]:
    runs = limits.split_blocks(part.message.blocks)
    if len(runs) == 1:
        return [part]
    head = part.message
    followers = [
        Part(
            f"{part.name}.{n}",
            Message(
                text=limits.truncate(head.text, limits.FALLBACK_TEXT - len(CONTINUED)) + CONTINUED, blocks=run
            ),
            part.in_thread,
        )
        for n, run in enumerate(runs[1:], start=1)
    ]
    return [Part(part.name, replace(head, blocks=runs[0]), part.in_thread), *followers]


def fit(rendered: Rendered) -> Rendered:
    """The same delivery with every over-long part split; LimitError if one block alone is too long."""
    parts = [piece for part in rendered.parts for piece in _split(part)]
    if len(parts) == len(rendered.parts):
        return rendered
    return replace(rendered, parts=parts)
