"""Signed requests through create_app() with the Web API on the Slack stand-in: /loop, App Home, scheduling.

The stand-in mints real trigger ids, checks view hashes and refuses Block Kit over Slack's limits, so every
modal, home tab and ephemeral here is also checked the way Slack would check it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from slack_bolt import App, BoltResponse
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from blocks.ids import ActionId, BlockId
from bot.app import create_app
from bot.clock import FakeClock
from bot.content.importer import import_bundle
from bot.content.loader import load_content
from bot.settings import Settings
from bot.standin import StandIn
from bot.standin.signing import (
    app_home_opened,
    block_actions_payload,
    event_body,
    interaction_body,
    slash_command_body,
    view_submission_payload,
)
from bot.standin.workspace import default_workspace
from models import CandidateLoop, Interview
from tests.blocks.test_schedule import state_of
from tests.support.content_files import EXAMPLES
from tests.support.slack_payloads import SECRET, close_homes, signed_request
from tests.support.waiting import eventually

RECRUITER, LEAD, PAIR = "U0RECRUITER", "U0ENGLEAD", "U0ENGPAIR"
NOW = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
T1 = datetime(2030, 3, 5, 14, 0, tzinfo=UTC)


@pytest.fixture
def standin() -> Iterator[StandIn]:
    with StandIn(workspace=default_workspace(auto_users=True)) as server:
        yield server


@pytest.fixture
def app(standin: StandIn, fresh_session_factory: sessionmaker[Session]) -> Iterator[App]:
    with fresh_session_factory.begin() as s:
        import_bundle(s, load_content([EXAMPLES]))
    settings = Settings(
        SLACK_SIGNING_SECRET=SECRET, SLACK_BOT_TOKEN="xoxb-test", SLACK_API_URL=standin.url, _env_file=None
    )
    app = create_app(settings, fresh_session_factory, clock=FakeClock(NOW))
    yield app
    # work goes on after the ack (listeners, home refreshes): let it end before the stand-in and DB go
    app.listener_runner.listener_executor.shutdown(wait=True)
    close_homes(app)


def send(app: App, body: bytes, secret: str = SECRET) -> BoltResponse:
    return app.dispatch(signed_request(body, secret))


def done(standin: StandIn, method: str, before: int = 0) -> list[Any]:
    return eventually(lambda: [c for c in standin.calls_to(method)[before:] if c.outcome != "pending"])


def opt(value: str) -> dict[str, Any]:
    return {"selected_option": {"text": {"type": "plain_text", "text": value}, "value": value}}


def submitted(view: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    state = state_of(view)
    for block, value in answers.items():
        state[block][next(iter(state[block]))].update(value)
    return {**view, "state": {"values": state}}


def schedule_through_the_modal(app: App, standin: StandIn) -> None:
    body = slash_command_body("schedule", user=RECRUITER, trigger_id=standin.new_trigger_id(RECRUITER))
    assert send(app, body).status == 200
    assert [c.outcome for c in done(standin, "views.open")] == ["ok"]
    [view] = standin.modal_stack(RECRUITER)
    answers: dict[str, Any] = {
        BlockId.CANDIDATE: {"value": "<!channel> Eve"},
        BlockId.LOOP: opt("infrastructure-manager"),
    }
    action = block_actions_payload(RECRUITER, ActionId.CHOOSE_LOOP, view=submitted(view, answers))
    assert send(app, interaction_body(action)).status == 200
    assert [c.outcome for c in done(standin, "views.update")] == ["ok"]
    [view] = standin.modal_stack(RECRUITER)
    answers = {
        BlockId.CANDIDATE: {"value": "<!channel> Eve"},
        f"{BlockId.STAGE}0": opt("team-interviews"),
        f"{BlockId.START}0": {"selected_date_time": int(T1.timestamp())},
        f"{BlockId.LEAD}0": {"selected_users": [LEAD]},
        f"{BlockId.INTERVIEWERS}0": {"selected_users": [PAIR]},
    }
    response = send(app, interaction_body(view_submission_payload(RECRUITER, submitted(view, answers))))
    reply = json.loads(response.body)
    assert reply["response_action"] == "update", reply
    shown = json.dumps(reply["view"])
    assert "&lt;!channel&gt; Eve" in shown
    assert "<!channel>" not in shown
    # the listener goes on after the ack: wait until every affected home tab is refreshed
    assert eventually(lambda: all(standin.home(u) for u in (RECRUITER, "U0HIRINGMGR", LEAD, PAIR)))


@pytest.mark.usefixtures("standin")
def test_help_is_the_ack_and_bad_signatures_are_refused(app: App) -> None:
    response = send(app, slash_command_body("what is this", user=LEAD))
    assert response.status == 200
    body = json.loads(response.body)
    assert body["response_type"] == "ephemeral"
    assert "/loop feedback" in body["blocks"][0]["text"]["text"]
    assert send(app, slash_command_body("help"), secret="wrong").status == 401


def test_schedule_status_and_cancel_end_to_end(
    app: App, standin: StandIn, fresh_session_factory: sessionmaker[Session]
) -> None:
    schedule_through_the_modal(app, standin)
    with fresh_session_factory() as s:
        [cl] = s.scalars(select(CandidateLoop)).all()
        [interview] = cl.interviews
        assert cl.candidate.name == "<!channel> Eve"
        assert [p.user_id for p in interview.panel] == [LEAD, PAIR]
    assert "View prep" in json.dumps(standin.home(LEAD))

    send(app, slash_command_body("status eve", user=PAIR, channel="C0HIRING"))
    refusal = eventually(lambda: standin.ephemerals(PAIR))
    assert "Only this candidate's recruiter" in refusal[0]["text"]

    send(app, slash_command_body("status eve", user=RECRUITER, channel="C0HIRING"))
    [status] = eventually(lambda: standin.ephemerals(RECRUITER))
    blocks = json.dumps(status["blocks"])
    assert "<!channel>" not in blocks
    assert f"<@{PAIR}> (interviewer)" in blocks
    assert "cancel_interview" in blocks

    click = block_actions_payload(RECRUITER, ActionId.CANCEL_INTERVIEW, str(interview.id), channel="C0HIRING")
    published = len(standin.calls_to("views.publish"))
    send(app, interaction_body(click))
    assert eventually(lambda: len(standin.ephemerals(RECRUITER)) == 2)
    # the panel's, recruiter's and hiring manager's home tabs follow the change
    assert eventually(
        lambda: len([c for c in standin.calls_to("views.publish")[published:] if c.outcome == "ok"]) == 4
    )
    with fresh_session_factory() as s:
        assert s.get_one(Interview, interview.id).status == "cancelled"


def test_home_tab_and_view_prep_through_the_app(app: App, standin: StandIn) -> None:
    schedule_through_the_modal(app, standin)
    before = len(standin.calls_to("views.publish"))
    assert send(app, event_body(app_home_opened(PAIR))).status == 200
    assert [c.outcome for c in done(standin, "views.publish", before)] == ["ok"]
    home = standin.home(PAIR)
    assert home is not None
    assert "&lt;!channel&gt; Eve" in json.dumps(home)
    button = next(
        b["accessory"]
        for b in home["blocks"]
        if (b.get("accessory") or {}).get("action_id") == "view_full_kit"
    )
    click = block_actions_payload(
        PAIR, ActionId.VIEW_FULL_KIT, button["value"], view=home, trigger_id=standin.new_trigger_id(PAIR)
    )
    opened = len(standin.calls_to("views.open"))
    send(app, interaction_body(click))
    assert [c.outcome for c in done(standin, "views.open", opened)] == ["ok"]
    kit = standin.modal_stack(PAIR)[0]
    assert kit["callback_id"] == "full_kit_modal"
    assert "Your question set" in json.dumps(kit)


def test_a_stranger_opening_home_sees_what_loopbot_is(app: App, standin: StandIn) -> None:
    send(app, event_body(app_home_opened("U0ENGTOKY")))
    home = eventually(lambda: standin.home("U0ENGTOKY"))
    assert "loopbot runs structured interviews" in json.dumps(home)
    assert "/loop help" in json.dumps(home)


def test_nothing_is_sent_for_a_schedule_by_someone_else(app: App, standin: StandIn) -> None:
    body = slash_command_body("schedule", user=LEAD, trigger_id=standin.new_trigger_id(LEAD))
    send(app, body)
    assert [c.outcome for c in done(standin, "views.open")] == ["ok"]
    [view] = standin.modal_stack(LEAD)
    assert "Only a loop's recruiter" in json.dumps(view)
    assert not view["callback_id"]
