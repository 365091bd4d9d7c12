"""Feedback modal handlers called directly with a fake client: open, errors, drafts, submit, edit."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from slack_sdk.models.views import View
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from blocks.ids import ActionId, BlockId, CallbackId
from bot import migrate
from bot.clock import FakeClock
from bot.db import make_engine, make_session_factory
from bot.deps import Deps
from bot.settings import Settings
from handlers.feedback import (
    BUSY,
    handle_feedback_closed,
    handle_feedback_submission,
    handle_open_feedback,
    open_feedback_modal,
)
from models import Feedback, FeedbackRevision
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
    complete_answers,
    filled,
    view_payload,
)


def _open(deps: Deps, client: FakeClient, loop: LoopData, user: str = "U1") -> dict[str, Any]:
    ack = FakeAck()
    body = block_action(user, ActionId.OPEN_FEEDBACK, str(loop.interview_id))
    handle_open_feedback(ack=as_ack(ack), body=body, client=as_web_client(client), context=bolt_context(deps))
    assert ack.calls == [{}]
    call = client.named("views_open")[-1]
    assert call["trigger_id"] == f"trigger-{user}-{ActionId.OPEN_FEEDBACK}"
    view: View = call["view"]
    return view.to_dict()


def _submit(deps: Deps, view: dict[str, Any], answers: dict[str, Any], user: str = "U1") -> FakeAck:
    ack = FakeAck()
    body = view_payload("view_submission", user, filled(view, answers))
    handle_feedback_submission(ack=as_ack(ack), body=body, view=body["view"], context=bolt_context(deps))
    return ack


def _close(deps: Deps, view: dict[str, Any], answers: dict[str, Any], user: str = "U1") -> None:
    ack = FakeAck()
    body = view_payload("view_closed", user, filled(view, answers))
    handle_feedback_closed(ack=as_ack(ack), body=body, view=body["view"], context=bolt_context(deps))
    assert ack.calls == [{}]


def _rows(factory: sessionmaker[Session]) -> list[Feedback]:
    with factory() as s:
        return list(s.scalars(select(Feedback)))


def _texts(view: dict[str, Any]) -> str:
    return json.dumps(view["blocks"], ensure_ascii=False)


def test_button_opens_the_form_with_a_rating_per_covered_category(
    deps: Deps, fake_client: FakeClient, loop_data: LoopData
) -> None:
    view = _open(deps, fake_client, loop_data)
    assert view["callback_id"] == CallbackId.FEEDBACK
    assert view["notify_on_close"] is True
    assert json.loads(view["private_metadata"]) == {"interview_id": loop_data.interview_id, "user": "U1"}
    ratings = [b for b in view["blocks"] if b.get("block_id", "").startswith("rating__")]
    assert [b["block_id"] for b in ratings] == ["rating__learn", "rating__build"]  # rubric order; no "team"
    labels = [o["text"]["text"] for o in ratings[0]["element"]["options"]]
    assert labels == ["Strong No", "No", "Yes", "Strong Yes", "No signal"]
    signals = [b for b in view["blocks"] if b.get("block_id", "").startswith("signals__")]
    values = [o["value"] for b in signals for o in b["element"]["options"]]
    assert "great:q-learn:0" in values
    assert "negative:q-build:0" in values
    ids = [b.get("block_id") for b in view["blocks"]]
    assert {
        "note__q-learn",
        "note__q-build",
        "note__q-backup",
        "recommendation",
        "summary",
        "private_note",
    } <= set(ids)


def test_non_panelist_is_told_clearly(deps: Deps, fake_client: FakeClient, loop_data: LoopData) -> None:
    view = _open(deps, fake_client, loop_data, user="U9")
    assert view.get("callback_id") is None
    assert "submit" not in view
    assert "you are not on it" in _texts(view)


def test_before_the_interview_the_form_is_not_open_yet(
    deps: Deps, fake_client: FakeClient, loop_data: LoopData, clock: FakeClock
) -> None:
    clock.advance(-timedelta(hours=3))
    view = _open(deps, fake_client, loop_data)
    assert view["title"]["text"] == "Not open yet"
    assert "opens when the interview starts" in _texts(view)


def test_open_feedback_modal_is_callable_from_other_surfaces(
    deps: Deps, fake_client: FakeClient, loop_data: LoopData
) -> None:
    open_feedback_modal(as_web_client(fake_client), "trig-home", deps, loop_data.interview_id, "U2")
    [call] = fake_client.named("views_open")
    assert call["trigger_id"] == "trig-home"
    assert call["view"].callback_id == CallbackId.FEEDBACK


def test_missing_fields_come_back_as_inline_errors_and_nothing_is_stored(
    deps: Deps, fake_client: FakeClient, loop_data: LoopData, session_factory: sessionmaker[Session]
) -> None:
    view = _open(deps, fake_client, loop_data)
    ack = _submit(deps, view, {"rating__learn": "yes", "summary": "too short"})
    [call] = ack.calls
    assert call["response_action"] == "errors"
    assert set(call["errors"]) == {"rating__build", "recommendation", "summary"}
    assert "No signal" in call["errors"]["rating__build"]
    assert _rows(session_factory) == []


def test_no_signal_counts_as_rated(
    deps: Deps, fake_client: FakeClient, loop_data: LoopData, session_factory: sessionmaker[Session]
) -> None:
    view = _open(deps, fake_client, loop_data)
    answers = {**complete_answers(view), "rating__build": "no_signal"}
    [call] = _submit(deps, view, answers).calls
    assert call["response_action"] == "update"
    [row] = _rows(session_factory)
    assert row.ratings == {"build": "no_signal", "learn": "yes"}


def test_close_keeps_a_draft_and_reopening_restores_it(
    deps: Deps, fake_client: FakeClient, loop_data: LoopData, session_factory: sessionmaker[Session]
) -> None:
    view = _open(deps, fake_client, loop_data)
    typed = {
        "rating__learn": "strong_yes",
        "signals__q-learn__g0": ["great:q-learn:1"],
        "note__q-learn": "Asked great questions back.",
        "summary": "Half-written summary",
        "private_note": "Ask about notice period",
    }
    _close(deps, view, typed)
    [row] = _rows(session_factory)
    assert row.status == "draft"
    assert row.version == 0
    assert row.ratings == {"learn": "strong_yes"}
    assert row.signals == ["great:q-learn:1"]
    reopened = _open(deps, fake_client, loop_data)
    blocks = {b.get("block_id"): b for b in reopened["blocks"]}
    assert blocks["rating__learn"]["element"]["initial_option"]["value"] == "strong_yes"
    assert "initial_option" not in blocks["rating__build"]["element"]
    assert [o["value"] for o in blocks["signals__q-learn__g0"]["element"]["initial_options"]] == [
        "great:q-learn:1"
    ]
    assert blocks["note__q-learn"]["element"]["initial_value"] == "Asked great questions back."
    assert blocks["summary"]["element"]["initial_value"] == "Half-written summary"
    assert blocks["private_note"]["element"]["initial_value"] == "Ask about notice period"
    assert "draft is restored" in _texts(reopened)


def test_submitting_twice_stores_one_feedback(
    deps: Deps, fake_client: FakeClient, loop_data: LoopData, session_factory: sessionmaker[Session]
) -> None:
    view = _open(deps, fake_client, loop_data)
    answers = complete_answers(view)
    first, second = _submit(deps, view, answers), _submit(deps, view, answers)
    assert first.calls[0]["response_action"] == second.calls[0]["response_action"] == "update"
    [row] = _rows(session_factory)
    assert row.status == "submitted"
    assert row.version == 1
    with session_factory() as s:
        assert [r.version for r in s.scalars(select(FeedbackRevision))] == [1]


def test_editing_after_submission_keeps_history(
    deps: Deps,
    fake_client: FakeClient,
    loop_data: LoopData,
    session_factory: sessionmaker[Session],
    clock: FakeClock,
) -> None:
    view = _open(deps, fake_client, loop_data)
    _submit(deps, view, complete_answers(view))
    first_submitted = _rows(session_factory)[0].submitted_at
    clock.advance(timedelta(hours=1))
    reopened = _open(deps, fake_client, loop_data)
    assert "version 1" in _texts(reopened)
    assert reopened["submit"]["text"] == "Update feedback"
    blocks = {b.get("block_id"): b for b in reopened["blocks"]}
    assert blocks["recommendation"]["element"]["initial_option"]["value"] == "yes"
    [ack] = _submit(deps, reopened, {"recommendation": "strong_yes"}).calls
    assert "version 2" in json.dumps(ack["view"].to_dict())
    [row] = _rows(session_factory)
    assert row.version == 2
    assert row.recommendation == "strong_yes"
    assert row.submitted_at == first_submitted
    with session_factory() as s:
        revisions = list(s.scalars(select(FeedbackRevision).order_by(FeedbackRevision.version)))
    assert [(r.version, r.data["recommendation"]) for r in revisions] == [(1, "yes"), (2, "strong_yes")]


def test_closing_an_edit_keeps_the_submitted_version(
    deps: Deps, fake_client: FakeClient, loop_data: LoopData, session_factory: sessionmaker[Session]
) -> None:
    view = _open(deps, fake_client, loop_data)
    _submit(deps, view, complete_answers(view))
    _close(deps, _open(deps, fake_client, loop_data), {"summary": "changed my mind but closed"})
    [row] = _rows(session_factory)
    assert row.status == "submitted"
    assert row.summary.startswith("Clear thinker")


def test_non_panelist_cannot_submit(
    deps: Deps, fake_client: FakeClient, loop_data: LoopData, session_factory: sessionmaker[Session]
) -> None:
    view = _open(deps, fake_client, loop_data)  # U1's form...
    [ack] = _submit(deps, view, complete_answers(view), user="U9").calls  # ...submitted by someone else
    assert ack["response_action"] == "update"
    assert "you are not on it" in json.dumps(ack["view"].to_dict())
    assert _rows(session_factory) == []


def test_a_busy_sqlite_writer_gets_an_inline_try_again_within_slacks_deadline(
    tmp_path: Path, settings: Settings, clock: FakeClock
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'busy.db'}")
    migrate.upgrade(engine)
    factory = make_session_factory(engine)
    with factory.begin() as s:
        interview_id = snapshot_interview(s, [("U1", "lead")], starts_at=START).id
    client = FakeClient()
    deps = Deps(settings=settings, session_factory=factory, client=as_web_client(client), clock=clock)
    view = _open(deps, client, LoopData(interview_id=interview_id, candidate_loop_id=0))
    holding, release = threading.Event(), threading.Event()

    def other_writer() -> None:  # e.g. another worker's long transaction
        with factory.begin() as s:
            s.execute(text("UPDATE interviews SET recording_consent = recording_consent"))
            holding.set()
            release.wait(10)

    writer = threading.Thread(target=other_writer)
    writer.start()
    assert holding.wait(5)
    began = time.monotonic()
    ack = _submit(deps, view, complete_answers(view))
    waited = time.monotonic() - began
    release.set()
    writer.join()
    assert ack.calls == [{"response_action": "errors", "errors": {BlockId.SUMMARY: BUSY}}]
    assert waited > 1.5  # it waited for the lock a while (the writer holds it 10 s: not that long)
    assert _rows(factory) == []
    assert _submit(deps, view, complete_answers(view)).calls[0]["response_action"] == "update"
    engine.dispose()
