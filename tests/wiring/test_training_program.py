"""Signed requests through create_app() with the Web API on the stand-in: a trainee shadows twice and
reverse-shadows once, gets a calibration card after each pair of scorecards (never before both are in),
and the hiring manager confirms the graduation with one click. On SQLite and PostgreSQL.

Slack facts relied on: a button in a message sends block_actions with `container.channel_id` and
`container.message_ts` (https://api.slack.com/reference/interaction-payloads/block-actions), which
chat.update takes as `channel` and `ts` to replace the message (https://api.slack.com/methods/chat.update);
a required plain_text_input refused by `response_action: errors` keeps the modal open with the message
under that block (https://api.slack.com/surfaces/modals#displaying_errors).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from blocks.ids import ActionId, BlockId
from blocks.interviewers.graduation import REASON_MAX
from bot.app import create_app
from bot.clock import FakeClock
from bot.content.importer import import_bundle
from bot.content.loader import load_content
from bot.delivery.dispatcher import Dispatcher
from bot.interviewers.suggest import Taken, Wanted, suggest_panel
from bot.scheduling import InterviewIn, PanelistIn, ScheduleRequest, schedule_loop
from bot.settings import Settings
from bot.standin import StandIn, dm_id
from bot.standin.signing import interaction_body, view_submission_payload
from bot.standin.workspace import default_workspace
from models import (
    GraduationRequest,
    InterviewType,
    Loop,
    PanelRole,
    Qualification,
    QualificationEvent,
    TrainingSession,
)
from tests.support.interviewer_content import (
    CHANNEL,
    HIRING_MANAGER,
    LOOP,
    QUALIFIED,
    RECRUITER,
    STAGE,
    TRAINEE,
    TYPE,
    write_content,
)
from tests.support.slack_payloads import SECRET, LoopData, close_homes, complete_answers, filled
from tests.support.waiting import eventually
from tests.wiring.test_feedback import click, open_form, request, send_view

NOW = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)
DAY = datetime(2030, 3, 5, 10, 0, tzinfo=UTC)  # a Tuesday
ROLES = ["shadow", "shadow", "reverse_shadow"]
SUMMARY = "Broke the task into steps and kept their partner in the loop throughout."
DIFFERED_NOTE = "Rewrote the parser instead of extending it."


@dataclass
class Program:
    app: App
    clock: FakeClock
    loops: list[LoopData]
    settings: Settings
    factory: sessionmaker[Session]


@pytest.fixture
def standin() -> Iterator[StandIn]:
    with StandIn(workspace=default_workspace(auto_users=True)) as server:
        yield server


@pytest.fixture
def program(
    standin: StandIn, fresh_session_factory: sessionmaker[Session], tmp_path: Path
) -> Iterator[Program]:
    factory = fresh_session_factory
    with factory.begin() as s:
        import_bundle(s, load_content([write_content(tmp_path)]))
        loops = []
        for n, role in enumerate(ROLES):  # a week apart, a candidate each: no load limit or repeat applies
            seats = [
                PanelistIn(user=QUALIFIED, role=PanelRole.LEAD),
                PanelistIn(user=TRAINEE, role=PanelRole(role)),
            ]
            interview = InterviewIn(stage=STAGE, start=DAY + timedelta(days=7 * n), panel=seats)
            req = ScheduleRequest(candidate=f"Candidate {n}", loop=LOOP, interviews=[interview])
            cl = schedule_loop(s, req, Settings(_env_file=None), NOW)
            loops.append(LoopData(cl.interviews[0].id, cl.id))
    settings = Settings(
        SLACK_SIGNING_SECRET=SECRET, SLACK_BOT_TOKEN="xoxb-test", SLACK_API_URL=standin.url, _env_file=None
    )
    clock = FakeClock(NOW)
    app = create_app(settings, factory, clock=clock)
    yield Program(app, clock, loops, settings, factory)
    app.listener_runner.listener_executor.shutdown(wait=True)
    close_homes(app)


def deliver(p: Program, standin: StandIn) -> None:
    """Send everything due now, as the running dispatcher would."""
    dispatcher = Dispatcher(
        p.factory, WebClient(token="xoxb-test", base_url=standin.url), p.settings, p.clock
    )
    try:
        while dispatcher.tick().claimed:
            pass
    finally:
        dispatcher.close()


def dms(standin: StandIn, user: str, starts: str) -> list[dict[str, Any]]:
    return [m for m in standin.messages(dm_id(user)) if str(m.get("text", "")).startswith(starts)]


def text_of(message: dict[str, Any]) -> str:
    return json.dumps(message.get("blocks", []), ensure_ascii=False)


def score(p: Program, standin: StandIn, n: int, user: str, ratings: dict[str, str], **extra: Any) -> None:
    view = open_form(p.app, standin, p.loops[n], user=user)
    answers = {**complete_answers(view, SUMMARY), **ratings, **extra}
    assert send_view(p.app, "submit", view, answers, user=user)["response_action"] == "update"


def session_pair(p: Program, standin: StandIn, n: int) -> dict[str, Any]:
    """Interview n: the trainee scores first (no card yet), then the lead; returns the card."""
    p.clock.set(DAY + timedelta(days=7 * n, hours=1, minutes=5))
    before = len(dms(standin, TRAINEE, "Calibration"))
    trainee_ratings = {
        "rating__design": "strong_yes",
        "rating__pairing": "yes",
        "recommendation": "strong_no",
    }
    score(p, standin, n, TRAINEE, trainee_ratings)
    deliver(p, standin)
    assert len(dms(standin, TRAINEE, "Calibration")) == before  # never before both have submitted
    notes = {"note__pair-design": DIFFERED_NOTE, "note__pair-together": "Talked through every step."}
    score(p, standin, n, QUALIFIED, {"rating__design": "yes", "rating__pairing": "yes"}, **notes)
    deliver(p, standin)
    cards = dms(standin, TRAINEE, "Calibration")
    assert len(cards) == before + 1
    return cards[-1]


def train(p: Program, standin: StandIn) -> dict[str, Any]:
    """The three sessions; returns the graduation DM the hiring manager got."""
    for n in range(3):
        card = text_of(session_pair(p, standin, n))
        assert "Working together: both *Yes*" in card
        assert f"Building systems: you *Strong Yes*, <@{QUALIFIED}> *Yes* (one step apart)" in card
        assert DIFFERED_NOTE in card
        assert "Talked through every step." not in card  # they agreed on that category
        assert SUMMARY not in card  # nothing else of the qualified interviewer's scorecard
        if n < 2:
            assert dms(standin, HIRING_MANAGER, "Graduation") == []
    assert "Pairing exercise: shadowed 2/2, reverse shadow 1/1, agreement 6 of 6 categories" in card
    [dm] = dms(standin, HIRING_MANAGER, "Graduation")
    return dm


def the_request(p: Program) -> GraduationRequest:
    with p.factory() as s:
        return s.scalars(select(GraduationRequest)).one()


def qualification(p: Program) -> tuple[str, str]:
    with p.factory() as s:
        q = s.scalars(select(Qualification).where(Qualification.user_id == TRAINEE)).one()
        return q.state, q.source


def press(p: Program, standin: StandIn, user: str, action: str, dm: dict[str, Any]) -> None:
    value = str(the_request(p).id)
    message = {"type": "message", "ts": dm["ts"], "text": dm["text"], "blocks": dm["blocks"]}
    if user == HIRING_MANAGER:
        click(p.app, standin, user, action, value, message=message)
    else:  # someone else pressing a copy of the same buttons (forwarded, or crafted)
        click(p.app, standin, user, action, value, message=message, channel=dm_id(user))


def test_a_trainee_graduates_on_agreement_after_the_hiring_manager_approves(
    program: Program, standin: StandIn
) -> None:
    p = program
    dm = train(p, standin)
    shown = text_of(dm)
    assert "agreement 6 of 6 categories" in shown
    assert "Candidate 0" not in shown
    with p.factory() as s:
        assert [t.kind for t in s.scalars(select(TrainingSession).order_by(TrainingSession.id))] == ROLES
    assert qualification(p) == ("trainee", "content")
    assert lead_suggested(p) is None  # a trainee is never suggested to lead

    press(p, standin, HIRING_MANAGER, ActionId.APPROVE_GRADUATION, dm)
    assert eventually(lambda: qualification(p) == ("qualified", "graduated"))
    updated = eventually(lambda: [c for c in standin.calls_to("chat.update") if c.outcome == "ok"])
    assert len(updated) == 1
    [shown_now] = dms(standin, HIRING_MANAGER, "Graduation")
    assert f"Approved by <@{HIRING_MANAGER}>" in text_of(shown_now)
    assert ActionId.APPROVE_GRADUATION not in text_of(shown_now)

    press(p, standin, HIRING_MANAGER, ActionId.APPROVE_GRADUATION, dm)  # a second click changes nothing
    assert eventually(lambda: len([c for c in standin.calls_to("chat.update") if c.outcome == "ok"]) == 2)
    with p.factory() as s:
        assert [e.action for e in s.scalars(select(QualificationEvent))] == ["graduated"]
    deliver(p, standin)
    assert "You are now a qualified *Pairing exercise* interviewer" in json.dumps(
        standin.messages(dm_id(TRAINEE))
    )
    assert f"<@{TRAINEE}> graduated" in json.dumps(standin.messages(dm_id(RECRUITER)))
    # Graduated, they are suggested to lead the next candidate's pairing (the other qualified
    # interviewer is already on that candidate's loop, so the lead seat is theirs or nobody's).
    assert lead_suggested(p) == TRAINEE


def lead_suggested(p: Program) -> str | None:
    start = DAY + timedelta(days=28)  # a week after the last session
    with p.factory() as s:
        kind = s.scalars(select(InterviewType).where(InterviewType.slug == TYPE)).one()
        loop = s.scalars(select(Loop).where(Loop.slug == LOOP)).one()
        wanted = Wanted(kind, loop.id, STAGE, start, start + timedelta(hours=1))
        already = [Taken(QUALIFIED, start - timedelta(hours=3), start - timedelta(hours=2))]
        found = suggest_panel(s, wanted, already, p.settings.weekly_limit, p.settings.daily_limit)
        picks = found.picks
    return next((pick.user for pick in picks if pick.role == PanelRole.LEAD), None)


def test_not_yet_asks_for_a_reason_and_tells_the_trainee(program: Program, standin: StandIn) -> None:
    p = program
    dm = train(p, standin)
    press(p, standin, HIRING_MANAGER, ActionId.NOT_YET_GRADUATION, dm)
    assert eventually(lambda: standin.modal_stack(HIRING_MANAGER))
    [view] = standin.modal_stack(HIRING_MANAGER)
    assert view["callback_id"] == "graduation_not_yet_modal"

    def send(reason: str) -> Any:
        state = filled(view, {BlockId.GRADUATION_REASON: reason})
        response = p.app.dispatch(request(interaction_body(view_submission_payload(HIRING_MANAGER, state))))
        assert response.status == 200
        return json.loads(response.body) if response.body else None

    refused = send("   ")
    assert refused["response_action"] == "errors"
    assert set(refused["errors"]) == {BlockId.GRADUATION_REASON}
    assert the_request(p).status == "pending"

    send("Probe <deeper> when the design is ambiguous.")
    assert eventually(lambda: the_request(p).status == "not_yet")
    assert the_request(p).reason == "Probe <deeper> when the design is ambiguous."
    assert qualification(p) == ("trainee", "content")
    eventually(lambda: [c for c in standin.calls_to("chat.update") if c.outcome == "ok"])
    [shown_now] = dms(standin, HIRING_MANAGER, "Graduation")
    assert f"Not yet, said <@{HIRING_MANAGER}>" in text_of(shown_now)
    deliver(p, standin)
    told = json.dumps(standin.messages(dm_id(TRAINEE)))
    assert "says not yet" in told
    assert "Probe &lt;deeper&gt; when the design is ambiguous." in told


def test_only_the_approver_decides_and_trainee_scorecards_are_not_tallied(
    program: Program, standin: StandIn
) -> None:
    p = program
    dm = train(p, standin)
    press(p, standin, QUALIFIED, ActionId.APPROVE_GRADUATION, dm)
    [refusal] = eventually(lambda: standin.ephemerals(QUALIFIED))
    assert f"Only <@{HIRING_MANAGER}> can decide" in refusal["text"]
    press(p, standin, QUALIFIED, ActionId.NOT_YET_GRADUATION, dm)
    assert eventually(lambda: len(standin.ephemerals(QUALIFIED)) == 2)
    assert all(v["callback_id"] != "graduation_not_yet_modal" for v in standin.modal_stack(QUALIFIED))
    assert the_request(p).status == "pending"
    assert qualification(p) == ("trainee", "content")

    # Each candidate's digest counts the lead's Yes only: the trainee's Strong No is training.
    channel = standin.messages(CHANNEL)
    mains = [m for m in channel if m.get("thread_ts") in (None, m["ts"])]
    assert len(mains) == 3
    for main in mains:
        body = text_of(main)
        assert "Strong No: *1*" not in body
        assert "Yes: *1*" in body
    replies = [text_of(m) for m in channel if m not in mains and f"<@{TRAINEE}>" in text_of(m)]
    assert len(replies) == 3
    assert all("not counted" in r for r in replies), replies[0]  # marked as not counted, whatever the words


def test_the_trainee_cannot_decide_on_their_own_graduation(program: Program, standin: StandIn) -> None:
    p = program
    dm = train(p, standin)
    press(p, standin, TRAINEE, ActionId.APPROVE_GRADUATION, dm)
    [refusal] = eventually(lambda: standin.ephemerals(TRAINEE))
    assert "You cannot decide on your own graduation" in refusal["text"]
    press(p, standin, TRAINEE, ActionId.NOT_YET_GRADUATION, dm)
    assert eventually(lambda: len(standin.ephemerals(TRAINEE)) == 2)
    assert "You cannot decide on your own graduation" in standin.ephemerals(TRAINEE)[1]["text"]
    assert all(v["callback_id"] != "graduation_not_yet_modal" for v in standin.modal_stack(TRAINEE))
    assert the_request(p).status == "pending"
    assert qualification(p) == ("trainee", "content")


def test_a_request_that_no_longer_exists_says_so(program: Program, standin: StandIn) -> None:
    p = program
    for n, action in enumerate((ActionId.NOT_YET_GRADUATION, ActionId.APPROVE_GRADUATION), start=1):
        click(p.app, standin, HIRING_MANAGER, action, "999999")
        assert eventually(lambda: len(standin.ephemerals(HIRING_MANAGER)) >= n)  # noqa: B023 - awaited here
        told = standin.ephemerals(HIRING_MANAGER)[n - 1]
        assert told["text"] == "This graduation request no longer exists: nothing to decide."
    assert standin.calls_to("views.open") == []  # not the "database unreachable" modal


def test_a_failed_dm_update_still_refreshes_the_homes(program: Program, standin: StandIn) -> None:
    p = program
    dm = train(p, standin)
    before = len(standin.calls_to("views.publish"))
    # chat.update answers message_not_found when the DM was deleted
    # (https://api.slack.com/methods/chat.update#errors); the decision stands all the same.
    standin.inject_error("chat.update", "message_not_found")
    press(p, standin, HIRING_MANAGER, ActionId.APPROVE_GRADUATION, dm)
    assert eventually(lambda: qualification(p) == ("qualified", "graduated"))

    def published() -> set[str]:
        calls = standin.calls_to("views.publish")[before:]
        return {c.args["user_id"] for c in calls if c.outcome == "ok"}

    assert eventually(lambda: published() >= {TRAINEE, HIRING_MANAGER})
    assert eventually(lambda: [c.outcome for c in standin.calls_to("chat.update")] == ["message_not_found"])


def test_the_reason_is_held_to_the_modal_s_limit(program: Program, standin: StandIn) -> None:
    p = program
    dm = train(p, standin)
    press(p, standin, HIRING_MANAGER, ActionId.NOT_YET_GRADUATION, dm)
    [view] = eventually(lambda: standin.modal_stack(HIRING_MANAGER))
    [field] = [b for b in view["blocks"] if b.get("block_id") == BlockId.GRADUATION_REASON]
    assert field["element"]["max_length"] == REASON_MAX

    def send(reason: str) -> int:
        state = filled(view, {BlockId.GRADUATION_REASON: reason})
        return p.app.dispatch(
            request(interaction_body(view_submission_payload(HIRING_MANAGER, state)))
        ).status

    assert send("x" * (REASON_MAX + 1)) == 400  # more than the modal lets anyone type: refused
    assert the_request(p).status == "pending"
    assert send("Ask why first.\nThen listen.\n" + "x" * (REASON_MAX - 30)) == 200
    assert eventually(lambda: the_request(p).status == "not_yet")
    deliver(p, standin)
    told = json.dumps(standin.messages(dm_id(TRAINEE)))
    assert ">Ask why first.\\n>Then listen.\\n>x" in told
