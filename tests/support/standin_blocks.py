"""The stand-in tests' token and minimal Block Kit payloads."""

from __future__ import annotations

TOKEN = "xoxb-standin-test"


def section(text: str, block_id: str | None = None) -> dict[str, object]:
    block: dict[str, object] = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    if block_id:
        block["block_id"] = block_id
    return block


def modal(blocks: list[dict[str, object]], title: str = "Feedback") -> dict[str, object]:
    return {"type": "modal", "title": {"type": "plain_text", "text": title}, "blocks": blocks}
