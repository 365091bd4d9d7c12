"""Scheduling handlers called directly: open, rebuild, submit (errors and success), move, reassign, cancel."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View
from slack_sdk.web import SlackResponse
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from blocks.ids import ActionId, BlockId
from bot.clock import FakeClock
from bot.content.importer import import_bundle
from bot.content.loader import load_content
from bot.deps import Deps
from bot.scheduling import InterviewIn, PanelistIn, ScheduleRequest, schedule_loop
from bot.settings import load_settings
from handlers import changes as c
from handlers import scheduling as h
from models import CandidateLoop, Delivery, DeliveryKind, Interview, PanelSeat
from tests.blocks.test_schedule import state_of
from tests.support.content_files import EXAMPLES
from tests.support.slack_payloads import (
    Call,
    FakeAck,
    FakeClient,
    as_ack,
    as_web_client,
    block_action,
    bolt_context,
    view_payload,
)

RECRUITER, MANAGER = "U0RECRUITER", "U0HIRINGMGR"
NOW = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
T1 = datetime(2030, 3, 5, 14, 0, tzinfo=UTC)


@pytest.fixture
def content(session_factory: sessionmaker[Session], clock: FakeClock) -> None:
    clock.set(NOW)
    with session_factory.begin() as s:
        import_bundle(s, load_content([EXAMPLES]))


def opened(client: FakeClient) -> dict[str, Any]:
    view: View = client.named("views_open")[-1]["view"]
    return view.to_dict()


def with_state(view: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """The view as submitted: initial values, with `answers` ({block_id: state dict}) on top."""
    state = state_of(view)
    for block, value in answers.items():
        action = next(iter(state[block]))
        state[block][action].update(value)
    return {**view, "id": "V1", "hash": "h1", "state": {"values": state}}


def open_modal(deps: Deps, client: FakeClient, user: str = RECRUITER) -> dict[str, Any]:
    h.handle_open_schedule(
        as_ack(FakeAck()),
        block_action(user, ActionId.OPEN_SCHEDULE, ""),
        as_web_client(client),
        bolt_context(deps),
    )
    return opened(client)


def choose(
    deps: Deps, client: FakeClient, view: dict[str, Any], answers: dict[str, Any], action: str
) -> dict[str, Any]:
    body = block_action(RECRUITER, action, "")
    body["view"] = with_state(view, answers)
    body["container"] = {"type": "view", "view_id": "V1"}
    h.handle_form_change(as_ack(FakeAck()), body, as_web_client(client), bolt_context(deps))
    call = client.named("views_update")[-1]
    assert (call["view_id"], call["hash"]) == ("V1", "h1")
    updated: View = call["view"]
    return updated.to_dict()


def opt(value: str) -> dict[str, Any]:
    return {"selected_option": {"text": {"type": "plain_text", "text": value}, "value": value}}


def team_interview(
    n: int, start: datetime, lead: str, interviewers: list[str] | None = None
) -> dict[str, Any]:
    return {
        f"{BlockId.STAGE}{n}": opt("team-interviews"),
        f"{BlockId.START}{n}": {"selected_date_time": int(start.timestamp())},
        f"{BlockId.LEAD}{n}": {"selected_users": [lead] if lead else []},
        f"{BlockId.INTERVIEWERS}{n}": {"selected_users": interviewers or []},
    }


def planned_view(deps: Deps, client: FakeClient) -> dict[str, Any]:
    """The modal after choosing the infra loop and adding a second interview."""
    first = open_modal(deps, client)
    answers: dict[str, Any] = {
        BlockId.CANDIDATE: {"value": "<!channel> Eve"},
        BlockId.LOOP: opt("infrastructure-manager"),
    }
    chosen = choose(deps, client, first, answers, ActionId.CHOOSE_LOOP)
    return choose(deps, client, chosen, team_interview(0, T1, "U0ALICE"), ActionId.ADD_INTERVIEW)


def submit(deps: Deps, view: dict[str, Any], answers: dict[str, Any], user: str = RECRUITER) -> FakeAck:
    ack = FakeAck()
    submitted = with_state(view, answers)
    h.handle_schedule_submission(
        as_ack(ack),
        view_payload("view_submission", user, submitted),
        submitted,
        deps.client,
        bolt_context(deps),
    )
    return ack


@pytest.mark.usefixtures("content")
def test_schedule_modal_is_for_recruiters_hiring_managers_and_admins(
    deps: Deps, fake_client: FakeClient
) -> None:
    view = open_modal(deps, fake_client)
    loops = next(b for b in view["blocks"] if b.get("block_id") == BlockId.LOOP)["element"]["options"]
    assert {o["value"] for o in loops} == {
        "infrastructure-manager",
        "software-engineer",
        "developer-advocate",
    }
    refused = open_modal(deps, fake_client, user="U0NOBODY")
    assert "Only a loop's recruiter" in json.dumps(refused)
    assert not refused.get("callback_id")
    deps.settings.admins = ["U0NOBODY"]
    assert open_modal(deps, fake_client, user="U0NOBODY")["callback_id"] == "schedule_modal"


@pytest.mark.usefixtures("content")
def test_choosing_a_loop_and_adding_an_interview_keep_what_was_typed(
    deps: Deps, fake_client: FakeClient
) -> None:
    view = planned_view(deps, fake_client)
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks[BlockId.CANDIDATE]["element"]["initial_value"] == "<!channel> Eve"
    assert blocks[f"{BlockId.STAGE}0"]["element"]["initial_option"]["value"] == "team-interviews"
    assert blocks[f"{BlockId.LEAD}0"]["element"]["initial_users"] == ["U0ALICE"]
    assert f"{BlockId.STAGE}1" in blocks
    assert blocks[BlockId.CHANNEL]["element"]["initial_conversation"] == "C0HIRING"
    sets = {o["value"] for o in blocks[f"{BlockId.QUESTION_SET}0"]["element"]["options"]}
    assert {"auto", "im-set-a", "im-set-b", "im-set-c"} <= sets


@pytest.mark.usefixtures("content")
def test_problems_come_back_inline_and_nothing_is_written(
    deps: Deps, fake_client: FakeClient, session_factory: sessionmaker[Session]
) -> None:
    view = planned_view(deps, fake_client)
    answers = {
        **team_interview(0, T1, ""),  # no lead
        **team_interview(1, NOW - timedelta(days=1), "U0CAROL"),  # in the past
    }
    [ack] = submit(deps, view, answers).calls
    assert ack == {
        "response_action": "errors",
        "errors": {f"{BlockId.LEAD}0": "Choose the panel: at least a lead."},
    }
    answers[f"{BlockId.INTERVIEWERS}0"] = {"selected_users": ["U0DAVE"]}  # a panel, but no lead
    [ack] = submit(deps, view, answers).calls
    assert set(ack["errors"]) == {f"{BlockId.LEAD}0", f"{BlockId.START}1"}, ack["errors"]
    assert "needs 1 lead" in ack["errors"][f"{BlockId.LEAD}0"]
    clash = {
        **team_interview(0, T1, "U0ALICE"),
        **team_interview(1, T1 + timedelta(minutes=10), "U0BOB", ["U0ALICE"]),
    }
    [ack] = submit(deps, view, clash).calls
    assert list(ack["errors"]) == [f"{BlockId.INTERVIEWERS}1"]
    assert "U0ALICE" in ack["errors"][f"{BlockId.INTERVIEWERS}1"]
    [ack] = submit(deps, view, team_interview(0, T1, "U0ALICE"), user="U0ENGLEAD").calls
    assert "Only this loop's recruiter" in ack["errors"][BlockId.LOOP]
    with session_factory() as s:
        assert s.scalars(select(CandidateLoop)).all() == []


class OutsideClient(FakeClient):
    """The hiring channel is private and loopbot was never invited: invisible to it, as in Slack."""

    def conversations_info(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(Call("conversations_info", kwargs))
        response = SlackResponse(
            client=None, http_verb="POST", api_url="", req_args={}, headers={}, status_code=200,
            data={"ok": False, "error": "channel_not_found"},
        )  # fmt: skip
        raise SlackApiError("channel_not_found", response)  # type: ignore[no-untyped-call]


@pytest.mark.usefixtures("content")
def test_a_hiring_channel_loopbot_cannot_post_in_is_refused_inline_before_anything_is_written(
    deps: Deps, session_factory: sessionmaker[Session]
) -> None:
    """The digest would fail days later with not_in_channel: say so now, at the channel field."""
    outside = OutsideClient()
    deps = replace(deps, client=as_web_client(outside))
    view = planned_view(deps, outside)
    [ack] = submit(deps, view, team_interview(0, T1, "U0ALICE")).calls
    assert ack["response_action"] == "errors"
    [(block, text)] = ack["errors"].items()
    assert block == BlockId.CHANNEL
    assert "`/invite @loopbot`" in text
    assert [c.method for c in outside.calls if c.method.startswith("conversations")] == ["conversations_info"]
    with session_factory() as s:
        assert s.scalars(select(CandidateLoop)).all() == []


@pytest.mark.usefixtures("content")
def test_a_valid_form_schedules_the_loop_and_refreshes_homes(
    deps: Deps, fake_client: FakeClient, session_factory: sessionmaker[Session]
) -> None:
    view = planned_view(deps, fake_client)
    answers = {
        **team_interview(0, T1, "U0ALICE", ["U0DAVE"]),
        **team_interview(1, T1 + timedelta(hours=2), "U0CAROL"),
    }
    [ack] = submit(deps, view, answers).calls
    assert ack["response_action"] == "update"
    shown = json.dumps(ack["view"].to_dict())
    assert "&lt;!channel&gt; Eve" in shown
    assert "<!channel>" not in shown
    assert "<@U0DAVE> (interviewer)" in shown
    with session_factory() as s:
        [cl] = s.scalars(select(CandidateLoop)).all()
        assert (cl.candidate.name, cl.recruiter, cl.hiring_channel) == (
            "<!channel> Eve",
            RECRUITER,
            "C0HIRING",
        )
        first, second = cl.interviews
        assert [(p.user_id, p.role) for p in first.panel] == [("U0ALICE", "lead"), ("U0DAVE", "interviewer")]
        assert first.panel[0].kit["slug"] != first.panel[1].kit["slug"]  # automatic sets do not repeat
        kinds = {d.kind for d in s.scalars(select(Delivery).where(Delivery.interview_id == first.id))}
        assert DeliveryKind.PREP in kinds
    published = {c["user_id"] for c in fake_client.named("views_publish")}
    assert {RECRUITER, MANAGER, "U0ALICE", "U0DAVE", "U0CAROL"} <= published


def scheduled(session_factory: sessionmaker[Session]) -> Interview:
    request = ScheduleRequest(
        candidate="Ada Lovelace",
        loop="infrastructure-manager",
        interviews=[
            InterviewIn(
                stage="team-interviews",
                start=T1,
                panel=[
                    PanelistIn(user="U0ALICE", role="lead"),
                    PanelistIn(user="U0DAVE", role="interviewer"),
                ],
            )
        ],
    )
    with session_factory.begin() as s:
        cl = schedule_loop(s, request, load_settings(), NOW)
        return cl.interviews[0]


def change_submission(
    deps: Deps, kind: str, view: dict[str, Any], answers: dict[str, Any], user: str
) -> FakeAck:
    ack = FakeAck()
    submitted = with_state(view, answers)
    handler = c.handle_move_submission if kind == "move" else c.handle_reassign_submission
    handler(as_ack(ack), view_payload("view_submission", user, submitted), submitted, bolt_context(deps))
    return ack


@pytest.mark.usefixtures("content")
def test_move_is_refused_to_others_and_moves_for_the_recruiter(
    deps: Deps, fake_client: FakeClient, session_factory: sessionmaker[Session]
) -> None:
    i = scheduled(session_factory)
    c.handle_move_button(
        as_ack(FakeAck()),
        block_action("U0ALICE", ActionId.MOVE_INTERVIEW, str(i.id)),
        as_web_client(fake_client),
        bolt_context(deps),
    )
    assert "Only this candidate's recruiter" in json.dumps(opened(fake_client))
    c.handle_move_button(
        as_ack(FakeAck()),
        block_action(RECRUITER, ActionId.MOVE_INTERVIEW, str(i.id)),
        as_web_client(fake_client),
        bolt_context(deps),
    )
    view = opened(fake_client)
    past: dict[str, Any] = {
        BlockId.NEW_START: {"selected_date_time": int((NOW - timedelta(hours=1)).timestamp())}
    }
    [ack] = change_submission(deps, "move", view, past, RECRUITER).calls
    assert ack == {"response_action": "errors", "errors": {BlockId.NEW_START: "starts in the past"}}
    later = T1 + timedelta(days=1)
    [ack] = change_submission(
        deps, "move", view, {BlockId.NEW_START: {"selected_date_time": int(later.timestamp())}}, MANAGER
    ).calls
    assert ack["response_action"] == "update"
    with session_factory() as s:
        assert s.get_one(Interview, i.id).starts_at == later


@pytest.mark.usefixtures("content")
def test_reassign_swaps_the_seat_or_says_why_not(
    deps: Deps, fake_client: FakeClient, session_factory: sessionmaker[Session]
) -> None:
    i = scheduled(session_factory)
    c.handle_reassign_button(
        as_ack(FakeAck()),
        block_action(RECRUITER, ActionId.REASSIGN_PANELIST, str(i.id)),
        as_web_client(fake_client),
        bolt_context(deps),
    )
    view = opened(fake_client)
    old: dict[str, Any] = {BlockId.OLD_USER: {"selected_option": {"value": "U0DAVE"}}}
    [ack] = change_submission(
        deps, "reassign", view, {**old, BlockId.NEW_USER: {"selected_user": "U0ALICE"}}, RECRUITER
    ).calls
    assert ack["response_action"] == "errors"
    assert "already on" in ack["errors"][BlockId.NEW_USER]
    [ack] = change_submission(
        deps, "reassign", view, {**old, BlockId.NEW_USER: {"selected_user": "U0ERIN"}}, RECRUITER
    ).calls
    assert ack["response_action"] == "update"
    with session_factory() as s:
        seats = s.scalars(select(PanelSeat.user_id).where(PanelSeat.interview_id == i.id)).all()
        assert sorted(seats) == ["U0ALICE", "U0ERIN"]


@pytest.mark.usefixtures("content")
def test_cancel_from_the_status_message_cancels_and_shows_the_new_status(
    deps: Deps, fake_client: FakeClient, session_factory: sessionmaker[Session]
) -> None:
    i = scheduled(session_factory)
    c.handle_cancel(
        as_ack(FakeAck()),
        block_action("U0DAVE", ActionId.CANCEL_INTERVIEW, str(i.id)),
        as_web_client(fake_client),
        bolt_context(deps),
    )
    [refusal] = fake_client.named("chat_postEphemeral")
    assert "Only this candidate's recruiter" in refusal["text"]
    c.handle_cancel(
        as_ack(FakeAck()),
        block_action(RECRUITER, ActionId.CANCEL_INTERVIEW, str(i.id)),
        as_web_client(fake_client),
        bolt_context(deps),
    )
    status = fake_client.named("chat_postEphemeral")[-1]
    assert status["user"] == RECRUITER
    assert "cancelled" in json.dumps(status["blocks"])
    with session_factory() as s:
        assert s.get_one(Interview, i.id).status == "cancelled"
        notices = s.scalars(select(Delivery.recipient).where(Delivery.kind == DeliveryKind.NOTICE)).all()
        assert sorted(notices) == ["U0ALICE", "U0DAVE"]
