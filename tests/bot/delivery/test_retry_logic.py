"""Classification of Slack failures and the backoff schedule."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from bot.delivery.retry_logic import Outcome, backoff, classify, key_hash


@pytest.mark.parametrize(
    ("status", "error", "outcome"),
    [
        (429, None, Outcome.RATE_LIMITED),
        (500, None, Outcome.UNKNOWN),
        (503, None, Outcome.UNKNOWN),
        (None, "ConnectionResetError()", Outcome.UNKNOWN),
        (200, "user_not_found", Outcome.PERMANENT),
        (200, "account_inactive", Outcome.PERMANENT),
        (200, "channel_not_found", Outcome.PERMANENT),
        (200, "is_archived", Outcome.PERMANENT),
        (200, "internal_error", Outcome.RETRY),
    ],
)
def test_classify(status: int | None, error: str | None, outcome: Outcome) -> None:
    assert classify(status, error).outcome == outcome


def test_retry_after_is_read() -> None:
    assert classify(429, None, "7").retry_after == 7.0
    assert classify(429, None, None).retry_after == 1.0


def test_backoff_grows_with_jitter_and_is_capped() -> None:
    base, cap = timedelta(seconds=10), timedelta(seconds=300)
    rng = random.Random(1)
    delays = [backoff(n, base, cap, rng).total_seconds() for n in range(1, 10)]
    for n, delay in enumerate(delays, start=1):
        full = min(300, 10 * 2 ** (n - 1))
        assert full / 2 <= delay <= full
    assert delays[-1] <= 300


def test_key_hash_differs_per_part_and_key() -> None:
    assert key_hash("k", "0") != key_hash("k", "1") != key_hash("j", "0")
    assert len(key_hash("k", "0")) == 32
