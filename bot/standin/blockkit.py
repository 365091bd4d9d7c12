"""Block Kit checks the way Slack applies them server-side (independent of loopbot's own `blocks/limits.py`).

Each check returns Slack-style problem strings ("must be less than 3001 characters
[json-pointer:/blocks/3/text/text]"); an empty list means Slack would accept the payload.
"""

from __future__ import annotations

import json
from typing import Any

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
VIEW_BYTES = 250_000
SECTION_TEXT = 3000
SECTION_FIELDS = 10
SECTION_FIELD = 2000
HEADER_TEXT = 150
CONTEXT_ELEMENTS = 10
CONTEXT_TEXT = 3000
ACTIONS_ELEMENTS = 25
CHOICE_OPTIONS = 10  # checkboxes, radio_buttons
SELECT_OPTIONS = 100
OPTION_TEXT = 75
OPTION_VALUE = 150
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
ID_LENGTH = 255
LABEL_TEXT = 2000
INPUT_MAX_LENGTH = 3000
# The text of all of a message's blocks together, in UTF-16 code units: over it Slack answers
# msg_blocks_too_long. Undocumented; bolt-js issues #2509 ("12,000 text characters with a buffer for
# block containers", said by a maintainer) and #2867 (refused at 11,341). The stand-in takes 12,000.
MESSAGE_TEXT_UNITS = 12_000
MODAL_TITLE = 24
PRIVATE_METADATA = 3000

BLOCK_TYPES = {
    "section", "divider", "image", "actions", "context", "input", "header", "rich_text", "video",
    "file", "markdown",
}  # fmt: skip


def _too_long(value: Any, limit: int, where: str) -> list[str]:
    if isinstance(value, str) and len(value) > limit:
        return [f"must be less than {limit + 1} characters [json-pointer:{where}]"]
    return []


def _text(obj: Any, limit: int, where: str, plain_only: bool = False) -> list[str]:
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        return [f"must provide an object with a text string [json-pointer:{where}]"]
    if obj.get("type") not in (("plain_text",) if plain_only else ("plain_text", "mrkdwn")):
        return [f"must be a valid text object type [json-pointer:{where}/type]"]
    if not obj["text"]:
        return [f"must be more than 0 characters [json-pointer:{where}/text]"]
    return _too_long(obj["text"], limit, f"{where}/text")


def _options(options: Any, limit: int, where: str) -> list[str]:
    if not isinstance(options, list) or not options:
        return [f"must provide at least 1 option [json-pointer:{where}]"]
    problems = [f"must be less than {limit + 1} items [json-pointer:{where}]"] if len(options) > limit else []
    for i, opt in enumerate(options):
        text = opt.get("text") if isinstance(opt, dict) else None
        problems += _text(text, OPTION_TEXT, f"{where}/{i}/text")
        if isinstance(opt, dict):
            problems += _too_long(opt.get("value"), OPTION_VALUE, f"{where}/{i}/value")
    return problems


def element(el: Any, where: str) -> list[str]:
    """Problems with one interactive element (button, select, checkboxes, input...)."""
    if not isinstance(el, dict) or not isinstance(el.get("type"), str):
        return [f"must provide an element type [json-pointer:{where}]"]
    kind = el["type"]
    problems = _too_long(el.get("action_id"), ID_LENGTH, f"{where}/action_id")
    if kind in ("checkboxes", "radio_buttons"):
        problems += _options(el.get("options"), CHOICE_OPTIONS, f"{where}/options")
    elif kind in ("static_select", "multi_static_select") and "option_groups" not in el:
        problems += _options(el.get("options"), SELECT_OPTIONS, f"{where}/options")
    elif kind == "button":
        problems += _text(el.get("text"), BUTTON_TEXT, f"{where}/text", plain_only=True)
        problems += _too_long(el.get("value"), BUTTON_VALUE, f"{where}/value")
    elif kind == "plain_text_input":
        max_length = el.get("max_length")
        if isinstance(max_length, int) and max_length > INPUT_MAX_LENGTH:
            problems.append(f"must be less than {INPUT_MAX_LENGTH + 1} [json-pointer:{where}/max_length]")
    return problems


