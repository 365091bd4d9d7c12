"""'Release scorecards now' on a held-back digest: only the loop's recruiter, hiring manager or an admin."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from blocks.ids import ActionId
from bot.clock import FakeClock
from bot.deps import Deps
from handlers.digest import handle_release_scorecards
from models import CandidateLoop, Delivery, DeliveryKind
from tests.support.factories import snapshot_interview
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


def _click(deps: Deps, client: FakeClient, loop: LoopData, user: str) -> FakeAck:
    ack = FakeAck()
    body = block_action(user, ActionId.RELEASE_SCORECARDS, str(loop.candidate_loop_id))
    body["channel"] = {"id": "C0HIRING"}
    handle_release_scorecards(
        ack=as_ack(ack), body=body, client=as_web_client(client), context=bolt_context(deps)
    )
    return ack


def _state(factory: sessionmaker[Session], loop: LoopData) -> tuple[object, list[str]]:
    with factory() as s:
        cl = s.get_one(CandidateLoop, loop.candidate_loop_id)
        keys = s.scalars(select(Delivery.dedupe_key).where(Delivery.kind == DeliveryKind.DIGEST)).all()
        return cl.scorecards_released_at, list(keys)


def test_a_panelist_cannot_release_the_scores(
    deps: Deps, fake_client: FakeClient, loop_data: LoopData, session_factory: sessionmaker[Session]
) -> None:
    assert _click(deps, fake_client, loop_data, "U2").calls == [{}]
    assert _state(session_factory, loop_data) == (None, [])
    [reply] = fake_client.named("chat_postEphemeral")
    assert (reply["channel"], reply["user"]) == ("C0HIRING", "U2")
    assert "Only this candidate" in reply["text"]


def test_the_hiring_manager_releases_them_once(
    deps: Deps,
    fake_client: FakeClient,
    loop_data: LoopData,
    session_factory: sessionmaker[Session],
    clock: FakeClock,
) -> None:
    with session_factory() as s:
        manager = s.get_one(CandidateLoop, loop_data.candidate_loop_id).hiring_manager
    _click(deps, fake_client, loop_data, manager)
    released, keys = _state(session_factory, loop_data)
    assert released == clock.now()
    assert len(keys) == 1
    assert keys[0].startswith(f"digest.released:cl{loop_data.candidate_loop_id}:")
    _click(deps, fake_client, loop_data, manager)
    assert _state(session_factory, loop_data) == (released, keys)  # a second click changes nothing
    texts = [r["text"] for r in fake_client.named("chat_postEphemeral")]
    assert texts[0].startswith(":unlock: Released")
    assert texts[1] == "The scorecards were already released."


def test_a_hiring_manager_who_owes_feedback_cannot_release_the_scores(
    deps: Deps,
    fake_client: FakeClient,
    session_factory: sessionmaker[Session],
) -> None:
    """Blind rule: sitting on the panel without having submitted, the manager would read the others first."""
    with session_factory.begin() as s:
        i = snapshot_interview(s, [("U0MANAGER", "lead"), ("U2", "interviewer")], starts_at=START)
        loop = LoopData(interview_id=i.id, candidate_loop_id=i.candidate_loop_id)
    _click(deps, fake_client, loop, "U0MANAGER")
    assert _state(session_factory, loop) == (None, [])
    [reply] = fake_client.named("chat_postEphemeral")
    assert reply["user"] == "U0MANAGER"
    assert "your own feedback is not in yet" in reply["text"]
    assert "Open feedback form" in reply["text"]  # says what to do next
