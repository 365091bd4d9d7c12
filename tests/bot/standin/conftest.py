"""A started stand-in per test, and a slack_sdk client without retry handlers (so faults show as they are)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from bot.standin import StandIn
from tests.support.standin_blocks import TOKEN


@pytest.fixture
def standin() -> Iterator[StandIn]:
    with StandIn(tokens=[TOKEN, "xoxb-standin"], trigger_ttl=0.5) as server:
        yield server


@pytest.fixture
def client(standin: StandIn) -> WebClient:
    return WebClient(token=TOKEN, base_url=standin.url, retry_handlers=[], timeout=5)
