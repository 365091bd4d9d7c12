"""Slack limits that slack_sdk does not check, in one place (see docs/architecture.md#block-kit-limits).

Builders use the helpers to stay inside the limits (split text, pack blocks into messages, chunk
option lists); `check_message` / `check_view` are the last line: they raise before Slack would.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
VIEW_BYTES = 250_000
SECTION_TEXT = 3000
SECTION_FIELD = 2000
CONTEXT_TEXT = 3000
HEADER_TEXT = 150
OPTION_TEXT = 75
OPTION_DESCRIPTION = 75
CHOICE_OPTIONS = 10  # checkboxes and radio_buttons
INPUT_MAX_LENGTH = 3000
UPDATE_TEXT = 4000
FALLBACK_TEXT = 3000  # our own cap on a message's notification text; Slack truncates at 40k
# Slack refuses a message whose blocks carry too much text in all (`msg_blocks_too_long`). The cap is
# not documented: bolt-js issue #2509 hit it at ~13,300 characters of markdown (a maintainer: "12,000
# text characters with a buffer for block containers"), and #2867 was refused at 11,341 characters of
# section and rich_text text. So: text in UTF-16 code units (how JavaScript, and so likely Slack,
# counts: an emoji is two), plus an allowance per block, kept under 10,000.
MESSAGE_TEXT = 10_000
BLOCK_OVERHEAD = 40  # text units charged per block for its container
# Not a Slack limit: keeps each prep message short enough to read on a phone before the next part.
MESSAGE_CHARS = 12_000

T = TypeVar("T")
# Never cut inside an entity (&amp;) or a token (<@U123>, <!date^...|...>, <url|title>).
_ATOM = re.compile(r"&[a-z]+;|<[^<>\n]*>")


class LimitError(ValueError):
    """A payload would be refused by Slack."""


def _safe_cut(text: str, limit: int) -> int:
    """The largest cut point <= limit that does not split an entity or a token."""
    for match in _ATOM.finditer(text, 0, limit + 200):
        if match.start() < limit < match.end():
            return match.start()
    return limit


def split_text(text: str, limit: int = SECTION_TEXT) -> list[str]:
    """Split text into pieces of at most `limit` chars, at line breaks, then spaces, never inside a token."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit + 1)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut = limit
        cut = _safe_cut(rest, cut) or limit
        pieces.append(rest[:cut].rstrip("\n"))
        rest = rest[cut:].lstrip("\n") if rest[cut : cut + 1] == "\n" else rest[cut:]
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def truncate(text: str, limit: int) -> str:
    """Shorten to `limit` chars with an ellipsis, for labels where a full copy exists elsewhere."""
    if len(text) <= limit:
        return text
    cut = _safe_cut(text, limit - 1)
    return text[:cut].rstrip() + "…"


