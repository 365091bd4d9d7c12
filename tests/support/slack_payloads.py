"""Slack payloads for handler and wiring tests: a recording fake Web API client, fake ack, builders."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from slack_bolt import Ack, App, BoltContext, BoltRequest
from slack_sdk import WebClient

from bot.app import deps_of
from bot.demo.forms import submitted_view
from bot.deps import Deps
from bot.standin.signing import signed_headers

START = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
SECRET = "test-signing-secret"


@dataclass
class Call:
    method: str
    args: dict[str, Any]


class FakeClient:
    """Records every Web API call made through it (`client.views_open(...)` -> Call('views_open', {...}))."""

    def __init__(self) -> None:
        self.calls: list[Call] = []

    def __getattr__(self, method: str) -> Any:
        if method.startswith("_"):
            raise AttributeError(method)

        def call(**kwargs: Any) -> dict[str, Any]:
            self.calls.append(Call(method, kwargs))
            if method == "conversations_info":  # loopbot is in every channel a handler test names
                return {"ok": True, "channel": {"id": kwargs.get("channel"), "name": "c", "is_member": True}}
            return {"ok": True}

        return call

    def named(self, method: str) -> list[dict[str, Any]]:
        return [c.args for c in self.calls if c.method == method]


@dataclass
class FakeAck:
    calls: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, **kwargs: Any) -> None:
        self.calls.append(kwargs)


def as_web_client(client: FakeClient) -> WebClient:
    """The fake where code wants a WebClient: it answers every method that code calls with `{"ok": True}`."""
    return cast(WebClient, client)


def as_ack(ack: FakeAck) -> Ack:
    """The fake where a handler wants Bolt's Ack: handlers only call it, with keyword arguments."""
    return cast(Ack, ack)


def bolt_context(deps: Deps) -> BoltContext:
    """The listener context Bolt gives handlers, holding only the app's Deps (as `context["deps"]`)."""
    return BoltContext(deps=deps)


@dataclass
class LoopData:
    """One scheduled interview: U1 leads, U2 interviews, U3 shadows; U9 is on no panel."""

    interview_id: int
    candidate_loop_id: int


def block_action(
    user: str, action_id: str, value: str, message: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A block_actions payload from a button in the app's DM."""
    body: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "team_id": "T1"},
        "team": {"id": "T1", "domain": "test"},
        "api_app_id": "A1",
        "token": "legacy",
        "trigger_id": f"trigger-{user}-{action_id}",
        "container": {"type": "message", "channel_id": "D0DM", "message_ts": "1700000000.000100"},
        "channel": {"id": "D0DM", "name": "directmessage"},
        "response_url": "https://hooks.slack.invalid/actions/T1/1/x",
        "actions": [
            {"type": "button", "action_id": action_id, "block_id": "b", "value": value, "action_ts": "1"}
        ],
    }
    if message is not None:
        body["message"] = message
    return body


def filled(view: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """The view as Slack sends it back: state.values for every input, answers overriding initial values."""
    return {**submitted_view(view, answers), "id": "V1", "team_id": "T1", "hash": "h"}


def view_payload(kind: str, user: str, view: dict[str, Any]) -> dict[str, Any]:
    """A view_submission or view_closed payload."""
    return {
        "type": kind,
        "team": {"id": "T1", "domain": "test"},
        "user": {"id": user, "username": user.lower(), "team_id": "T1"},
        "api_app_id": "A1",
        "token": "legacy",
        "trigger_id": "trigger-view",
        "view": view,
        "is_cleared": False,
    }


def complete_answers(
    view: dict[str, Any], summary: str = "Clear thinker; strong trade-off reasoning throughout."
) -> dict[str, Any]:
    """Answers that pass validation: every rating 'yes', recommendation 'yes', a long enough summary."""
    answers: dict[str, Any] = {"recommendation": "yes", "summary": summary}
    for b in view["blocks"]:
        if b["type"] == "input" and b["block_id"].startswith("rating__"):
            answers[b["block_id"]] = "yes"
    return answers


def signed_request(
    body: bytes, secret: str = SECRET, timestamp: int | None = None, *, retry_num: int | None = None
) -> BoltRequest:
    """A request as Slack sends one to the app: `body` with signed_headers() (see bot.standin.signing)."""
    # BoltRequest takes a dict of str | Sequence[str] values (invariant), so copy the str-valued headers.
    headers: dict[str, str | Sequence[str]] = {**signed_headers(secret, body, timestamp, retry_num=retry_num)}
    return BoltRequest(body=body.decode(), headers=headers)


def close_homes(app: App) -> None:
    """Stop an app's background home refresher (before its stand-in and database go away)."""
    homes = deps_of(app).homes
    if homes is not None:
        homes.close()
