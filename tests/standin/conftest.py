"""A started stand-in per test, and a slack_sdk client without retry handlers (so faults show as they are)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from bot.standin import StandIn

TOKEN = "xoxb-standin-test"


@pytest.fixture
def standin() -> Iterator[StandIn]:
    with StandIn(tokens=[TOKEN, "xoxb-standin"], trigger_ttl=0.5) as server:
        yield server


@pytest.fixture
def client(standin: StandIn) -> WebClient:
    return WebClient(token=TOKEN, base_url=standin.url, retry_handlers=[], timeout=5)


def section(text: str, block_id: str | None = None) -> dict[str, object]:
    block: dict[str, object] = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    if block_id:
        block["block_id"] = block_id
    return block


def modal(blocks: list[dict[str, object]], title: str = "Feedback") -> dict[str, object]:
    return {"type": "modal", "title": {"type": "plain_text", "text": title}, "blocks": blocks}
