"""Signed requests through create_app() with the Web API on the Slack stand-in: the feedback flow end to end.

The stand-in mints real trigger ids (usable once, within 3 s) and refuses Block Kit over Slack's limits,
so every view and message here is also checked the way Slack would check it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from slack_bolt import App, BoltRequest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from blocks.ids import ActionId, BlockId
from blocks.prep import prep_messages
from bot.app import create_app
from bot.clock import FakeClock
from bot.feedback import blind
from bot.settings import Settings
from bot.standin import StandIn, dm_id
from bot.standin.signing import (
    app_home_opened,
    block_actions_payload,
    event_body,
    interaction_body,
    view_closed_payload,
    view_submission_payload,
)
from bot.standin.workspace import default_workspace
from models import Feedback, FeedbackRevision, Interview, PanelSeat
from tests.support.factories import snapshot_interview
from tests.support.slack_payloads import (
    SECRET,
    START,
    LoopData,
    close_homes,
    complete_answers,
    filled,
    signed_request,
)
from tests.support.waiting import eventually

LEAD, PAIR, OBSERVER, OUTSIDER = "U0ENGLEAD", "U0ENGPAIR", "U0ENGOBSV", "U0ENGTOKY"


def drain(app: App) -> None:
    """Wait for every listener already handed to Bolt's executor (they run after the ack) to finish."""
    app.listener_runner.listener_executor.shutdown(wait=True)


@pytest.fixture
def standin() -> Iterator[StandIn]:
    with StandIn(workspace=default_workspace(auto_users=True)) as server:  # the factory's U0MANAGER too
        yield server


@pytest.fixture
def wired(
    standin: StandIn, fresh_session_factory: sessionmaker[Session]
) -> Iterator[tuple[App, FakeClock, LoopData]]:
    with fresh_session_factory.begin() as s:
        panel = [(LEAD, "lead"), (PAIR, "interviewer"), (OBSERVER, "shadow")]
        i = snapshot_interview(s, panel, starts_at=START, candidate="<!channel> Eve")
        loop = LoopData(interview_id=i.id, candidate_loop_id=i.candidate_loop_id)
    settings = Settings(
        SLACK_SIGNING_SECRET=SECRET, SLACK_BOT_TOKEN="xoxb-test", SLACK_API_URL=standin.url, _env_file=None
    )
    clock = FakeClock(START + timedelta(hours=1, minutes=5))
    app = create_app(settings, fresh_session_factory, clock=clock)
    yield app, clock, loop
    # listeners go on after the ack (home refreshes): let them finish before the stand-in and DB go away
    app.listener_runner.listener_executor.shutdown(wait=True)
    close_homes(app)


def request(body: bytes, secret: str = SECRET, age: int = 0, retry_num: int | None = None) -> BoltRequest:
    return signed_request(body, secret, int(time.time()) - age, retry_num=retry_num)


def click(app: App, standin: StandIn, user: str, action: str, value: str, **kw: Any) -> None:
    payload = block_actions_payload(user, action, value, trigger_id=standin.new_trigger_id(user), **kw)
    assert app.dispatch(request(interaction_body(payload))).status == 200


def open_form(app: App, standin: StandIn, loop: LoopData, user: str = LEAD) -> dict[str, Any]:
    before = len(standin.calls_to("views.open"))
    click(app, standin, user, ActionId.OPEN_FEEDBACK, str(loop.interview_id))
    calls = eventually(lambda: [c for c in standin.calls_to("views.open")[before:] if c.outcome != "pending"])
    assert calls, calls
    assert calls[0].outcome == "ok", calls
    [view] = standin.modal_stack(user)
    return view


def send_view(app: App, kind: str, view: dict[str, Any], answers: dict[str, Any], user: str = LEAD) -> Any:
    state = filled(view, answers)
    payload = view_submission_payload(user, state) if kind == "submit" else view_closed_payload(user, state)
    resp = app.dispatch(request(interaction_body(payload)))
    assert resp.status == 200
    return json.loads(resp.body) if resp.body else None


