"""The background home refresher: coalescing per user, pacing, 429 pauses, failures and shutdown."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse
from sqlalchemy.orm import Session, sessionmaker

from bot.delivery.pacing import SharedRate
from bot.home.refresh import HomeRefresher, InlineHomes, retry_after_seconds

Result = TypeVar("Result")


def until(check: Callable[[], Result], timeout: float = 5.0) -> Result:
    deadline = time.monotonic() + timeout
    while not (result := check()) and time.monotonic() < deadline:
        time.sleep(0.01)
    return result


def settles(homes: HomeRefresher, action: Callable[[], object]) -> bool:
    """Run `action`, then wait until the thread has looked at the new state and gone back to sleep.

    `waits` counts the thread's sleeps, so once it grows the thread has decided what `action` allows:
    what has not been published by then will not be until the clock moves. No fixed sleep.
    """
    before = homes.waits
    action()
    return until(lambda: homes.waits > before)


def refusal(status: int, error: str, headers: dict[str, str] | None = None) -> SlackApiError:
    data = {"ok": False, "error": error}
    response = SlackResponse(
        client=None,
        http_verb="POST",
        api_url="",
        req_args={},
        data=data,
        headers=headers or {},
        status_code=status,
    )
    return SlackApiError(error, response)  # type: ignore[no-untyped-call]  # slack_sdk leaves __init__ unannotated


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Recorder:
    """A publish function: records users; can hold the thread inside a publish, or fail once per user."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.gate = threading.Event()
        self.gate.set()
        self.inside = threading.Event()
        self.fail: dict[str, Exception] = {}

    def __call__(self, user: str) -> None:
        self.inside.set()
        self.gate.wait(5)
        self.calls.append(user)
        if user in self.fail:
            raise self.fail.pop(user)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def refresher(recorder: Recorder, clock: Clock) -> Iterator[HomeRefresher]:
    homes = HomeRefresher(recorder, per_minute=60, burst=100, monotonic=clock)
    yield homes
    homes.close()


def test_requests_for_one_user_made_while_busy_coalesce(refresher: HomeRefresher, recorder: Recorder) -> None:
    recorder.gate.clear()
    refresher.request(["U1"])
    assert recorder.inside.wait(5)  # the thread is inside U1's publish
    refresher.request(["U2", "U1", "U2", "", "U2"])
    refresher.request(["U1"])
    assert refresher.pending() == ["U2", "U1"]
    recorder.gate.set()
    assert until(lambda: len(recorder.calls) == 3)
    assert recorder.calls == ["U1", "U2", "U1"]  # U2 once, however often it was asked for
    assert until(lambda: refresher.published == 3)


def test_publishes_are_paced_by_a_token_bucket(recorder: Recorder, clock: Clock) -> None:
    homes = HomeRefresher(recorder, per_minute=6, burst=2, monotonic=clock)  # one per 10 s after a burst of 2
    try:
        assert settles(homes, lambda: homes.request(["U1", "U2", "U3", "U4"]))
        assert recorder.calls == ["U1", "U2"]
        assert homes.pending() == ["U3", "U4"]
        clock.now += 9.9
        assert settles(homes, lambda: homes.request([]))  # wakes the thread: still no token
        assert homes.pending() == ["U3", "U4"]
        clock.now += 0.1
        assert settles(homes, lambda: homes.request([]))
        assert recorder.calls == ["U1", "U2", "U3"]
        assert homes.pending() == ["U4"]
    finally:
        homes.close()


def test_a_429_pauses_for_retry_after_and_keeps_the_user(
    refresher: HomeRefresher, recorder: Recorder, clock: Clock
) -> None:
    recorder.fail["U1"] = refusal(429, "ratelimited", {"Retry-After": "30"})
    refresher.request(["U1", "U2"])
    assert until(lambda: recorder.calls == ["U1"] and refresher.pending() == ["U2", "U1"])
    clock.now += 29
    assert settles(refresher, lambda: refresher.request([]))
    assert recorder.calls == ["U1"]  # nothing during the pause
    clock.now += 1
    refresher.request([])
    assert until(lambda: recorder.calls == ["U1", "U2", "U1"])


def test_failures_are_logged_and_the_thread_goes_on(
    refresher: HomeRefresher, recorder: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    recorder.fail["U1"] = refusal(200, "not_enabled")
    recorder.fail["U2"] = RuntimeError("database is down")
    refresher.request(["U1", "U2", "U3"])
    assert until(lambda: recorder.calls == ["U1", "U2", "U3"])
    assert until(lambda: refresher.published == 1)  # only U3 went out; U1 and U2 are not retried
    assert "user=U1 error=not_enabled" in caplog.text
    assert "user=U2" in caplog.text


def test_close_drops_what_has_not_started_and_refuses_more(recorder: Recorder, clock: Clock) -> None:
    homes = HomeRefresher(recorder, per_minute=6, burst=1, monotonic=clock)
    homes.request(["U1", "U2"])
    assert until(lambda: recorder.calls == ["U1"])
    homes.close()  # joins the thread: nothing can be published after this returns
    homes.request(["U3"])
    clock.now += 100
    assert recorder.calls == ["U1"]
    assert homes.pending() == []
    assert homes._thread is not None
    assert not homes._thread.is_alive()


def test_inline_homes_publish_each_user_once_and_log_refusals(
    recorder: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    recorder.fail["U2"] = refusal(200, "not_enabled")
    InlineHomes(recorder).request(["U1", "U2", "U1", ""])
    assert recorder.calls == ["U1", "U2"]
    assert "user=U2 error=not_enabled" in caplog.text


def test_a_429_without_a_readable_retry_after_waits_a_minute(
    refresher: HomeRefresher, recorder: Recorder, clock: Clock
) -> None:
    recorder.fail["U1"] = refusal(429, "ratelimited", {"Retry-After": "soon"})
    refresher.request(["U1"])
    assert until(lambda: recorder.calls == ["U1"] and refresher.pending() == ["U1"])
    clock.now += 59
    assert settles(refresher, lambda: refresher.request([]))
    assert recorder.calls == ["U1"]
    clock.now += 1
    refresher.request([])
    assert until(lambda: recorder.calls == ["U1", "U1"])
    assert retry_after_seconds({}) == 60.0
    assert retry_after_seconds({"retry-after": "3"}) == 3.0


def test_two_processes_share_one_views_publish_schedule(
    fresh_session_factory: sessionmaker[Session], clock: Clock
) -> None:
    """Workers and replicas together stay within Slack's limit: turns come from one database row."""
    wall = Clock()
    first, second = Recorder(), Recorder()
    homes = [
        HomeRefresher(
            rec,
            per_minute=6,
            monotonic=clock,
            wall=wall,
            shared=SharedRate(fresh_session_factory, rate=0.1, burst=1, name="views.publish", wall=wall),
        )
        for rec in (first, second)
    ]
    try:
        homes[0].request(["U1"])
        assert until(lambda: first.calls == ["U1"])
        # the other process: its turn is 10 s after the first one's
        assert settles(homes[1], lambda: homes[1].request(["U2"]))
        assert second.calls == []
        assert homes[1].pending() == ["U2"]
        wall.now += 10
        homes[1].request([])
        assert until(lambda: second.calls == ["U2"])
    finally:
        for h in homes:
            h.close()
