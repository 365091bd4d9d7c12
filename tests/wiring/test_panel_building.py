"""Building a panel through signed requests into create_app() with the Web API on the Slack stand-in:
"Suggest panel" fills the pairing exercise's seats from the pool (views.update, checked by the stand-in
for hash and Block Kit limits), and the suggested panel is scheduled on submit."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import App
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from blocks.ids import ActionId, BlockId
from bot.standin import StandIn
from bot.standin.signing import (
    block_actions_payload,
    interaction_body,
    slash_command_body,
    view_submission_payload,
)
from models import CandidateLoop
from tests.wiring.test_scheduling import T1, app, done, opt, send, standin, submitted

__all__ = ["app", "standin"]  # the fixtures, shared with the scheduling wiring tests
RECRUITER = "U0RECRUITER"


def _block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def test_suggest_panel_then_schedule(
    app: App, standin: StandIn, fresh_session_factory: sessionmaker[Session]
) -> None:
    body = slash_command_body("schedule", user=RECRUITER, trigger_id=standin.new_trigger_id(RECRUITER))
    assert send(app, body).status == 200
    assert [c.outcome for c in done(standin, "views.open")] == ["ok"]
    [view] = standin.modal_stack(RECRUITER)
    answers: dict[str, Any] = {
        BlockId.CANDIDATE: {"value": "Ada Lovelace"},
        BlockId.LOOP: opt("software-engineer"),
    }
    send(
        app,
        interaction_body(
            block_actions_payload(RECRUITER, ActionId.CHOOSE_LOOP, view=submitted(view, answers))
        ),
    )
    assert [c.outcome for c in done(standin, "views.update")] == ["ok"]
    [view] = standin.modal_stack(RECRUITER)
    answers = {
        BlockId.CANDIDATE: {"value": "Ada Lovelace"},
        f"{BlockId.STAGE}0": opt("pairing"),
        f"{BlockId.START}0": {"selected_date_time": int(T1.timestamp())},
    }
    click = block_actions_payload(RECRUITER, ActionId.SUGGEST_PANEL, view=submitted(view, answers))
    assert send(app, interaction_body(click)).status == 200
    assert [c.outcome for c in done(standin, "views.update", before=1)] == ["ok"]
    [view] = standin.modal_stack(RECRUITER)
    # New block ids for the panel: Slack would keep the old inputs' (empty) values under the old ids
    # (api.slack.com/methods/views.update, "Preserving input entry").
    assert _block(view, f"{BlockId.LEAD}0_1")["element"]["initial_users"] == ["U0ENGLEAD1"]
    assert _block(view, f"{BlockId.SHADOWS}0_1")["element"]["initial_users"] == ["U0ENGTRAIN"]
    assert "trainee: shadowed 0/2" in json.dumps(_block(view, f"{BlockId.SUGGESTED}0"))
    answers[BlockId.CHANNEL] = {"selected_conversation": "C0HIRING"}  # a channel the stand-in has
    response = send(app, interaction_body(view_submission_payload(RECRUITER, submitted(view, answers))))
    reply = json.loads(response.body)
    assert reply["response_action"] == "update", reply
    with fresh_session_factory() as s:
        [cl] = s.scalars(select(CandidateLoop)).all()
        assert [(p.user_id, p.role) for p in cl.interviews[0].panel] == [
            ("U0ENGLEAD1", "lead"),
            ("U0ENGPEER1", "interviewer"),
            ("U0ENGTRAIN", "shadow"),
        ]
