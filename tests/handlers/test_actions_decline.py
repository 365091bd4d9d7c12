"""'I can't make it': the seat is declined, its deliveries stop, the recruiter is told, the DM changes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from blocks.ids import ActionId, BlockId
from blocks.prep import prep_messages
from bot.clock import FakeClock
from bot.delivery import planner
from bot.deps import Deps
from bot.feedback import service as svc
from bot.feedback.logic import FeedbackForm
from bot.settings import Settings
from handlers.feedback import handle_cant_make_it, open_feedback_modal
from models import Delivery, DeliveryKind, Interview, PanelSeat
from tests.support.slack_payloads import (
    START,
    FakeAck,
    FakeClient,
    LoopData,
    as_ack,
    as_web_client,
    block_action,
    bolt_context,
)


def _plan(factory: sessionmaker[Session], loop: LoopData, settings: Settings) -> None:
    with factory.begin() as s:
        planner.plan_interview(
            s, s.get_one(Interview, loop.interview_id), settings, START - timedelta(days=2)
        )


def _click(
    deps: Deps, client: FakeClient, loop: LoopData, user: str, message: dict[str, Any] | None = None
) -> FakeAck:
    ack = FakeAck()
    body = block_action(user, ActionId.CANT_MAKE_IT, str(loop.interview_id), message=message)
    handle_cant_make_it(ack=as_ack(ack), body=body, client=as_web_client(client), context=bolt_context(deps))
    return ack


def _prep_message(factory: sessionmaker[Session], loop: LoopData, clock: FakeClock) -> dict[str, Any]:
    with factory() as s:
        i = s.get_one(Interview, loop.interview_id)
        [m] = prep_messages(i, i.panel[1], clock.now())
        return {"type": "message", "text": m.text, "blocks": m.blocks_dicts(), "ts": "1700000000.000100"}


def test_decline_cancels_the_panelists_deliveries_and_tells_the_recruiter(
    deps: Deps,
    fake_client: FakeClient,
    loop_data: LoopData,
    session_factory: sessionmaker[Session],
    settings: Settings,
    clock: FakeClock,
) -> None:
    _plan(session_factory, loop_data, settings)
    clock.set(START - timedelta(days=1))
    message = _prep_message(session_factory, loop_data, clock)
    ack = _click(deps, fake_client, loop_data, "U2", message)
    assert ack.calls == [{}]
    with session_factory() as s:
        seat = s.scalars(select(PanelSeat).where(PanelSeat.user_id == "U2")).one()
        assert seat.declined_at == clock.now()
        rows = list(s.scalars(select(Delivery)))
    mine = {r.kind: r.status for r in rows if r.recipient == "U2"}
    assert mine
    assert set(mine.values()) == {"cancelled"}
    assert {r.status for r in rows if r.recipient == "U1"} == {"pending"}
    [notice] = [r for r in rows if r.kind == DeliveryKind.NOTICE]
    assert notice.recipient == "U0RECRUIT"
    assert notice.status == "pending"
    assert "<@U2> (interviewer) can't make the *Architecture* with *Ada Lovelace*" in notice.payload["text"]
    [update] = fake_client.named("chat_update")
    assert update["channel"] == "D0DM"
    assert update["ts"] == "1700000000.000100"
    ids = [b.get("block_id") for b in update["blocks"]]
    assert BlockId.PREP_ACTIONS not in ids
    assert ids[-1] == BlockId.PREP_CONFIRMATION
    assert update["blocks"][:-1] == message["blocks"][:-1]


def test_a_second_click_changes_nothing_more(
    deps: Deps,
    fake_client: FakeClient,
    loop_data: LoopData,
    session_factory: sessionmaker[Session],
    clock: FakeClock,
) -> None:
    clock.set(START - timedelta(days=1))
    message = _prep_message(session_factory, loop_data, clock)
    _click(deps, fake_client, loop_data, "U2", message)
    first = clock.now()
    clock.advance(timedelta(minutes=5))
    _click(deps, fake_client, loop_data, "U2", message)
    with session_factory() as s:
        assert s.scalars(select(PanelSeat.declined_at).where(PanelSeat.user_id == "U2")).one() == first
        assert len(list(s.scalars(select(Delivery).where(Delivery.kind == DeliveryKind.NOTICE)))) == 1


def test_non_panelist_gets_an_ephemeral_answer(
    deps: Deps, fake_client: FakeClient, loop_data: LoopData
) -> None:
    _click(deps, fake_client, loop_data, "U9")
    [eph] = fake_client.named("chat_postEphemeral")
    assert eph["user"] == "U9"
    assert eph["channel"] == "D0DM"
    assert "not on the panel" in eph["text"]
    assert fake_client.named("chat_update") == []


def test_declined_panelist_cannot_open_the_form_and_is_no_longer_awaited(
    deps: Deps,
    fake_client: FakeClient,
    loop_data: LoopData,
    session_factory: sessionmaker[Session],
    clock: FakeClock,
) -> None:
    clock.set(START - timedelta(days=1))
    _click(deps, fake_client, loop_data, "U2")
    form = FeedbackForm(ratings={"learn": "yes", "build": "yes"}, recommendation="no", summary="x" * 40)
    with session_factory.begin() as s:
        svc.submit(s, loop_data.interview_id, "U1", form, START + timedelta(hours=2))
        keys = list(s.scalars(select(Delivery.dedupe_key).where(Delivery.kind == DeliveryKind.DIGEST)))
    assert any(k.startswith("digest.all_in:") for k in keys)  # U2 declined, U3 shadows: U1 was the last
    clock.set(START + timedelta(hours=2))
    open_feedback_modal(as_web_client(fake_client), "trig", deps, loop_data.interview_id, "U2")
    view = fake_client.named("views_open")[-1]["view"].to_dict()
    assert "You told us you couldn't make" in view["blocks"][0]["text"]["text"]


def test_after_the_interview_declining_is_refused(
    deps: Deps, fake_client: FakeClient, loop_data: LoopData, session_factory: sessionmaker[Session]
) -> None:
    _click(deps, fake_client, loop_data, "U2")  # the clock stands just after the interview
    [eph] = fake_client.named("chat_postEphemeral")
    assert "already taken place" in eph["text"]
    with session_factory() as s:
        assert s.scalars(select(PanelSeat.declined_at).where(PanelSeat.user_id == "U2")).one() is None
