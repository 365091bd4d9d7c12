"""Signed requests through create_app(): the feedback flow end to end, with the Web API on a local server.

A tiny recording Web API lives here until the shared stand-in (bot/standin) is available.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest
from slack_bolt import App, BoltRequest
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from blocks.ids import ActionId
from bot import feedback_service
from bot.app import create_app
from bot.clock import FakeClock
from bot.settings import Settings
from models import Feedback, FeedbackRevision
from tests.handlers.conftest import (
    SECRET,
    START,
    LoopData,
    block_action,
    complete_answers,
    filled,
    view_payload,
)
from tests.support.factories import snapshot_interview


class RecordingApi:
    """A minimal Slack Web API: answers ok to everything and records (method, args)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                if "json" in (self.headers.get("Content-Type") or ""):
                    args = json.loads(raw or "{}")
                else:
                    args = {k: v[0] for k, v in parse_qs(raw).items()}
                method = self.path.rsplit("/", 1)[-1]
                api.calls.append((method, args))
                reply: dict[str, Any] = {"ok": True}
                if method == "auth.test":
                    reply.update(user_id="UBOT", bot_id="B1", team_id="T1", url="https://t.slack.invalid/")
                body = json.dumps(reply).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def named(self, method: str) -> list[dict[str, Any]]:
        return [args for m, args in self.calls if m == method]


