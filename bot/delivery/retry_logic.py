"""How a failed send is retried: classification of Slack errors and the backoff schedule (pure)."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

# Slack answers that retrying cannot fix: the row is marked failed with the reason.
PERMANENT_ERRORS = frozenset(
    {
        "user_not_found",
        "channel_not_found",
        "account_inactive",
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "not_in_channel",
        "is_archived",
        "cannot_dm_bot",
        "messages_tab_disabled",
        "missing_scope",
        "restricted_action",
        "invalid_blocks",
        "msg_blocks_too_long",  # the same content would be refused again (blocks.limits.MESSAGE_TEXT)
        "invalid_metadata_format",
        "msg_too_long",
        "no_text",
        "invalid_arguments",
    }
)

# A last_error starting with this means a post may have reached Slack: look before re-sending.
UNKNOWN = "unknown:"


class Outcome(StrEnum):
    RATE_LIMITED = "rate_limited"  # nothing was posted; wait Retry-After, not a failed attempt
    PERMANENT = "permanent"  # give up, record the reason
    RETRY = "retry"  # nothing was posted; back off and try again
    UNKNOWN = "unknown"  # the post may or may not have landed; back off, then look before re-sending


@dataclass(frozen=True)
class Classified:
    outcome: Outcome
    reason: str
    retry_after: float = 0.0


def classify(status: int | None, error: str | None, retry_after: str | None = None) -> Classified:
    """Classify a Slack response (HTTP status, `error` field) or, with status None, a transport failure."""
    if status is None:
        return Classified(Outcome.UNKNOWN, error or "connection failed")
    if status == 429:
        try:
            wait = max(float(retry_after or 1), 0.0)
        except ValueError:
            wait = 1.0
        return Classified(Outcome.RATE_LIMITED, "ratelimited", wait)
    if status >= 500:
        # A 5xx may come from a proxy after Slack accepted the post.
        return Classified(Outcome.UNKNOWN, f"http {status}")
    if error in PERMANENT_ERRORS:
        return Classified(Outcome.PERMANENT, error)
    if error == "ratelimited":
        return Classified(Outcome.RATE_LIMITED, error, float(retry_after or 1))
    return Classified(Outcome.RETRY, error or f"http {status}")


def backoff(attempts: int, base: timedelta, cap: timedelta, rng: random.Random | None = None) -> timedelta:
    """Exponential backoff with "equal jitter": between half and all of min(cap, base * 2^(attempts-1))."""
    exp = min(cap.total_seconds(), base.total_seconds() * 2 ** max(attempts - 1, 0))
    r = (rng or random).random()
    return timedelta(seconds=exp / 2 + r * exp / 2)


def key_hash(dedupe_key: str, part: str) -> str:
    """The hash put in a message's metadata so a post can be found again in history."""
    return hashlib.sha256(f"{dedupe_key}|{part}".encode()).hexdigest()[:32]
