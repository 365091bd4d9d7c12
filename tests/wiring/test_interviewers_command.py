"""`/loop interviewers [type]` through a signed request: the roster for recruiters and admins, a refusal
that says who may see it for anyone else, each as an ephemeral reply through the command's response_url
(a response_url posts an ephemeral message to the user who typed the command, up to 5 times in 30 minutes:
api.slack.com/interactivity/handling#message_responses; the stand-in keeps those rules).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import App
from sqlalchemy.orm import Session, sessionmaker

from bot.app import create_app
from bot.clock import FakeClock
from bot.settings import Settings
from bot.standin import StandIn, default_workspace
from bot.standin.signing import slash_command_body
from tests.bot.interviewers.table_data import NOW, pairing_world
from tests.support.slack_payloads import SECRET, close_homes, signed_request

RECRUITER = "U0RECRUIT"  # the candidate loop's recruiter in pairing_world
ADMIN = "U0ENGTOKY"
OTHER = "U0ENGPAIR"


@pytest.fixture
def slack() -> Iterator[StandIn]:
    with StandIn(default_workspace(auto_users=True)) as server:
        yield server


@pytest.fixture
def app(slack: StandIn, fresh_session_factory: sessionmaker[Session]) -> Iterator[App]:
    with fresh_session_factory.begin() as s:
        pairing_world(s)
    settings = Settings(
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_API_URL=slack.url,
        LOOPBOT_ADMINS=ADMIN,
        _env_file=None,
    )
    app = create_app(settings, fresh_session_factory, clock=FakeClock(NOW), process_before_response=True)
    yield app
    close_homes(app)


def ask(app: App, slack: StandIn, user: str, text: str = "interviewers") -> dict[str, Any]:
    url = slack.new_response_url(user, "C0HIRING")
    body = slash_command_body(text, user=user, channel="C0HIRING", response_url=url)
    assert app.dispatch(signed_request(body)).status == 200
    [reply] = slack.ephemerals(user)
    assert reply["via"] == "response_url"
    return reply


def shown(reply: dict[str, Any]) -> str:
    return "\n".join(b["text"]["text"] for b in reply["blocks"] if b["type"] == "section")


def test_a_recruiter_sees_every_type_with_state_training_and_load(app: App, slack: StandIn) -> None:
    text = shown(ask(app, slack, RECRUITER))
    assert "*Pairing exercise*" in text
    assert "*Architecture*" in text
    assert (
        "• <@U0TIA> · trainee · shadow 1/2, reverse 1/1 · agreement 3 of 4 (75%) · 2 of 5 this week" in text
    )
    assert "• <@U0MAX> · qualified · :warning: 2 of 1 this week" in text


def test_one_type_and_an_unknown_one(app: App, slack: StandIn) -> None:
    text = shown(ask(app, slack, ADMIN, "interviewers pairing"))
    assert "*Interviewers* · Pairing exercise" in text
    assert "*Architecture*" not in text
    wrong = shown(ask(app, slack, RECRUITER, "interviewers pairng"))
    assert wrong.startswith("Unknown interview type 'pairng' (did you mean 'pairing'?)")


def test_anyone_else_is_told_who_can_see_it(app: App, slack: StandIn) -> None:
    text = shown(ask(app, slack, OTHER))
    assert text.startswith(":lock: Only recruiters (of a loop or a candidate's loop) and loopbot admins")
    assert "U0TIA" not in text
