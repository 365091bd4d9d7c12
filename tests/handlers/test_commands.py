"""`/loop` called directly: help, status (authorization), feedback, prep re-send, schedule."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from blocks.ids import ActionId, BlockId
from bot.clock import FakeClock
from bot.deps import Deps
from handlers.commands import HELP, handle_loop_command
from models import Delivery, DeliveryKind, Feedback, Loop
from tests.support.factories import candidate_loop, snapshot_interview
from tests.support.slack_payloads import (
    START,
    FakeAck,
    FakeClient,
    LoopData,
    as_ack,
    as_web_client,
    bolt_context,
)


def command(text: str, user: str = "U1", channel: str = "C0SOMEWHERE") -> dict[str, Any]:
    return {"command": "/loop", "text": text, "user_id": user, "channel_id": channel, "trigger_id": "t1"}


def run(deps: Deps, client: FakeClient, text: str, user: str = "U1") -> FakeAck:
    ack = FakeAck()
    handle_loop_command(as_ack(ack), command(text, user), as_web_client(client), bolt_context(deps))
    return ack


def reply(client: FakeClient) -> str:
    return json.dumps(client.named("chat_postEphemeral")[-1], ensure_ascii=False)


def test_help_and_unknown_input_answer_in_the_ack(deps: Deps, fake_client: FakeClient) -> None:
    for text in ("", "help", "HELP"):
        [ack] = run(deps, fake_client, text).calls
        assert ack["response_type"] == "ephemeral"
        assert ack["blocks"][0]["text"]["text"] == HELP
    [ack] = run(deps, fake_client, "frobnicate the thing").calls
    shown = ack["blocks"][0]["text"]["text"]
    assert shown.startswith(":grey_question: `/loop frobnicate` is not a loopbot command.\n")
    assert "Did you mean" not in shown
    assert shown.endswith(HELP)
    [ack] = run(deps, fake_client, "stauts Ada").calls
    assert "Did you mean `/loop status`?" in ack["blocks"][0]["text"]["text"]
    assert "`/loop status &lt;candidate&gt;`" in HELP
    assert "<candidate>" not in HELP
    assert fake_client.calls == []


@pytest.mark.usefixtures("loop_data")
def test_status_is_for_the_recruiter_hiring_manager_and_admins(deps: Deps, fake_client: FakeClient) -> None:
    assert run(deps, fake_client, "status ada", user="U1").calls == [{}]
    assert "Only this candidate's recruiter" in reply(fake_client)
    assert "<@U2>" not in reply(fake_client)
    run(deps, fake_client, "status Ada", user="U0RECRUIT")
    shown = reply(fake_client)
    assert "Status: Ada Lovelace" in shown
    assert "<@U2> (interviewer)" in shown
    assert fake_client.named("chat_postEphemeral")[-1]["user"] == "U0RECRUIT"
    deps.settings.admins = ["U0ADMIN"]
    run(deps, fake_client, "status lovelace", user="U0ADMIN")
    assert "Status: Ada Lovelace" in reply(fake_client)
    run(deps, fake_client, "status Grace", user="U0RECRUIT")
    assert "No candidate matches “Grace”" in reply(fake_client)
    run(deps, fake_client, "status", user="U0RECRUIT")
    assert "Which candidate?" in reply(fake_client)


def test_status_with_several_matches_asks_which(
    deps: Deps, fake_client: FakeClient, session_factory: sessionmaker[Session]
) -> None:
    with session_factory.begin() as s:
        snapshot_interview(s, [("U1", "lead")], candidate="Ada Lovelace")
        other = candidate_loop(s, name="Ada <b>Byron</b>", rubric_slug="eng2", loop_slug="swe2")
        snapshot_interview(s, [("U1", "lead")], cl=other, type_slug="other")
    run(deps, fake_client, "status ada", user="U0RECRUIT")
    shown = reply(fake_client)
    assert "Several candidates match" in shown
    assert "Ada &lt;b&gt;Byron&lt;/b&gt;" in shown
    run(deps, fake_client, "status ada lovelace", user="U0RECRUIT")
    assert "Status: Ada Lovelace" in reply(fake_client)


@pytest.mark.usefixtures("loop_data")
def test_the_query_is_text_not_a_pattern(deps: Deps, fake_client: FakeClient) -> None:
    run(deps, fake_client, "status %", user="U0RECRUIT")
    assert "No candidate matches “%”" in reply(fake_client)


def test_feedback_lists_pending_forms_with_their_buttons(
    deps: Deps, fake_client: FakeClient, loop_data: LoopData, session_factory: sessionmaker[Session]
) -> None:
    run(deps, fake_client, "feedback", user="U1")
    shown = fake_client.named("chat_postEphemeral")[-1]
    buttons = [b["accessory"] for b in shown["blocks"] if b.get("accessory")]
    assert [(b["action_id"], b["value"]) for b in buttons] == [
        (ActionId.OPEN_FEEDBACK, str(loop_data.interview_id))
    ]
    with session_factory.begin() as s:
        s.add(
            Feedback(
                interview_id=loop_data.interview_id, interviewer="U1", status="submitted", submitted_at=START
            )
        )
    run(deps, fake_client, "feedback", user="U1")
    assert "No feedback due" in reply(fake_client)


@pytest.mark.usefixtures("loop_data")
def test_feedback_lists_a_form_as_soon_as_the_interview_starts_as_app_home_does(
    deps: Deps, fake_client: FakeClient, clock: FakeClock
) -> None:
    clock.set(START + timedelta(minutes=30))  # under way: the form is open, the interview not over
    run(deps, fake_client, "feedback", user="U1")
    shown = fake_client.named("chat_postEphemeral")[-1]
    assert "Open now" in json.dumps(shown["blocks"])
    assert "Feedback due (1)" in json.dumps(shown["blocks"])
    run(deps, fake_client, "feedback", user="U3")  # a shadow may give feedback, but owes none
    assert "No feedback due" in reply(fake_client)
    clock.set(START - timedelta(minutes=5))
    run(deps, fake_client, "feedback", user="U1")
    assert "No feedback due" in reply(fake_client)


def test_prep_goes_through_the_outbox_once_per_minute(
    deps: Deps,
    fake_client: FakeClient,
    loop_data: LoopData,
    clock: FakeClock,
    session_factory: sessionmaker[Session],
) -> None:
    clock.set(START - timedelta(hours=3))
    run(deps, fake_client, "prep ada", user="U2")
    run(deps, fake_client, "prep ADA", user="U2")  # a repeat in the same minute
    assert "on its way to your DM" in reply(fake_client)
    run(deps, fake_client, "prep ada", user="U9")
    assert "no upcoming interview" in reply(fake_client)
    with session_factory() as s:
        rows = s.scalars(select(Delivery).where(Delivery.dedupe_key.like("prep.resend:%"))).all()
    assert [(r.kind, r.recipient, r.interview_id, r.due_at) for r in rows] == [
        (DeliveryKind.PREP, "U2", loop_data.interview_id, clock.now())
    ]
    assert rows[0].expires_at == START


def test_schedule_opens_the_modal_or_refuses(deps: Deps, fake_client: FakeClient) -> None:
    run(deps, fake_client, "schedule", user="U1")
    [opened] = fake_client.named("views_open")
    assert opened["trigger_id"] == "t1"
    assert "Only a loop's recruiter" in json.dumps(opened["view"].to_dict())


class NotInChannel(FakeClient):
    def chat_postEphemeral(self, **_kwargs: Any) -> None:
        raise SlackApiError(  # type: ignore[no-untyped-call]  # slack_sdk leaves __init__ unannotated
            "nope",
            SlackResponse(
                client=None,
                http_verb="POST",
                api_url="",
                req_args={},
                data={"ok": False, "error": "channel_not_found"},
                headers={},
                status_code=200,
            ),
        )


@pytest.mark.usefixtures("loop_data")
def test_replies_fall_back_to_the_dm_where_the_bot_cannot_post(deps: Deps) -> None:
    client = NotInChannel()
    run(deps, client, "feedback", user="U1")
    [dm] = client.named("chat_postMessage")
    assert dm["channel"] == "U1"
    assert "Feedback due" in json.dumps(dm["blocks"])


@pytest.mark.usefixtures("loop_data")
def test_status_finds_the_users_own_loop_among_many_namesakes(
    deps: Deps, fake_client: FakeClient, session_factory: sessionmaker[Session]
) -> None:
    """Other teams' newer candidates of the same name neither crowd out nor reveal anything."""
    with session_factory.begin() as s:
        for n in range(21):
            other = candidate_loop(s, name=f"Ada Other {n}", rubric_slug=f"r{n}", loop_slug=f"l{n}")
            other.recruiter, other.hiring_manager = "U0ELSEWHERE", "U0ELSEWHERE"
    run(deps, fake_client, "status ada", user="U0RECRUIT")
    shown = reply(fake_client)
    assert "Status: Ada Lovelace" in shown
    assert "Ada Other" not in shown
    run(deps, fake_client, "status ada other 3", user="U0RECRUIT")
    assert "No candidate matches" in reply(fake_client)


