"""Socket Mode through Bolt's own adapter: envelopes as Slack sends them, retries as Slack marks them.

Slack sends `retry_attempt: 0` with a first delivery, and bolt-python's Socket Mode adapter turns the
envelope's retry fields into the `x-slack-retry-num` header (slack_bolt/adapter/socket_mode/internals.py,
`build_headers`; bolt-python issue #1484). A first delivery must reach the listeners.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest
from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from sqlalchemy.orm import Session, sessionmaker

from bot.app import create_app
from bot.clock import FakeClock
from bot.settings import Settings
from bot.standin import StandIn, default_workspace
from bot.standin.signing import app_home_opened, event_body, socket_mode_envelope
from tests.support.factories import snapshot_interview
from tests.support.slack_payloads import START, close_homes

LEAD = "U0ENGLEAD"


class RecordingSocket:
    """The part of a SocketModeClient that Bolt's handler answers through: one response per envelope."""

    def __init__(self) -> None:
        self.logger = logging.getLogger("tests.socket_mode")
        self.responses: list[SocketModeResponse] = []

    def send_socket_mode_response(self, response: SocketModeResponse) -> None:
        self.responses.append(response)


@pytest.fixture
def socket_app(fresh_session_factory: sessionmaker[Session]) -> Iterator[tuple[App, StandIn]]:
    with StandIn(workspace=default_workspace(auto_users=True)) as standin:
        with fresh_session_factory.begin() as s:
            snapshot_interview(s, [(LEAD, "lead")], starts_at=START)
        settings = Settings(
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_APP_TOKEN="xapp-test",
            SLACK_API_URL=standin.url,
            _env_file=None,
        )
        clock = FakeClock(START - timedelta(hours=2))
        # process_before_response: the listener has finished when handle() returns, so "not called" is final.
        app = create_app(settings, fresh_session_factory, clock=clock, process_before_response=True)
        yield app, standin
        close_homes(app)


def deliver(app: App, envelope: dict[str, object]) -> RecordingSocket:
    """Hand one envelope to Bolt's Socket Mode handler, as its WebSocket loop would."""
    handler = SocketModeHandler(app, "xapp-test")
    socket = RecordingSocket()
    try:
        handler.handle(socket, SocketModeRequest.from_dict(envelope))  # type: ignore[arg-type]
    finally:
        handler.close()  # type: ignore[no-untyped-call]
    return socket


def test_a_first_delivery_with_retry_attempt_0_publishes_the_home_tab(
    socket_app: tuple[App, StandIn],
) -> None:
    app, standin = socket_app
    envelope = socket_mode_envelope(event_body(app_home_opened(LEAD)), retry_attempt=0)
    socket = deliver(app, envelope)
    assert [r.envelope_id for r in socket.responses] == [envelope["envelope_id"]]  # acknowledged
    [publish] = standin.calls_to("views.publish")
    assert publish.args["user_id"] == LEAD
    assert publish.outcome == "ok"


def test_a_real_retry_is_acknowledged_without_running_the_listener_again(
    socket_app: tuple[App, StandIn],
) -> None:
    app, standin = socket_app
    body = event_body(app_home_opened(LEAD), event_id="Ev0RETRY")
    deliver(app, socket_mode_envelope(body, retry_attempt=0))
    retry = socket_mode_envelope(body, retry_attempt=1, retry_reason="timeout")
    socket = deliver(app, retry)
    assert [r.envelope_id for r in socket.responses] == [retry["envelope_id"]]
    assert len(standin.calls_to("views.publish")) == 1  # the first delivery's only
