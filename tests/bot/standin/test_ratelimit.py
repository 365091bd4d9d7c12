"""Slack-like rate limits: token buckets per channel, per workspace and per method tier."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.standin import RateLimits, StandIn
from bot.standin.ratelimit import Limiter
from tests.support.standin_blocks import TOKEN


class Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_channel_bucket_allows_a_burst_then_one_per_second() -> None:
    ticks = Ticks()
    limiter = Limiter(RateLimits(post_channel_per_second=1.0, post_channel_burst=3), ticks)
    assert [limiter.check("chat.postMessage", "C1") for _ in range(3)] == [None, None, None]
    assert limiter.check("chat.postMessage", "C1") == 1
    ticks.now += 0.5
    assert limiter.check("chat.postMessage", "C1") == 1  # half a token: still wait (rounded up)
    ticks.now += 0.5
    assert limiter.check("chat.postMessage", "C1") is None
    assert limiter.check("chat.postMessage", "C2") is None  # another channel has its own bucket


def test_workspace_cap_spans_channels_and_a_blocked_channel_costs_it_nothing() -> None:
    ticks = Ticks()
    limits = RateLimits(post_workspace_per_second=2.0, post_workspace_burst=2, post_channel_per_second=1.0,
                        post_channel_burst=1)  # fmt: skip
    limiter = Limiter(limits, ticks)
    assert limiter.check("chat.postMessage", "C1") is None
    assert limiter.check("chat.postMessage", "C1") == 1  # the channel is empty ...
    assert limiter.check("chat.postMessage", "C2") is None  # ... so the workspace token was not spent
    assert limiter.check("chat.postMessage", "C3") == 1  # now the workspace is empty
    ticks.now += 0.5
    assert limiter.check("chat.postMessage", "C3") is None


def test_retry_after_covers_a_slow_refill() -> None:
    ticks = Ticks()
    limiter = Limiter(RateLimits(post_channel_per_second=0.2, post_channel_burst=1), ticks)
    limiter.check("chat.postMessage", "C1")
    assert limiter.check("chat.postMessage", "C1") == 5


def test_method_tiers_per_minute() -> None:
    ticks = Ticks()
    limiter = Limiter(RateLimits(tiers=True), ticks)
    assert all(limiter.check("conversations.open") is None for _ in range(50))  # tier 3: 50 a minute
    assert limiter.check("conversations.open") == 2  # one more token in 1.2 s
    assert all(limiter.check("users.info") is None for _ in range(100))  # tier 4: its own bucket
    assert limiter.check("users.info") is not None
    assert Limiter(RateLimits(), ticks).check("users.info") is None  # tiers are off by default


def test_limits_over_http_answer_429_and_post_nothing() -> None:
    limits = RateLimits(post_channel_per_second=1.0, post_channel_burst=2)
    with StandIn(tokens=[TOKEN], rate_limits=limits) as standin:
        client = WebClient(token=TOKEN, base_url=standin.url, retry_handlers=[])
        client.chat_postMessage(channel="U0ENGLEAD", text="1")
        client.chat_postMessage(channel="D0ENGLEAD", text="2")  # the same DM, by its id
        with pytest.raises(SlackApiError) as info:
            client.chat_postMessage(channel="U0ENGLEAD", text="3")
        assert info.value.response.status_code == 429
        assert info.value.response["error"] == "ratelimited"
        assert int(info.value.response.headers["Retry-After"]) >= 1
        assert client.chat_postMessage(channel="U0ENGPAIR", text="other DM")["ok"]
        assert [m["text"] for m in standin.messages("U0ENGLEAD")] == ["1", "2"]
        assert standin.rate_limited("chat.postMessage") == 1


def test_slack_like_preset() -> None:
    limits = RateLimits.slack_like()
    assert limits.tiers
    assert limits.post_channel_per_second == 1.0
    assert limits.post_workspace_per_second
    assert limits.post_workspace_per_second > 1