def eventually(check: Callable[[], Any], timeout: float = 5.0) -> Any:
    """Listeners run after ack (process_before_response=False): wait for their effect."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.02)


@pytest.fixture
def api() -> Iterator[RecordingApi]:
    server = RecordingApi()
    yield server
    server.server.shutdown()


@pytest.fixture
def wired(api: RecordingApi, fresh_session_factory: sessionmaker[Session]) -> tuple[App, FakeClock, LoopData]:
    with fresh_session_factory.begin() as s:
        i = snapshot_interview(s, [("U1", "lead"), ("U2", "interviewer"), ("U3", "shadow")], starts_at=START)
        loop = LoopData(interview_id=i.id, candidate_loop_id=i.candidate_loop_id)
    settings = Settings(  # type: ignore[call-arg]
        SLACK_SIGNING_SECRET=SECRET, SLACK_BOT_TOKEN="xoxb-test", SLACK_API_URL=api.url, _env_file=None
    )
    clock = FakeClock(START + timedelta(hours=1, minutes=5))
    return create_app(settings, fresh_session_factory, clock=clock), clock, loop


def signed(
    payload: dict[str, Any] | str,
    secret: str = SECRET,
    age: float = 0,
    extra: dict[str, str] | None = None,
    as_json: bool = False,
) -> BoltRequest:
    """A request as Slack sends it: interactivity form-encoded, events as JSON, both signed."""
    body = (
        payload
        if isinstance(payload, str)
        else (json.dumps(payload) if as_json else urlencode({"payload": json.dumps(payload)}))
    )
    ts = str(int(time.time() - age))
    headers = {
        "content-type": "application/json" if as_json else "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": ts,
        "x-slack-signature": SignatureVerifier(secret).generate_signature(timestamp=ts, body=body) or "",
        **(extra or {}),
    }
    return BoltRequest(body=body, headers=headers)


def open_form(app: App, api: RecordingApi, loop: LoopData, user: str = "U1") -> dict[str, Any]:
    before = len(api.named("views.open"))
    resp = app.dispatch(signed(block_action(user, ActionId.OPEN_FEEDBACK, str(loop.interview_id))))
    assert resp.status == 200
    calls = eventually(lambda: api.named("views.open")[before:])
    assert calls, "views.open was not called"
    assert calls[0]["trigger_id"] == f"trigger-{user}-{ActionId.OPEN_FEEDBACK}"
    return dict(calls[0]["view"])


def send_view(app: App, kind: str, view: dict[str, Any], answers: dict[str, Any], user: str = "U1") -> Any:
    resp = app.dispatch(signed(view_payload(kind, user, filled(view, answers))))
    assert resp.status == 200
    return json.loads(resp.body) if resp.body else None


def rows(factory: sessionmaker[Session]) -> list[Feedback]:
    with factory() as s:
        return list(s.scalars(select(Feedback)))


def test_open_submit_with_errors_then_submit_twice_then_edit(
    wired: tuple[App, FakeClock, LoopData], api: RecordingApi, fresh_session_factory: sessionmaker[Session]
) -> None:
    app, clock, loop = wired
    view = open_form(app, api, loop)
    assert view["callback_id"] == "feedback_modal"

    reply = send_view(app, "view_submission", view, {"summary": "meh"})
    assert reply["response_action"] == "errors"
    assert set(reply["errors"]) == {"rating__learn", "rating__build", "recommendation", "summary"}
    assert rows(fresh_session_factory) == []

    answers = complete_answers(view)
    first = send_view(app, "view_submission", view, answers)
    second = send_view(app, "view_submission", view, answers)  # double click / retried request
    assert first["response_action"] == second["response_action"] == "update"
    [row] = rows(fresh_session_factory)
    assert (row.status, row.version) == ("submitted", 1)

    clock.advance(timedelta(hours=2))
    reopened = open_form(app, api, loop)
    assert "version 1" in json.dumps(reopened["blocks"])
    send_view(app, "view_submission", reopened, {"recommendation": "strong_yes"})
    with fresh_session_factory() as s:
        history = [(r.version, r.data["recommendation"]) for r in s.scalars(select(FeedbackRevision))]
    assert sorted(history) == [(1, "yes"), (2, "strong_yes")]


def test_close_keeps_a_draft_that_reopening_restores(
    wired: tuple[App, FakeClock, LoopData], api: RecordingApi, fresh_session_factory: sessionmaker[Session]
) -> None:
    app, _, loop = wired
    view = open_form(app, api, loop, user="U2")
    assert (
        send_view(app, "view_closed", view, {"summary": "Draft thoughts", "rating__learn": "no"}, "U2")
        is None
    )
    assert eventually(lambda: rows(fresh_session_factory))
    reopened = open_form(app, api, loop, user="U2")
    blocks = {b.get("block_id"): b for b in reopened["blocks"]}
    assert blocks["summary"]["element"]["initial_value"] == "Draft thoughts"
    assert blocks["rating__learn"]["element"]["initial_option"]["value"] == "no"


def test_non_panelist_is_refused_and_blind_rule_holds(
    wired: tuple[App, FakeClock, LoopData], api: RecordingApi, fresh_session_factory: sessionmaker[Session]
) -> None:
    app, _, loop = wired
    refused = open_form(app, api, loop, user="U9")
    assert "callback_id" not in refused and "you are not on it" in json.dumps(refused["blocks"])
    view = open_form(app, api, loop)
    reply = send_view(app, "view_submission", view, complete_answers(view), user="U9")
    assert reply["response_action"] == "update" and "you are not on it" in json.dumps(reply["view"])
    assert rows(fresh_session_factory) == []

    def sees(user: str) -> bool:
        with fresh_session_factory() as s:
            return feedback_service.can_see_feedback(s, loop.candidate_loop_id, user)

    assert not sees("U1") and not sees("U2")
    send_view(app, "view_submission", view, complete_answers(view))
    assert sees("U1") and not sees("U2")


def test_bad_or_stale_signatures_are_refused(
    wired: tuple[App, FakeClock, LoopData], api: RecordingApi
) -> None:
    app, _, loop = wired
    payload = block_action("U1", ActionId.OPEN_FEEDBACK, str(loop.interview_id))
    assert app.dispatch(signed(payload, secret="wrong")).status == 401
    assert app.dispatch(signed(payload, age=6 * 60)).status == 401
    time.sleep(0.1)
    assert api.named("views.open") == []


def test_event_retries_are_acknowledged_without_running_listeners(
    wired: tuple[App, FakeClock, LoopData],
) -> None:
    app, _, _ = wired
    seen: list[str] = []
    app.event("reaction_added")(lambda event: seen.append(event["reaction"]))
    event = {
        "type": "event_callback",
        "token": "legacy",
        "team_id": "T1",
        "api_app_id": "A1",
        "event_id": "Ev1",
        "event_time": 1,
        "event": {"type": "reaction_added", "user": "U1", "reaction": "tada", "item": {}, "event_ts": "1.0"},
    }
    retry = {"x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout"}
    assert app.dispatch(signed(event, as_json=True, extra=retry)).status == 200
    time.sleep(0.2)
    assert seen == []
    assert app.dispatch(signed(event, as_json=True, extra=retry, secret="wrong")).status == 401
    assert app.dispatch(signed(event, as_json=True)).status == 200
    assert eventually(lambda: seen) == ["tada"]
