"""The stand-in refuses what Slack refuses: a message whose blocks carry too much text in all.

Slack documents no number for `msg_blocks_too_long`; bolt-js issue #2509 (a maintainer: "12,000 text
characters with a buffer for block containers") and #2867 (refused at 11,341) are the evidence.
"""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.standin import blockkit


def sections(n: int, chars: int, char: str = "a") -> list[dict[str, object]]:
    return [{"type": "section", "text": {"type": "mrkdwn", "text": char * chars}} for _ in range(n)]


@pytest.mark.parametrize("method", ["chat_postMessage", "chat_postEphemeral"])
def test_over_12000_units_of_block_text_is_msg_blocks_too_long(client: WebClient, method: str) -> None:
    extra = {"user": "U0ENGLEAD"} if method == "chat_postEphemeral" else {}
    ok = getattr(client, method)(channel="C0HIRING", text="t", blocks=sections(4, 3000), **extra)
    assert ok["ok"]
    with pytest.raises(SlackApiError) as refused:
        getattr(client, method)(channel="C0HIRING", text="t", blocks=sections(5, 2401), **extra)
    assert refused.value.response["error"] == "msg_blocks_too_long"


def test_astral_characters_count_twice(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel="C0HIRING", text="t", blocks=sections(5, 1201, "😀"))
    assert refused.value.response["error"] == "msg_blocks_too_long"
    assert blockkit.text_units(sections(1, 3, "😀")) == 6


def test_an_update_is_held_to_the_same_cap(client: WebClient) -> None:
    posted = client.chat_postMessage(channel="C0HIRING", text="t", blocks=sections(1, 10))
    with pytest.raises(SlackApiError) as refused:
        client.chat_update(channel="C0HIRING", ts=posted["ts"], text="t", blocks=sections(5, 2401))
    assert refused.value.response["error"] == "msg_blocks_too_long"