def rows(factory: sessionmaker[Session]) -> list[Feedback]:
    with factory() as s:
        return list(s.scalars(select(Feedback)))


def test_open_submit_with_errors_then_submit_twice_then_edit(
    wired: tuple[App, FakeClock, LoopData], standin: StandIn, fresh_session_factory: sessionmaker[Session]
) -> None:
    app, clock, loop = wired
    view = open_form(app, standin, loop)
    assert view["callback_id"] == "feedback_modal"
    assert view["notify_on_close"] is True
    assert "<!channel>" not in json.dumps(view)

    reply = send_view(app, "submit", view, {"summary": "meh"})
    assert reply["response_action"] == "errors"
    assert set(reply["errors"]) == {"rating__learn", "rating__build", "recommendation", "summary"}
    assert rows(fresh_session_factory) == []

    answers = complete_answers(view)
    first = send_view(app, "submit", view, answers)
    second = send_view(app, "submit", view, answers)  # double click / retried request
    assert first["response_action"] == second["response_action"] == "update"
    [row] = rows(fresh_session_factory)
    assert (row.status, row.version) == ("submitted", 1)

    clock.advance(timedelta(hours=2))
    reopened = open_form(app, standin, loop)
    assert "version 1" in json.dumps(reopened["blocks"])
    send_view(app, "submit", reopened, {"recommendation": "strong_yes"})
    with fresh_session_factory() as s:
        history = [(r.version, r.data["recommendation"]) for r in s.scalars(select(FeedbackRevision))]
    assert sorted(history) == [(1, "yes"), (2, "strong_yes")]


def due_forms(home: dict[str, Any] | None) -> list[str]:
    """The interview ids whose 'Open feedback form' button a home tab shows."""
    return [
        b["accessory"]["value"]
        for b in (home or {}).get("blocks", [])
        if (b.get("accessory") or {}).get("action_id") == ActionId.OPEN_FEEDBACK
    ]


def published_to(standin: StandIn, before: int) -> set[str]:
    return {c.args["user_id"] for c in standin.calls_to("views.publish")[before:] if c.outcome == "ok"}


def test_submitting_refreshes_the_homes_of_the_submitter_recruiter_and_hiring_manager(
    wired: tuple[App, FakeClock, LoopData], standin: StandIn
) -> None:
    app, _, loop = wired
    assert app.dispatch(request(event_body(app_home_opened(LEAD)))).status == 200
    assert eventually(lambda: due_forms(standin.home(LEAD))) == [str(loop.interview_id)]
    view = open_form(app, standin, loop)
    before = len(standin.calls_to("views.publish"))
    send_view(app, "submit", view, complete_answers(view))
    people = {LEAD, "U0RECRUIT", "U0MANAGER"}
    assert eventually(lambda: published_to(standin, before) >= people)
    assert published_to(standin, before) == people  # and nobody else
    home = json.dumps(standin.home(LEAD))
    assert due_forms(standin.home(LEAD)) == []
    assert "Recently submitted" in home


def test_cant_make_it_refreshes_the_homes_of_the_panelist_recruiter_and_hiring_manager(
    wired: tuple[App, FakeClock, LoopData], standin: StandIn
) -> None:
    app, clock, loop = wired
    clock.set(START - timedelta(days=1))
    assert app.dispatch(request(event_body(app_home_opened(PAIR)))).status == 200
    assert "View prep" in json.dumps(eventually(lambda: standin.home(PAIR)))
    before = len(standin.calls_to("views.publish"))
    click(app, standin, PAIR, ActionId.CANT_MAKE_IT, str(loop.interview_id))
    people = {PAIR, "U0RECRUIT", "U0MANAGER"}
    assert eventually(lambda: published_to(standin, before) >= people)
    assert published_to(standin, before) == people  # and nobody else
    assert "View prep" not in json.dumps(standin.home(PAIR))


