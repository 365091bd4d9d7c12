"""Injected faults: 429 with Retry-After, 5xx, errors, slow answers, dropped connections, fixed latency."""

from __future__ import annotations

import time
import urllib.error
from http.client import RemoteDisconnected

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler

from bot.standin import StandIn
from tests.support.standin_blocks import TOKEN

DROPPED = (urllib.error.URLError, RemoteDisconnected, ConnectionError)


def test_injected_429_carries_retry_after_and_is_counted(client: WebClient, standin: StandIn) -> None:
    standin.inject_rate_limit("chat.postMessage", n=2, retry_after=7)
    for _ in range(2):
        with pytest.raises(SlackApiError) as info:
            client.chat_postMessage(channel="C0HIRING", text="x")
        assert info.value.response.status_code == 429
        assert info.value.response.headers["Retry-After"] == "7"
    assert client.chat_postMessage(channel="C0HIRING", text="x")["ok"]
    assert standin.rate_limited("chat.postMessage") == 2 == standin.rate_limited()
    assert len(standin.messages("C0HIRING")) == 1
    assert [c.outcome for c in standin.calls] == ["http_429", "http_429", "ok"]


def test_rate_limit_retry_handler_honours_retry_after(standin: StandIn) -> None:
    client = WebClient(token=TOKEN, base_url=standin.url, retry_handlers=[RateLimitErrorRetryHandler(2)])
    standin.inject_rate_limit("chat.postMessage", retry_after=1)
    began = time.monotonic()
    assert client.chat_postMessage(channel="C0HIRING", text="after the wait")["ok"]
    assert time.monotonic() - began >= 1.0
    first, second = standin.calls_to("chat.postMessage")
    assert second.at - first.at >= 1.0
    assert len(standin.messages("C0HIRING")) == 1


def test_server_error_changes_nothing(client: WebClient, standin: StandIn) -> None:
    standin.inject_server_error("chat.postMessage", status=503)
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="C0HIRING", text="x")
    assert info.value.response.status_code == 503
    assert standin.messages("C0HIRING") == []
    retrying = WebClient(token=TOKEN, base_url=standin.url, retry_handlers=[ServerErrorRetryHandler(1)])
    standin.inject_server_error("chat.postMessage")
    assert retrying.chat_postMessage(channel="C0HIRING", text="x")["ok"]


def test_injected_error_code(client: WebClient, standin: StandIn) -> None:
    standin.inject_error("users.info", "fatal_error")
    with pytest.raises(SlackApiError) as info:
        client.users_info(user="U0ENGLEAD")
    assert info.value.response["error"] == "fatal_error"
    assert client.users_info(user="U0ENGLEAD")["ok"]


def test_slow_answer(client: WebClient, standin: StandIn) -> None:
    standin.inject_slow("auth.test", 0.3)
    began = time.monotonic()
    client.auth_test()
    assert time.monotonic() - began >= 0.3
    began = time.monotonic()
    client.auth_test()
    assert time.monotonic() - began < 0.3


def test_slow_answer_times_the_client_out(standin: StandIn) -> None:
    standin.inject_slow("chat.postMessage", 1.5)
    impatient = WebClient(token=TOKEN, base_url=standin.url, retry_handlers=[], timeout=1)
    with pytest.raises((TimeoutError, urllib.error.URLError)):
        impatient.chat_postMessage(channel="C0HIRING", text="x")


def test_dropped_before_accepting_posts_nothing(client: WebClient, standin: StandIn) -> None:
    standin.inject_drop("chat.postMessage")
    with pytest.raises(DROPPED):
        client.chat_postMessage(channel="C0HIRING", text="x")
    assert standin.messages("C0HIRING") == []
    assert standin.calls[-1].outcome == "dropped"


def test_dropped_after_accepting_keeps_the_post(client: WebClient, standin: StandIn) -> None:
    """Slack accepted it, the client saw an error: the case that duplicates posts if retried blindly."""
    standin.inject_drop("chat.postMessage", after_accept=True)
    with pytest.raises(DROPPED):
        client.chat_postMessage(channel="C0HIRING", text="x")
    [message] = standin.messages("C0HIRING")
    assert message["text"] == "x"
    assert standin.calls[-1].outcome == "accepted_dropped"


def test_default_client_retry_duplicates_a_post_accepted_then_dropped(standin: StandIn) -> None:
    """Why the dispatcher posts without slack_sdk's connection retry: it silently posts twice."""
    standin.inject_drop("chat.postMessage", after_accept=True)
    WebClient(token=TOKEN, base_url=standin.url).chat_postMessage(channel="C0HIRING", text="x")
    assert len(standin.messages("C0HIRING")) == 2


def test_any_method_wildcard_and_fifo(client: WebClient, standin: StandIn) -> None:
    standin.inject_error("*", "first")
    standin.inject_error("*", "second")
    outcomes = []
    for _ in range(3):
        try:
            client.auth_test()
            outcomes.append("ok")
        except SlackApiError as exc:
            outcomes.append(exc.response["error"])
    assert outcomes == ["first", "second", "ok"]
    assert standin.faults.pending() == 0


def test_fixed_latency_applies_to_every_call() -> None:
    with StandIn(latency=0.1) as standin:
        client = WebClient(token=TOKEN, base_url=standin.url)
        began = time.monotonic()
        for _ in range(3):
            client.auth_test()
        assert time.monotonic() - began >= 0.3
        standin.latency = 0.0
        began = time.monotonic()
        client.auth_test()
        assert time.monotonic() - began < 0.1
