"""Slack-like rate limits: per-method tiers per minute, and chat.postMessage per channel and per workspace."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

# Calls per minute of each tier (api.slack.com/apis/rate-limits).
TIER_PER_MINUTE = {1: 1, 2: 20, 3: 50, 4: 100}
METHOD_TIERS = {
    "auth.test": 4,
    "chat.update": 3,
    "chat.postEphemeral": 4,
    "chat.getPermalink": 4,
    "conversations.open": 3,
    "conversations.history": 3,
    "conversations.replies": 3,
    "views.open": 4,
    "views.update": 4,
    "views.push": 4,
    "views.publish": 4,
    "users.info": 4,
    "users.lookupByEmail": 3,
}


class TokenBucket:
    """`rate` tokens per second, holding at most `burst`."""

    def __init__(self, rate: float, burst: float, now: float) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.at = burst, now

    def wait(self, now: float) -> float:
        """Seconds until a token is available (0 when one is)."""
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


@dataclass(frozen=True)
class RateLimits:
    """Which limits the stand-in enforces; all off by default."""

    tiers: bool = False
    post_workspace_per_second: float | None = None
    post_workspace_burst: int = 20
    post_channel_per_second: float | None = None
    post_channel_burst: int = 3

    @classmethod
    def slack_like(cls) -> RateLimits:
        """Tiers on; chat.postMessage about 1/s per channel (bursts of 3) and 10/s per workspace."""
        return cls(tiers=True, post_workspace_per_second=10.0, post_channel_per_second=1.0)


class Limiter:
    """Decides, thread-safely, whether a call is over a limit, and for how long."""

    def __init__(self, limits: RateLimits, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self._mono = monotonic
        self._lock = threading.Lock()
        self._buckets: dict[str, TokenBucket] = {}

    def _bucket(self, key: str, rate: float, burst: float, now: float) -> TokenBucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = TokenBucket(rate, burst, now)
        return bucket

    def _buckets_for(self, method: str, channel: str | None, now: float) -> list[TokenBucket]:
        lim = self.limits
        found: list[TokenBucket] = []
        if method == "chat.postMessage":
            if lim.post_workspace_per_second:
                rate = lim.post_workspace_per_second
                found.append(self._bucket("post:workspace", rate, lim.post_workspace_burst, now))
            if lim.post_channel_per_second and channel:
                rate = lim.post_channel_per_second
                found.append(self._bucket(f"post:{channel}", rate, lim.post_channel_burst, now))
        elif lim.tiers and method in METHOD_TIERS:
            per_minute = TIER_PER_MINUTE[METHOD_TIERS[method]]
            found.append(self._bucket(f"tier:{method}", per_minute / 60, per_minute, now))
        return found

    def check(self, method: str, channel: str | None = None) -> int | None:
        """None when the call may proceed (its tokens are taken), else the Retry-After in whole seconds."""
        with self._lock:
            now = self._mono()
            buckets = self._buckets_for(method, channel, now)
            wait = max((b.wait(now) for b in buckets), default=0.0)
            if wait > 0:
                return max(1, math.ceil(wait))
            for bucket in buckets:
                bucket.take()
            return None