@pytest.mark.usefixtures("loop_data")
def test_schedule_with_a_loop_chooses_it_and_an_unknown_one_says_so(
    deps: Deps, fake_client: FakeClient
) -> None:
    deps.settings.admins = ["U0ADMIN"]
    with deps.session_factory.begin() as s:  # two loops, so that neither is chosen by default
        swe = s.scalars(select(Loop).where(Loop.slug == "swe")).one()
        s.add(Loop(slug="sre", name="Site reliability", role="SRE", rubric_id=swe.rubric_id))
    run(deps, fake_client, "schedule Software Engineer", user="U0ADMIN")
    [opened] = fake_client.named("views_open")
    [chooser] = [b for b in opened["view"].to_dict()["blocks"] if b.get("block_id") == BlockId.LOOP]
    assert chooser["element"]["initial_option"]["value"] == "swe"
    assert fake_client.named("chat_postEphemeral") == []

    run(deps, fake_client, "schedule swf", user="U0ADMIN")
    assert len(fake_client.named("views_open")) == 2  # the form opens anyway, with no loop chosen
    assert "There is no loop `swf` for you to schedule: choose one in the form. Did you mean `swe`?" in reply(
        fake_client
    )


def test_an_unknown_subcommand_is_quoted_back_as_one_line_of_code(
    deps: Deps, fake_client: FakeClient
) -> None:
    [ack] = run(deps, fake_client, "x`https://evil.example/login`").calls
    shown = ack["blocks"][0]["text"]["text"]
    assert shown.startswith(":grey_question: `/loop x'https://evil.example/login'` is not a loopbot command.")
