"""The blind rule on every surface: whoever owes feedback on a loop sees none of its scores, scorecards
or private notes, wherever they look. The rule is bot/feedback/logic.py `may_see_feedback`, read from
the database by bot/feedback/blind.py `can_see_feedback`.

The case that matters: the hiring manager also sits on the panel and has not submitted yet, while a
colleague's scorecard (with a private note) is in. Every surface is reached through signed requests to
`create_app()`, with the Web API on the Slack stand-in.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from slack_bolt import App
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from blocks.ids import ActionId
from bot.app import create_app
from bot.clock import FakeClock
from bot.delivery import planner
from bot.settings import Settings
from bot.standin import StandIn
from bot.standin.signing import (
    app_home_opened,
    block_actions_payload,
    event_body,
    interaction_body,
    slash_command_body,
)
from bot.standin.workspace import default_workspace
from models import CandidateLoop, Delivery, DeliveryKind, DeliveryStatus, Feedback
from tests.support.factories import snapshot_interview, submitted_feedback
from tests.support.slack_payloads import SECRET, START, close_homes, signed_request

LEAD, MANAGER, RECRUITER = "U0ENGLEAD", "U0MANAGER", "U0RECRUIT"
SECRETS = ("SECRET-SUMMARY", "SECRET-NOTE")
SCORES = ("Strong No", "strong_no")  # the colleague's call (a form offers it as a choice, of course)


@dataclass
class Loop:
    app: App
    standin: StandIn
    factory: sessionmaker[Session]
    interview_id: int
    cl_id: int
    lead_feedback: int


@pytest.fixture
def loop(fresh_session_factory: sessionmaker[Session]) -> Iterator[Loop]:
    with fresh_session_factory.begin() as s:
        i = snapshot_interview(s, [(LEAD, "lead"), (MANAGER, "interviewer")], starts_at=START)
        fb = submitted_feedback(
            s,
            i,
            LEAD,
            recommendation="strong_no",
            summary="SECRET-SUMMARY: weak on every question we asked.",
            private_note="SECRET-NOTE: do not share",
        )
        ids = (i.id, i.candidate_loop_id, fb.id)
    with StandIn(workspace=default_workspace(auto_users=True)) as standin:
        settings = Settings(
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_API_URL=standin.url,
            _env_file=None,
        )
        clock = FakeClock(START + timedelta(hours=3))
        app = create_app(settings, fresh_session_factory, clock=clock, process_before_response=True)
        yield Loop(app, standin, fresh_session_factory, *ids)
        close_homes(app)


def click(loop: Loop, user: str, action: str, value: str) -> None:
    payload = block_actions_payload(user, action, value, trigger_id=loop.standin.new_trigger_id(user))
    assert loop.app.dispatch(signed_request(interaction_body(payload))).status == 200


def shown_to(loop: Loop, user: str) -> str:
    """Everything loopbot sent `user` so far: modals, homes, ephemerals and DMs."""
    calls = [c.args for c in loop.standin.calls if user in (c.args.get("user"), c.args.get("user_id"))]
    calls += [c.args for c in loop.standin.calls if c.args.get("channel") == user]
    calls += [{"view": v} for v in loop.standin.modal_stack(user)]
    return json.dumps(calls, ensure_ascii=False)


def assert_blind(text: str, form: bool = False) -> None:
    assert text != "[]", "nothing was shown"
    for secret in SECRETS if form else SECRETS + SCORES:
        assert secret not in text


def test_app_home_of_a_hiring_manager_who_owes_feedback(loop: Loop) -> None:
    assert loop.app.dispatch(signed_request(event_body(app_home_opened(MANAGER)))).status == 200
    home = json.dumps(loop.standin.home(MANAGER))
    assert "Candidate loops you run" in home  # they do see the loop they run, without its scores
    assert_blind(home)


def test_loop_status_says_why_the_scores_stay_hidden(loop: Loop) -> None:
    body = slash_command_body("status Ada", user=MANAGER)
    assert loop.app.dispatch(signed_request(body)).status == 200
    shown = shown_to(loop, MANAGER)
    assert "stay hidden from you until you submit yours" in shown
    assert_blind(shown)


def test_the_status_modal_from_app_home(loop: Loop) -> None:
    click(loop, MANAGER, ActionId.SHOW_STATUS, str(loop.cl_id))
    [view] = loop.standin.modal_stack(MANAGER)
    assert "stay hidden from you" in json.dumps(view)
    assert_blind(json.dumps(view))


def test_the_recruiter_off_the_panel_gets_no_such_note(loop: Loop) -> None:
    assert loop.app.dispatch(signed_request(slash_command_body("status Ada", user=RECRUITER))).status == 200
    assert "stay hidden" not in shown_to(loop, RECRUITER)


def test_the_feedback_form_and_the_prep_kit(loop: Loop) -> None:
    click(loop, MANAGER, ActionId.OPEN_FEEDBACK, str(loop.interview_id))
    click(loop, MANAGER, ActionId.VIEW_FULL_KIT, str(loop.interview_id))
    views = [c.args["view"] for c in loop.standin.calls if c.method in ("views.open", "views.push")]
    assert len(views) == 2
    assert "prep" in json.dumps(views[1]).lower()
    assert_blind(json.dumps(views[0]), form=True)
    assert_blind(json.dumps(views[1]))


def test_releasing_the_scorecards_is_refused_with_a_reason(loop: Loop) -> None:
    channel = {"id": "C0HIRING", "name": "hiring"}
    payload = block_actions_payload(MANAGER, ActionId.RELEASE_SCORECARDS, str(loop.cl_id), channel="C0HIRING")
    payload["channel"] = channel
    assert loop.app.dispatch(signed_request(interaction_body(payload))).status == 200
    shown = shown_to(loop, MANAGER)
    assert "your own feedback is not in yet" in shown
    with loop.factory() as s:
        assert s.get_one(CandidateLoop, loop.cl_id).scorecards_released_at is None


def _notes_planned(loop: Loop) -> list[list[int]]:
    with loop.factory() as s:
        rows = s.scalars(select(Delivery).where(Delivery.kind == DeliveryKind.PRIVATE_NOTES))
        return [list(r.payload["feedback_ids"]) for r in rows]


def test_private_notes_wait_until_the_hiring_manager_has_submitted(loop: Loop) -> None:
    """bot/delivery/planner.plan_private_notes, which bot/delivery/render.record_sent calls after a
    digest's scorecards are posted (the recruiter released them): the hiring manager still owes
    feedback, so no notes; once theirs is in, the notes held back go with the next ones."""
    now = START + timedelta(hours=3)
    with loop.factory.begin() as s:
        cl = s.get_one(CandidateLoop, loop.cl_id)
        digest = Delivery(
            dedupe_key="digest.released:test",
            kind=DeliveryKind.DIGEST,
            recipient="C0HIRING",
            candidate_loop_id=cl.id,
            payload={"v": 1, "replied": [loop.lead_feedback]},
            status=DeliveryStatus.SENT,
            due_at=now,
            next_attempt_at=now,
        )
        s.add(digest)
        s.flush()
        planner.plan_private_notes(s, cl, [loop.lead_feedback], now)
    assert _notes_planned(loop) == []
    with loop.factory.begin() as s:
        cl = s.get_one(CandidateLoop, loop.cl_id)
        interview = cl.interviews[0]
        mine = submitted_feedback(s, interview, MANAGER, private_note="")
        planner.plan_private_notes(s, cl, [mine.id], now + timedelta(hours=1))
    assert _notes_planned(loop) == [sorted([loop.lead_feedback, mine.id])]
    with loop.factory() as s:
        assert s.get_one(Feedback, loop.lead_feedback).private_note.startswith("SECRET-NOTE")
