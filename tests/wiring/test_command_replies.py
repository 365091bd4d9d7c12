"""/loop replies go through the command's response_url, as Slack intends, so they reach the user wherever
the command was typed: in a channel loopbot is not in, or a DM between two people, where chat.postEphemeral
fails (not_in_channel / channel_not_found) and the reply used to land in the bot's DM instead.
Slack documents response_url for exactly this (api.slack.com/interactivity/handling#message_responses).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_bolt import App
from sqlalchemy.orm import Session, sessionmaker

from bot.app import create_app
from bot.clock import SystemClock
from bot.settings import Settings
from bot.standin import Channel, StandIn, default_workspace
from bot.standin.signing import slash_command_body
from handlers.replies import slack_response_url
from tests.support.slack_payloads import SECRET, close_homes, signed_request

USER = "U0ENGLEAD"


@pytest.fixture
def slack() -> Iterator[StandIn]:
    ws = default_workspace(auto_users=True)
    ws.add_channel(Channel("C0ELSEWHERE", "random", bot_member=False))
    with StandIn(ws) as server:
        yield server


@pytest.fixture
def app(slack: StandIn, fresh_session_factory: sessionmaker[Session]) -> Iterator[App]:
    settings = Settings(
        SLACK_SIGNING_SECRET=SECRET, SLACK_BOT_TOKEN="xoxb-test", SLACK_API_URL=slack.url, _env_file=None
    )
    # process_before_response: the reply has been sent when dispatch returns.
    app = create_app(settings, fresh_session_factory, clock=SystemClock(), process_before_response=True)
    yield app
    close_homes(app)


def test_a_reply_in_a_channel_loopbot_is_not_in_goes_through_the_response_url(
    app: App, slack: StandIn
) -> None:
    url = slack.new_response_url(USER, "C0ELSEWHERE")
    body = slash_command_body("feedback", user=USER, channel="C0ELSEWHERE", response_url=url)
    assert app.dispatch(signed_request(body)).status == 200
    [reply] = slack.ephemerals(USER)
    assert (reply["channel"], reply["via"]) == ("C0ELSEWHERE", "response_url")
    assert slack.messages("U0ENGLEAD") == []  # nothing in the bot's DM
    assert slack.calls_to("chat.postEphemeral") == []


def test_a_used_up_response_url_falls_back_to_an_ephemeral_or_the_dm(app: App, slack: StandIn) -> None:
    url = slack.new_response_url(USER, "C0HIRING")
    for _ in range(5):
        slack.state.use_response(url.rsplit("/", 1)[1], {"text": "earlier"})
    body = slash_command_body("feedback", user=USER, channel="C0HIRING", response_url=url)
    assert app.dispatch(signed_request(body)).status == 200
    assert [c.outcome for c in slack.calls_to("chat.postEphemeral")] == ["ok"]


def test_only_slacks_own_or_the_api_hosts_response_urls_are_used() -> None:
    api = "http://127.0.0.1:4000/api/"
    assert slack_response_url("https://hooks.slack.com/commands/T1/2/x", api)
    assert slack_response_url("http://127.0.0.1:4000/response/abc", api)
    assert not slack_response_url("https://hooks.slack.com.evil.example/x", api)
    assert not slack_response_url("http://hooks.slack.com/commands/T1/2/x", api)  # not https
    assert not slack_response_url("http://127.0.0.1:9999/response/abc", api)
    assert not slack_response_url("", api)
