"""App Home: the queries (constant statement count), the event handler and its buttons."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from blocks.ids import ActionId
from bot.deps import Deps
from bot.home.publish import build_home
from bot.home.queries import load_home, load_status, runs_loops
from handlers.home import (
    handle_app_home_opened,
    handle_show_status,
    handle_view_full_kit,
)
from models import Candidate, CandidateLoop, Feedback, Interview, InterviewType, PanelSeat
from tests.support.factories import GUIDANCE, RUBRIC_SNAPSHOT, candidate_loop, kit
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

USER = "U0BUSY"


@contextmanager
def counting(session: Session) -> Iterator[list[str]]:
    """Every SQL statement the session sends while inside the block."""
    statements: list[str] = []
    engine = session.connection().engine

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def interview_row(cl_id: int, type_id: int, start: datetime) -> Interview:
    return Interview(
        candidate_loop_id=cl_id,
        stage_key="team",
        interview_type_id=type_id,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        guidance=dict(GUIDANCE),
    )


def history(s: Session, past: int, now: datetime) -> None:
    """USER sat on `past` interviews (most submitted, some due, some drafts) and runs a loop per ten."""
    kind = InterviewType(slug=f"bulk-{past}", name="Architecture", duration_minutes=60, panel=[])
    base = candidate_loop(s, name="Base", rubric_slug=f"r{past}", loop_slug=f"l{past}")
    s.add(kind)
    s.flush()
    loops = []
    for n in range(max(1, past // 10)):
        cl = CandidateLoop(
            candidate=Candidate(name=f"Cand {n}"),
            loop_id=base.loop_id,
            hiring_channel="C0HIRING",
            recruiter=USER,
            hiring_manager="U0MANAGER",
            rubric=dict(RUBRIC_SNAPSHOT),
        )
        loops.append(cl)
    s.add_all(loops)
    s.flush()
    rows: list[Any] = []
    for n in range(past):
        start = now - timedelta(days=1, hours=n)
        i = interview_row(loops[n % len(loops)].id, kind.id, start)
        i.panel = [PanelSeat(user_id=USER, role="lead", position=0, kit=kit()),
                   PanelSeat(user_id="U0OTHER", role="interviewer", position=1, kit=kit())]  # fmt: skip
        rows.append(i)
    s.add_all(rows)
    s.flush()
    feedback = [
        Feedback(
            interview_id=i.id,
            interviewer=USER,
            status="draft" if n % 7 == 0 else "submitted",
            ratings={"learn": "yes"},
            recommendation="yes",
            summary="x" * 40,
            submitted_at=None if n % 7 == 0 else i.ends_at + timedelta(hours=2),
        )  # fmt: skip
        for n, i in enumerate(rows)
        if n % 5 != 0
    ]
    s.add_all(feedback)
    up = interview_row(loops[0].id, kind.id, now + timedelta(days=1))
    up.panel = [PanelSeat(user_id=USER, role="interviewer", position=0, kit=kit())]
    s.add(up)
    s.flush()


def statements_for(session: Session, past: int) -> tuple[int, Any]:
    now = datetime(2027, 6, 1, 12, 0, tzinfo=UTC)
    history(session, past, now)
    session.expunge_all()
    with counting(session) as statements:
        view = build_home(session, USER, now, admins=())
    return len(statements), view


def test_home_costs_the_same_few_statements_for_10_or_1000_past_interviews(session: Session) -> None:
    small, small_view = statements_for(session, 10)
    session.rollback()
    large, large_view = statements_for(session, 1000)
    assert small == large <= 10, (small, large)
    assert small <= 8
    text = json.dumps(large_view.to_dict())
    assert "*Feedback due (20)*" in text  # LIMITed: the oldest twenty of 343 due forms
    assert "*Recently submitted*" in text
    assert "*Candidate loops you run*" in text
    assert len(large_view.blocks) <= 100


def test_load_home_sorts_seats_into_upcoming_due_and_recent(
    session_factory: sessionmaker[Session], loop_data: LoopData
) -> None:
    at = START + timedelta(hours=3)
    s = session_factory()
    data = load_home(s, "U1", START - timedelta(hours=1))
    assert [x.interview.id for x in data.upcoming] == [loop_data.interview_id]
    assert not data.due
    data = load_home(s, "U1", at)
    assert not data.upcoming
    assert [x.interview.id for x in data.due] == [loop_data.interview_id]
    assert load_home(s, "U3", at).due == []  # observers owe nothing
    s.add(Feedback(interview_id=loop_data.interview_id, interviewer="U1", status="submitted",
                   recommendation="yes", submitted_at=at))  # fmt: skip
    s.flush()
    data = load_home(s, "U1", at)
    assert data.due == []
    assert [x.feedback.recommendation for x in data.recent if x.feedback] == ["yes"]
    assert not data.manages
    assert runs_loops(s, "U0RECRUIT")
    assert runs_loops(s, "U9", admins=["U9"])
    recruiter = load_home(s, "U0RECRUIT", at)
    assert recruiter.manages
    assert [x.cl.id for x in recruiter.loops] == [loop_data.candidate_loop_id]
    assert recruiter.loops[0].submitted == {(loop_data.interview_id, "U1")}
    assert [x.cl.id for x in load_home(s, "U9", at, admins=["U9"]).loops] == [loop_data.candidate_loop_id]
    item = load_status(s, loop_data.candidate_loop_id)
    assert item is not None
    assert item.submitted == {(loop_data.interview_id, "U1")}


def test_a_debriefed_loop_stays_on_the_managers_home_for_two_weeks(
    session_factory: sessionmaker[Session], loop_data: LoopData
) -> None:
    s = session_factory()
    cl = s.get_one(CandidateLoop, loop_data.candidate_loop_id)
    cl.digest_channel, cl.digest_ts = "C0HIRING", "1700000000.000100"
    s.flush()
    ended = s.get_one(Interview, loop_data.interview_id).ends_at
    day_after = load_home(s, "U0MANAGER", ended + timedelta(days=1))
    assert [x.cl.id for x in day_after.loops] == [loop_data.candidate_loop_id]
    assert load_home(s, "U0MANAGER", ended + timedelta(days=15)).loops == []


@pytest.mark.usefixtures("loop_data")
def test_app_home_opened_publishes_the_users_home(deps: Deps, fake_client: FakeClient) -> None:
    client, context = as_web_client(fake_client), bolt_context(deps)
    handle_app_home_opened({"type": "app_home_opened", "user": "U2", "tab": "home"}, client, context)
    handle_app_home_opened({"type": "app_home_opened", "user": "U2", "tab": "messages"}, client, context)
    [call] = fake_client.named("views_publish")
    assert call["user_id"] == "U2"
    assert call["view"].type == "home"
    assert "Open feedback form" in json.dumps(call["view"].to_dict())  # the interview just ended


def test_view_prep_opens_the_kit_for_panelists_only(
    deps: Deps, fake_client: FakeClient, loop_data: LoopData
) -> None:
    for user in ("U1", "U9"):
        ack = FakeAck()
        body = block_action(user, ActionId.VIEW_FULL_KIT, str(loop_data.interview_id))
        handle_view_full_kit(as_ack(ack), body, as_web_client(fake_client), bolt_context(deps))
        assert ack.calls == [{}]
    mine, other = (c["view"].to_dict() for c in fake_client.named("views_open"))
    assert mine["callback_id"] == "full_kit_modal"
    assert "Tell me about q-learn." in json.dumps(mine)
    assert "not on that interview" in json.dumps(other)


def test_status_from_home_is_refused_to_panelists(
    deps: Deps, fake_client: FakeClient, loop_data: LoopData
) -> None:
    for user in ("U1", "U0RECRUIT"):
        body = block_action(user, ActionId.SHOW_STATUS, str(loop_data.candidate_loop_id))
        handle_show_status(as_ack(FakeAck()), body, as_web_client(fake_client), bolt_context(deps))
    refused, shown = (json.dumps(c["view"].to_dict()) for c in fake_client.named("views_open"))
    assert "Only this candidate's recruiter" in refused
    assert "<@U1>" not in refused
    assert "Status: Ada Lovelace" in shown
    assert ":hourglass: not in yet" in shown
    assert "move_interview" not in shown  # the interview is over: nothing left to move
