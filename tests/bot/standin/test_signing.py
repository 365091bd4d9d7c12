"""Signed requests built by bot.standin.signing are what Bolt expects from Slack."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qs

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from bot.standin import StandIn, signing
from tests.support.slack_payloads import signed_request

SECRET = "shh-signing-secret"


def test_signature_matches_slack_sdk_verifier() -> None:
    body = signing.slash_command_body("help")
    headers = signing.signed_headers(SECRET, body)
    verifier = SignatureVerifier(SECRET)
    assert verifier.is_valid(body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"])
    assert not SignatureVerifier("other").is_valid(
        body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"]
    )
    stale = signing.signed_headers(SECRET, body, timestamp=int(time.time()) - 301)
    assert not verifier.is_valid(body, stale["X-Slack-Request-Timestamp"], stale["X-Slack-Signature"])


def test_content_types_and_retry_headers() -> None:
    form = signing.signed_headers(SECRET, signing.slash_command_body())
    assert form["Content-Type"] == "application/x-www-form-urlencoded"
    event = signing.event_body(signing.app_home_opened("U0ENGLEAD"), event_id="Ev1")
    headers = signing.signed_headers(SECRET, event, retry_num=2)
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Slack-Retry-Num"] == "2"
    assert headers["X-Slack-Retry-Reason"] == "http_timeout"
    envelope = json.loads(event)
    assert envelope["event_id"] == "Ev1"
    assert envelope["event"]["type"] == "app_home_opened"


def _app(seen: list[tuple[str, Any]], standin: StandIn) -> App:
    # Bolt calls auth.test on the first request when token verification is off: the stand-in answers.
    app = App(
        client=WebClient(token="xoxb-standin", base_url=standin.url),
        signing_secret=SECRET,
        token_verification_enabled=False,
        process_before_response=True,
    )

    @app.command("/loop")
    def command(ack: Ack, command: dict[str, Any]) -> None:
        ack()
        seen.append(("command", command["text"]))

    @app.action("open_feedback")
    def action(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        seen.append(("action", body["actions"][0]["value"]))

    @app.view_submission("feedback_modal")
    def submission(ack: Ack, view: dict[str, Any]) -> None:
        ack()
        seen.append(("submission", view["private_metadata"]))

    @app.view_closed("feedback_modal")
    def closed(ack: Ack, view: dict[str, Any]) -> None:
        ack()
        seen.append(("closed", view["id"]))

    @app.event("app_home_opened")
    def home(event: dict[str, Any]) -> None:
        seen.append(("home", event["user"]))

    return app


def _dispatch(app: App, body: bytes, **kwargs: Any) -> int:
    return app.dispatch(signed_request(body, SECRET, **kwargs)).status


def test_bolt_routes_every_kind_of_body(standin: StandIn) -> None:
    seen: list[tuple[str, Any]] = []
    app = _app(seen, standin)
    view = {"id": "V1", "type": "modal", "callback_id": "feedback_modal", "private_metadata": "{}",
            "state": {"values": {}}}  # fmt: skip
    assert _dispatch(app, signing.slash_command_body("status Ada", user="U0RECRUIT")) == 200
    action = signing.block_actions_payload("U0ENGLEAD", "open_feedback", "42", trigger_id="t1")
    assert _dispatch(app, signing.interaction_body(action)) == 200
    assert _dispatch(app, signing.interaction_body(signing.view_submission_payload("U0ENGLEAD", view))) == 200
    assert _dispatch(app, signing.interaction_body(signing.view_closed_payload("U0ENGLEAD", view))) == 200
    assert _dispatch(app, signing.event_body(signing.app_home_opened("U0ENGPAIR"))) == 200
    assert seen == [("command", "status Ada"), ("action", "42"), ("submission", "{}"), ("closed", "V1"),
                    ("home", "U0ENGPAIR")]  # fmt: skip


def test_bolt_refuses_bad_and_stale_signatures(standin: StandIn) -> None:
    app = _app([], standin)
    body = signing.slash_command_body("help")
    assert _dispatch(app, body, timestamp=int(time.time()) - 6 * 60) == 401
    assert app.dispatch(signed_request(body, "wrong-secret")).status == 401


def test_slash_command_fields() -> None:
    body = signing.slash_command_body("help", trigger_id="T.1").decode()
    fields = {k: v[0] for k, v in parse_qs(body).items()}
    assert fields["command"] == "/loop"
    assert fields["text"] == "help"
    assert fields["user_id"] == "U0ENGLEAD"
    assert fields["channel_id"] == "D0ENGLEAD"
    assert fields["trigger_id"] == "T.1"