def split_label(text: str, first: int = OPTION_TEXT, second: int = OPTION_DESCRIPTION) -> tuple[str, str]:
    """An option label and its description: the text split at a word boundary across the two."""
    if len(text) <= first:
        return text, ""
    cut = text.rfind(" ", 0, first)
    cut = _safe_cut(text, cut if cut > first // 2 else first)
    return text[:cut].rstrip(), truncate(text[cut:].strip(), second)


def chunks(items: Sequence[T], size: int = CHOICE_OPTIONS) -> list[list[T]]:
    """Consecutive groups of at most `size` items (checkbox and radio options)."""
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def input_max_length(wanted: int = INPUT_MAX_LENGTH) -> int:
    """A plain_text_input max_length Slack accepts."""
    return max(1, min(wanted, INPUT_MAX_LENGTH))


def block_chars(block: Block) -> int:
    """Characters of text a block carries (for the soft per-message budget)."""
    return len(json.dumps(block.to_dict(), ensure_ascii=False))


def utf16_units(text: str) -> int:
    """The length of `text` in UTF-16 code units (an emoji or other astral character counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def text_units(block: Block | dict[str, Any]) -> int:
    """What a block costs against MESSAGE_TEXT: every `text` string in it, plus BLOCK_OVERHEAD."""
    data = block.to_dict() if isinstance(block, Block) else block
    return BLOCK_OVERHEAD + sum(
        utf16_units(node["text"]) for node in _walk(data) if isinstance(node.get("text"), str)
    )


def split_blocks(blocks: Sequence[Block], max_blocks: int = MESSAGE_BLOCKS) -> list[list[Block]]:
    """Consecutive runs of blocks that each fit one message (block count and MESSAGE_TEXT).

    A single block over the budget on its own cannot be posted by any split: LimitError.
    """
    runs: list[list[Block]] = [[]]
    used = 0
    for block in blocks:
        cost = text_units(block)
        if cost > MESSAGE_TEXT:
            raise LimitError(f"one block carries {cost} text units (max {MESSAGE_TEXT} per message)")
        if runs[-1] and (len(runs[-1]) >= max_blocks or used + cost > MESSAGE_TEXT):
            runs.append([])
            used = 0
        runs[-1].append(block)
        used += cost
    return runs


def pack(
    groups: Iterable[list[Block]], max_blocks: int = MESSAGE_BLOCKS, max_chars: int = MESSAGE_CHARS
) -> list[list[Block]]:
    """Pack groups of blocks into messages, never splitting a group unless it alone is too big."""
    messages: list[list[Block]] = []
    current: list[Block] = []
    size = 0
    for group in groups:
        for part in _fit_group(group, max_blocks):
            chars = sum(block_chars(b) for b in part)
            if current and (len(current) + len(part) > max_blocks or size + chars > max_chars):
                messages.append(current)
                current, size = [], 0
            current.extend(part)
            size += chars
    if current:
        messages.append(current)
    return messages


def _fit_group(group: list[Block], max_blocks: int) -> Iterator[list[Block]]:
    for i in range(0, len(group), max_blocks):
        yield group[i : i + max_blocks]


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def check_blocks(blocks: Sequence[Block | dict[str, Any]]) -> None:
    """Raise LimitError for anything in the blocks that slack_sdk lets through and Slack refuses."""
    dicts = [b.to_dict() if isinstance(b, Block) else b for b in blocks]
    for node in _walk(dicts):
        kind = node.get("type")
        if kind == "section":
            if len(node.get("text", {}).get("text", "")) > SECTION_TEXT:
                raise LimitError(f"section text over {SECTION_TEXT} chars")
            for f in node.get("fields", []):
                if len(f.get("text", "")) > SECTION_FIELD:
                    raise LimitError(f"section field over {SECTION_FIELD} chars")
        elif kind in ("checkboxes", "radio_buttons") and len(node.get("options", [])) > CHOICE_OPTIONS:
            raise LimitError(f"{kind} with more than {CHOICE_OPTIONS} options")
        elif kind == "plain_text_input" and int(node.get("max_length") or 0) > INPUT_MAX_LENGTH:
            raise LimitError(f"plain_text_input max_length over {INPUT_MAX_LENGTH}")
        elif kind == "context":
            for el in node.get("elements", []):
                if len(el.get("text", "")) > CONTEXT_TEXT:
                    raise LimitError(f"context text over {CONTEXT_TEXT} chars")
        desc = node.get("description")
        if isinstance(desc, dict) and len(desc.get("text", "")) > OPTION_DESCRIPTION:
            raise LimitError(f"option description over {OPTION_DESCRIPTION} chars")


def check_message(blocks: Sequence[Block | dict[str, Any]], text: str = "") -> None:
    """Raise LimitError when a message would be refused (too many blocks, over-long parts)."""
    if len(blocks) > MESSAGE_BLOCKS:
        raise LimitError(f"{len(blocks)} blocks in a message (max {MESSAGE_BLOCKS})")
    if len(text) > FALLBACK_TEXT:
        raise LimitError(f"fallback text over {FALLBACK_TEXT} chars")
    check_blocks(blocks)


def check_post(blocks: Sequence[Block | dict[str, Any]], text: str = "") -> None:
    """check_message, and the total text Slack allows in one posted message (MESSAGE_TEXT)."""
    check_message(blocks, text)
    total = sum(text_units(b) for b in blocks)
    if total > MESSAGE_TEXT:
        raise LimitError(f"{total} text units in one message (max {MESSAGE_TEXT})")


def check_view_size(data: dict[str, Any]) -> None:
    """Raise LimitError when a serialised view has no blocks, more than 100, or is over 250 kB."""
    count = len(data.get("blocks") or [])
    if not 0 < count <= VIEW_BLOCKS:
        raise LimitError(f"{count} blocks in a view (1 to {VIEW_BLOCKS})")
    if len(json.dumps(data, ensure_ascii=False).encode()) > VIEW_BYTES:
        raise LimitError(f"view over {VIEW_BYTES} bytes")


def check_view(view: View) -> dict[str, Any]:
    """Raise LimitError when a modal or home view would be refused (size, options, inputs); else its dict."""
    data = view.to_dict()  # slack_sdk checks the 100 blocks, title and private_metadata here
    if len(json.dumps(data, ensure_ascii=False).encode()) > VIEW_BYTES:
        raise LimitError(f"view over {VIEW_BYTES} bytes")
    check_blocks(data.get("blocks", []))
    return data


class CheckedView(View):
    """A view serialised and checked once: `to_dict()` hands back that dict instead of validating again.

    slack_sdk validates every object on each `to_dict()`, and `client.views_open(view=...)` calls it
    once more; for a big modal that is most of the CPU of opening it. `blocks` are dicts made by
    slack_sdk's own `to_dict()` (they may be shared with a cache: read them, never change them).
    """

    def __init__(self, blocks: Sequence[dict[str, Any]], **frame: Any) -> None:
        self._data: dict[str, Any] = {}
        super().__init__(**frame)
        self.blocks = None  # type: ignore[assignment]  # they live, serialised, in _data
        data = super().to_dict()  # slack_sdk checks title, submit, close, callback_id, private_metadata
        data["blocks"] = list(blocks)
        self._data = dict(sorted(data.items()))  # the key order slack_sdk itself gives
        check_view_size(self._data)

    def to_dict(self, *_args: Any) -> dict[str, Any]:
        return {**self._data, "blocks": list(self._data["blocks"])}

    def __str__(self) -> str:
        return str(self._data)