def test_close_keeps_a_draft_that_reopening_restores(
    wired: tuple[App, FakeClock, LoopData], standin: StandIn, fresh_session_factory: sessionmaker[Session]
) -> None:
    app, _, loop = wired
    view = open_form(app, standin, loop, user=PAIR)
    assert send_view(app, "close", view, {"summary": "Draft thoughts", "rating__learn": "no"}, PAIR) is None
    assert eventually(lambda: rows(fresh_session_factory))
    reopened = open_form(app, standin, loop, user=PAIR)
    blocks = {b.get("block_id"): b for b in reopened["blocks"]}
    assert blocks["summary"]["element"]["initial_value"] == "Draft thoughts"
    assert blocks["rating__learn"]["element"]["initial_option"]["value"] == "no"


def test_non_panelist_is_refused_and_blind_rule_holds(
    wired: tuple[App, FakeClock, LoopData], standin: StandIn, fresh_session_factory: sessionmaker[Session]
) -> None:
    app, _, loop = wired
    refused = open_form(app, standin, loop, user=OUTSIDER)
    assert not refused["callback_id"]
    assert "you are not on it" in json.dumps(refused["blocks"])
    view = open_form(app, standin, loop)
    reply = send_view(app, "submit", view, complete_answers(view), user=OUTSIDER)
    assert reply["response_action"] == "update"
    assert "you are not on it" in json.dumps(reply["view"])
    assert rows(fresh_session_factory) == []

    def sees(user: str) -> bool:
        with fresh_session_factory() as s:
            return blind.can_see_feedback(s, loop.candidate_loop_id, user)

    assert not sees(LEAD)
    assert not sees(PAIR)
    send_view(app, "submit", view, complete_answers(view))
    assert sees(LEAD)
    assert not sees(PAIR)


def test_cant_make_it_replaces_the_buttons_in_the_dm(
    wired: tuple[App, FakeClock, LoopData], standin: StandIn, fresh_session_factory: sessionmaker[Session]
) -> None:
    app, clock, loop = wired
    clock.set(START - timedelta(days=1))
    with fresh_session_factory() as s:
        i = s.get_one(Interview, loop.interview_id)
        [prep] = prep_messages(i, i.panel[1], clock.now())
    posted = app.client.chat_postMessage(channel=PAIR, text=prep.text, blocks=prep.blocks_dicts())
    message = {"type": "message", "ts": posted["ts"], "text": prep.text, "blocks": prep.blocks_dicts()}
    click(app, standin, PAIR, ActionId.CANT_MAKE_IT, str(loop.interview_id), message=message)
    updates = eventually(lambda: [c for c in standin.calls_to("chat.update") if c.outcome != "pending"])
    assert [c.outcome for c in updates] == ["ok"]
    [shown] = standin.messages(dm_id(PAIR))
    ids = [b.get("block_id") for b in shown["blocks"]]
    assert BlockId.PREP_ACTIONS not in ids
    assert ids[-1] == BlockId.PREP_CONFIRMATION
    with fresh_session_factory() as s:
        assert s.scalars(select(PanelSeat.declined_at).where(PanelSeat.user_id == PAIR)).one() is not None


def test_bad_or_stale_signatures_are_refused(
    wired: tuple[App, FakeClock, LoopData], standin: StandIn
) -> None:
    app, _, loop = wired
    body = interaction_body(block_actions_payload(LEAD, ActionId.OPEN_FEEDBACK, str(loop.interview_id)))
    assert app.dispatch(request(body, secret="wrong")).status == 401
    assert app.dispatch(request(body, age=6 * 60)).status == 401
    drain(app)
    assert standin.calls_to("views.open") == []


def test_event_retries_are_acknowledged_without_running_listeners(
    wired: tuple[App, FakeClock, LoopData],
) -> None:
    app, _, _ = wired
    seen: list[str] = []
    app.event("reaction_added")(lambda event: seen.append(event["reaction"]))
    body = event_body(
        {"type": "reaction_added", "user": LEAD, "reaction": "tada", "item": {}, "event_ts": "1.0"}
    )
    assert app.dispatch(request(body, retry_num=1)).status == 200
    assert app.dispatch(request(body, retry_num=1, secret="wrong")).status == 401
    assert app.dispatch(request(body)).status == 200
    drain(app)
    assert seen == ["tada"]  # the first delivery's only