def _section(block: dict[str, Any], where: str) -> list[str]:
    problems: list[str] = []
    if "text" not in block and "fields" not in block:
        problems.append(f"must provide either text or fields [json-pointer:{where}]")
    if "text" in block:
        problems += _text(block["text"], SECTION_TEXT, f"{where}/text")
    fields = block.get("fields")
    if fields is not None:
        if not isinstance(fields, list) or len(fields) > SECTION_FIELDS:
            problems.append(f"must be less than {SECTION_FIELDS + 1} items [json-pointer:{where}/fields]")
        else:
            for i, f in enumerate(fields):
                problems += _text(f, SECTION_FIELD, f"{where}/fields/{i}")
    if "accessory" in block:
        problems += element(block["accessory"], f"{where}/accessory")
    return problems


def _elements(block: dict[str, Any], kind: str, where: str) -> list[str]:
    """A context or actions block's elements: how many, and each one's contents."""
    limit = CONTEXT_ELEMENTS if kind == "context" else ACTIONS_ELEMENTS
    elements = block.get("elements")
    if not isinstance(elements, list) or not elements or len(elements) > limit:
        return [f"must have 1 to {limit} items [json-pointer:{where}/elements]"]
    problems: list[str] = []
    for i, el in enumerate(elements):
        if kind == "actions":
            problems += element(el, f"{where}/elements/{i}")
        elif isinstance(el, dict) and el.get("type") in ("mrkdwn", "plain_text"):
            problems += _text(el, CONTEXT_TEXT, f"{where}/elements/{i}")
    return problems


def _block(block: Any, where: str) -> list[str]:
    if not isinstance(block, dict) or block.get("type") not in BLOCK_TYPES:
        return [f"must provide a valid block type [json-pointer:{where}/type]"]
    kind = block["type"]
    problems = _too_long(block.get("block_id"), ID_LENGTH, f"{where}/block_id")
    if kind == "section":
        problems += _section(block, where)
    elif kind == "header":
        problems += _text(block.get("text"), HEADER_TEXT, f"{where}/text", plain_only=True)
    elif kind in ("context", "actions"):
        problems += _elements(block, kind, where)
    elif kind == "input":
        problems += _text(block.get("label"), LABEL_TEXT, f"{where}/label", plain_only=True)
        if "hint" in block:
            problems += _text(block["hint"], LABEL_TEXT, f"{where}/hint", plain_only=True)
        problems += element(block.get("element"), f"{where}/element")
    return problems


def blocks(value: Any, limit: int, where: str = "/blocks") -> list[str]:
    """Problems with a list of blocks (count, duplicate block_ids, each block's contents)."""
    if not isinstance(value, list):
        return [f"must be an array [json-pointer:{where}]"]
    problems = [f"must be less than {limit + 1} items [json-pointer:{where}]"] if len(value) > limit else []
    seen: set[str] = set()
    for i, block in enumerate(value):
        problems += _block(block, f"{where}/{i}")
        block_id = block.get("block_id") if isinstance(block, dict) else None
        if isinstance(block_id, str):
            if block_id in seen:
                problems.append(f"duplicate block_id {block_id!r} [json-pointer:{where}/{i}/block_id]")
            seen.add(block_id)
    return problems


def view_bytes(view: Any) -> int:
    """The size Slack measures a view by: its compact JSON encoding."""
    return len(json.dumps(view, separators=(",", ":"), ensure_ascii=False).encode())


def view(value: Any, kind: str) -> list[str]:
    """Problems with a modal or home view (size is checked separately: it has its own error code)."""
    if not isinstance(value, dict) or value.get("type") != kind:
        return [f"must be a {kind} view [json-pointer:/view/type]"]
    problems = blocks(value.get("blocks"), VIEW_BLOCKS, "/view/blocks")
    problems += _too_long(value.get("private_metadata"), PRIVATE_METADATA, "/view/private_metadata")
    problems += _too_long(value.get("callback_id"), ID_LENGTH, "/view/callback_id")
    if kind == "modal":
        problems += _text(value.get("title"), MODAL_TITLE, "/view/title", plain_only=True)
        for key in ("submit", "close"):
            if key in value:
                problems += _text(value[key], MODAL_TITLE, f"/view/{key}", plain_only=True)
        has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in value.get("blocks") or [])
        if has_input and "submit" not in value:
            problems.append("must provide submit when the view has input blocks [json-pointer:/view/submit]")
    return problems


def text_units(value: Any) -> int:
    """Every `text` string under `value`, in UTF-16 code units (how Slack's JavaScript counts)."""
    if isinstance(value, dict):
        own = value.get("text")
        units = len(own.encode("utf-16-le")) // 2 if isinstance(own, str) else 0
        return units + sum(text_units(v) for k, v in value.items() if k != "text" or not isinstance(v, str))
    if isinstance(value, list):
        return sum(text_units(v) for v in value)
    return 0
