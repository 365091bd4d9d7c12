"""Signed requests through create_app() with the Web API on the stand-in: forms, digest and thread follow
each interview's focus, on SQLite and PostgreSQL. The example content, scheduled as a recruiter would."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.app import create_app
from bot.clock import FakeClock
from bot.content.importer import import_bundle
from bot.content.loader import load_content
from bot.delivery.dispatcher import Dispatcher
from bot.scheduling import InterviewIn, PanelistIn, ScheduleRequest, schedule_loop
from bot.settings import Settings
from bot.standin import StandIn
from bot.standin.signing import interaction_body, view_submission_payload
from bot.standin.workspace import default_workspace
from models import Feedback, PanelRole
from tests.support.content_files import EXAMPLES
from tests.support.slack_payloads import SECRET, LoopData, close_homes, complete_answers, filled
from tests.wiring.test_feedback import open_form, request, send_view

LEAD, PAIR, VALUES_LEAD, VALUES_PAIR, XFN = "U0ENGLEAD", "U0ENGPAIR", "U0ENGOBSV", "U0ENGTOKY", "U0ENGSYDN"
NOW = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)
DAY = datetime(2030, 3, 5, 9, 0, tzinfo=UTC)
VALUES = ["initiative", "candor", "team-first", "growth"]
SUMMARY = "Concrete, specific stories; owned problems beyond their team and said so plainly."


@pytest.fixture
def standin() -> Iterator[StandIn]:
    with StandIn(workspace=default_workspace(auto_users=True)) as server:
        yield server


def _schedule(factory: sessionmaker[Session]) -> dict[str, LoopData]:
    def at(hours: int, stage: str, *panel: tuple[str, str]) -> InterviewIn:
        seats = [PanelistIn(user=u, role=PanelRole(r)) for u, r in panel]
        return InterviewIn(stage=stage, start=DAY + timedelta(hours=hours), panel=seats)

    with factory.begin() as s:
        import_bundle(s, load_content([EXAMPLES]))
        # Stage order is team, cross-functional, values; the values interview comes first in time.
        interviews = [
            at(0, "values", (VALUES_LEAD, "lead"), (VALUES_PAIR, "interviewer")),
            at(2, "team-interviews", (LEAD, "lead"), (PAIR, "interviewer")),
            at(4, "cross-functional", (XFN, "lead")),
        ]
        request_ = ScheduleRequest(
            candidate="Ada Lovelace", loop="infrastructure-manager", interviews=interviews
        )
        cl = schedule_loop(s, request_, Settings(_env_file=None), NOW)
        return {i.stage_key: LoopData(i.id, cl.id) for i in cl.interviews}


@pytest.fixture
def wired(
    standin: StandIn, fresh_session_factory: sessionmaker[Session]
) -> Iterator[tuple[App, FakeClock, dict[str, LoopData], Settings]]:
    loops = _schedule(fresh_session_factory)
    settings = Settings(
        SLACK_SIGNING_SECRET=SECRET, SLACK_BOT_TOKEN="xoxb-test", SLACK_API_URL=standin.url, _env_file=None
    )
    clock = FakeClock(DAY + timedelta(hours=6))
    app = create_app(settings, fresh_session_factory, clock=clock)
    yield app, clock, loops, settings
    app.listener_runner.listener_executor.shutdown(wait=True)
    close_homes(app)


def ratings_of(view: dict[str, Any]) -> list[str]:
    return [
        b["block_id"].removeprefix("rating__")
        for b in view["blocks"]
        if b.get("block_id", "").startswith("rating__")
    ]


def checklist_of(view: dict[str, Any]) -> list[str]:
    return [
        o["value"]
        for b in view["blocks"]
        if b["type"] == "input" and b["block_id"].startswith("signals___checklist")
        for o in b["element"]["options"]
    ]


def stored(factory: sessionmaker[Session], user: str) -> Feedback:
    with factory() as s:
        return s.scalars(select(Feedback).where(Feedback.interviewer == user)).one()


def test_forms_rate_the_focus_and_refuse_to_store_other_categories(
    wired: tuple[App, FakeClock, dict[str, LoopData], Settings],
    standin: StandIn,
    fresh_session_factory: sessionmaker[Session],
) -> None:
    app, _, loops, _ = wired
    view = open_form(app, standin, loops["values"], user=VALUES_LEAD)
    assert ratings_of(view) == VALUES
    assert "look:0" in checklist_of(view)
    assert "attr:candor:0" in checklist_of(view)
    assert "World-class" not in json.dumps(view)
    cross = open_form(app, standin, loops["cross-functional"], user=XFN)
    assert ratings_of(cross) == ["cross-functional"]
    team = open_form(app, standin, loops["team-interviews"], user=LEAD)
    assert ratings_of(team) == ["running-the-team", "operations", "strategy", "team-member"]
    assert checklist_of(team) == []

    # A crafted submission rating a category this form does not show: the rating is dropped.
    answers = {**complete_answers(view, SUMMARY), "rating__candor": "no_signal"}
    state = filled(view, answers)
    state["state"]["values"]["rating__operations"] = {
        "feedback_field": {"type": "radio_buttons", "selected_option": {"value": "strong_no"}}
    }
    response = app.dispatch(request(interaction_body(view_submission_payload(VALUES_LEAD, state))))
    assert response.status == 200
    assert json.loads(response.body)["response_action"] == "update"
    row = stored(fresh_session_factory, VALUES_LEAD)
    assert row.ratings == {"candor": "no_signal", "growth": "yes", "initiative": "yes", "team-first": "yes"}


def test_digest_and_thread_follow_the_focus(
    wired: tuple[App, FakeClock, dict[str, LoopData], Settings],
    standin: StandIn,
    fresh_session_factory: sessionmaker[Session],
) -> None:
    app, clock, loops, settings = wired
    for stage, user in (("values", VALUES_LEAD), ("values", VALUES_PAIR), ("team-interviews", LEAD),
                        ("team-interviews", PAIR), ("cross-functional", XFN)):  # fmt: skip
        view = open_form(app, standin, loops[stage], user=user)
        answers = complete_answers(view, SUMMARY)
        if stage == "values":
            answers["rating__candor"] = "no_signal"
            first = next(
                b["block_id"]
                for b in view["blocks"]
                if b.get("block_id", "").startswith("signals___checklist")
            )
            answers[first] = ["look:0"]
        assert send_view(app, "submit", view, answers, user=user)["response_action"] == "update"
    app.listener_runner.listener_executor.shutdown(wait=True)
    dispatcher = Dispatcher(
        fresh_session_factory, WebClient(token="xoxb-test", base_url=standin.url), settings, clock
    )
    try:
        dispatcher.tick()
    finally:
        dispatcher.close()
    channel = standin.messages("C0HIRING")
    [main] = [m for m in channel if m.get("thread_ts") in (None, m["ts"])]
    body = json.dumps(main["blocks"], ensure_ascii=False)
    lines = next(b["text"]["text"] for b in main["blocks"] if "```" in b.get("text", {}).get("text", ""))
    rows = lines.strip("`").split("\n")
    assert rows[1:] == [
        "Infrastructure manager",
        "  Running the team Y  Y",
        "  Operations       Y  Y",
        "  Strategy         Y  Y",
        "  Team member      Y  Y",
        "Collaboration",
        "  Cross-functional       Y",
        "Company values",
        "  Initiative                Y  Y",
        "  Candor                    —  —",
        "  Team first                Y  Y",
        "  Growth                    Y  Y",
    ]
    # Columns in stage order (team, cross-functional, values), not in the order the interviews took place.
    assert body.index("<@U0ENGLEAD>") < body.index("<@U0ENGSYDN>") < body.index("<@U0ENGOBSV>")
    assert "*Nobody assessed*: Gives candid, kind feedback?." in body
    assert "`Running the team` World-class at running this team?" in body
    replies = [json.dumps(m["blocks"], ensure_ascii=False) for m in channel if m is not main]
    [values_reply] = [r for r in replies if "<@U0ENGOBSV>" in r]
    assert "Takes initiative beyond their own scope?: *Yes*" in values_reply
    assert "World-class" not in values_reply
    assert ":white_check_mark: Took the initiative on a problem outside their scope." in values_reply
