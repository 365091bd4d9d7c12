"""The server does not trust Slack's client-side limits: what a signed request carries is checked here.

A modal's private_metadata comes back exactly as the app wrote it only when Slack's client sent the
request; anyone holding a valid signature can send any metadata, any state value, any user id
(docs/architecture.md: private_metadata is ours to validate; `max_length` and element types are
enforced by Slack's client only). mrkdwn has no escape for `*`, `_`, `~` and backticks, only for `&`,
`<`, `>` (docs/architecture.md, "Escaping and mentions").
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from slack_bolt import App
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from blocks.home import home_view
from blocks.ids import ActionId, BlockId
from blocks.prep import prep_messages
from blocks.status import status_message
from bot import scheduling
from bot.app import create_app, deps_of
from bot.clock import FakeClock
from bot.content.importer import import_bundle
from bot.content.loader import load_content
from bot.home.queries import load_home
from bot.scheduling import SchedulingError
from bot.settings import Settings
from bot.standin import StandIn
from bot.standin.signing import (
    block_actions_payload,
    interaction_body,
    slash_command_body,
    view_submission_payload,
)
from bot.standin.workspace import default_workspace
from models import CandidateLoop, Interview, PanelSeat
from tests.support.content_files import EXAMPLES
from tests.support.slack_payloads import SECRET, close_homes, signed_request
from tests.wiring.test_scheduling import LEAD, NOW, PAIR, RECRUITER, T1, done, opt, submitted

NAME = "Ann *Bold* _it_ ~x~ `c`\nNext <!here>"


@pytest.fixture
def standin() -> Iterator[StandIn]:
    with StandIn(workspace=default_workspace(auto_users=True)) as server:
        yield server


@pytest.fixture
def app(standin: StandIn, fresh_session_factory: sessionmaker[Session]) -> Iterator[App]:
    with fresh_session_factory.begin() as s:
        import_bundle(s, load_content([EXAMPLES]))
    settings = Settings(
        SLACK_SIGNING_SECRET=SECRET, SLACK_BOT_TOKEN="xoxb-test", SLACK_API_URL=standin.url, _env_file=None
    )
    app = create_app(settings, fresh_session_factory, clock=FakeClock(NOW))
    yield app
    app.listener_runner.listener_executor.shutdown(wait=True)
    close_homes(app)


def send(app: App, payload: dict[str, Any]) -> tuple[int, Any]:
    response = app.dispatch(signed_request(interaction_body(payload)))
    return response.status, json.loads(response.body) if response.body else None


def open_modal(app: App, standin: StandIn, candidate: str) -> dict[str, Any]:
    """The scheduling modal with the infrastructure-manager loop chosen and `candidate` typed."""
    body = slash_command_body("schedule", user=RECRUITER, trigger_id=standin.new_trigger_id(RECRUITER))
    assert app.dispatch(signed_request(body)).status == 200
    done(standin, "views.open")
    [view] = standin.modal_stack(RECRUITER)
    answers: dict[str, Any] = {
        BlockId.CANDIDATE: {"value": candidate},
        BlockId.LOOP: opt("infrastructure-manager"),
    }
    assert (
        send(app, block_actions_payload(RECRUITER, ActionId.CHOOSE_LOOP, view=submitted(view, answers)))[0]
        == 200
    )
    done(standin, "views.update")
    [view] = standin.modal_stack(RECRUITER)
    return view


def schedule(app: App, standin: StandIn, candidate: str) -> tuple[int, Any]:
    view = open_modal(app, standin, candidate)
    answers = {
        BlockId.CANDIDATE: {"value": candidate},
        f"{BlockId.STAGE}0": opt("team-interviews"),
        f"{BlockId.START}0": {"selected_date_time": int(T1.timestamp())},
        f"{BlockId.LEAD}0": {"selected_users": [LEAD]},
        f"{BlockId.INTERVIEWERS}0": {"selected_users": [PAIR]},
    }
    return send(app, view_submission_payload(RECRUITER, submitted(view, answers)))


def loops(factory: sessionmaker[Session]) -> list[CandidateLoop]:
    with factory() as s:
        return list(s.scalars(select(CandidateLoop)))


def test_a_huge_interview_count_in_the_metadata_is_refused_before_any_loop(
    app: App, standin: StandIn, fresh_session_factory: sessionmaker[Session]
) -> None:
    """Before: `{"count": 1000000}` made parse_form build a million interview forms, and only then
    did the permission check refuse the stranger."""
    view = {**open_modal(app, standin, "Eve"), "private_metadata": json.dumps({"count": 1_000_000})}
    began = time.monotonic()
    status, _ = send(app, view_submission_payload("U0ENGTOKY", view))
    assert status == 400
    status, _ = send(app, block_actions_payload("U0ENGTOKY", ActionId.ADD_INTERVIEW, view=view))
    assert status == 200  # acknowledged first; then refused without building anything
    assert time.monotonic() - began < 1
    assert loops(fresh_session_factory) == []


def test_a_name_longer_than_the_modal_allows_is_refused_inline(app: App, standin: StandIn) -> None:
    status, reply = schedule(app, standin, "A" * 201)
    assert status == 200
    assert reply["response_action"] == "errors"
    assert reply["errors"][BlockId.CANDIDATE] == "At most 200 characters."


def test_candidate_names_render_as_written_on_every_surface(
    app: App, standin: StandIn, fresh_session_factory: sessionmaker[Session]
) -> None:
    """Before: `*`, `_`, `~`, backticks and newlines in a name broke the line it sat in (bold ended
    early, a second line began); `<!here>` was already escaped."""
    status, reply = schedule(app, standin, NAME)
    assert (status, reply["response_action"]) == (200, "update"), reply
    with fresh_session_factory() as s:
        [cl] = s.scalars(select(CandidateLoop)).all()
        assert cl.candidate.name == "Ann *Bold* _it_ ~x~ `c` Next <!here>"  # one line, as typed otherwise
        interview = cl.interviews[0]
        texts = {
            "confirmation": json.dumps(reply["view"], ensure_ascii=False),
            # the header is plain_text, where a name shows as typed; every mrkdwn part is checked
            "status": json.dumps(
                [b for b in status_message(cl, set(), NOW).blocks_dicts() if b["type"] != "header"],
                ensure_ascii=False,
            ),
            "prep": json.dumps(
                [m.blocks_dicts() for m in prep_messages(interview, interview.panel[0], NOW)],
                ensure_ascii=False,
            ),
            "home": json.dumps(home_view(load_home(s, LEAD, NOW), NOW).to_dict(), ensure_ascii=False),
        }
    shown = "Ann ∗Bold∗ ˍitˍ ∼x∼ ˋcˋ Next &lt;!here&gt;"
    for surface, text in texts.items():
        assert shown in text, surface
        assert "*Bold*" not in text, surface
        assert "<!here>" not in text, surface


def test_a_reassignment_to_a_crafted_user_id_is_refused_and_never_shown(
    app: App, standin: StandIn, fresh_session_factory: sessionmaker[Session]
) -> None:
    """Before: a signed reassign submission naming `U0NEW> <!channel> <@U0X` stored it as the seat's
    user and showed it unescaped in `/loop status` and in the old panelist's DM (a channel ping)."""
    assert schedule(app, standin, "Eve")[1]["response_action"] == "update"
    with fresh_session_factory() as s:
        interview_id = s.scalars(select(Interview.id)).one()
    crafted = "U0NEW> <!channel> <@U0X"
    base = {"type": "modal", "callback_id": "reassign_modal", "id": "V9", "blocks": []}
    meta = json.dumps({"interview_id": interview_id})
    as_user = {BlockId.OLD_USER: {"f": {"type": "radio_buttons", "selected_option": {"value": PAIR}}}}
    as_select = {**as_user, BlockId.NEW_USER: {"f": {"type": "users_select", "selected_user": crafted}}}
    as_text = {**as_user, BlockId.NEW_USER: {"f": {"type": "plain_text_input", "value": crafted}}}
    for values in (as_select, as_text):
        view = {**base, "private_metadata": meta, "state": {"values": values}}
        status, reply = send(app, view_submission_payload(RECRUITER, view))
        assert status in (200, 400)
        if status == 200:
            assert reply["response_action"] == "errors"
    with fresh_session_factory.begin() as s:
        assert sorted(s.scalars(select(PanelSeat.user_id))) == sorted([LEAD, PAIR])
        with pytest.raises(SchedulingError):
            scheduling.reassign_panelist(
                s, interview_id, PAIR, crafted, deps_of(app).settings, NOW, actor=RECRUITER
            )
        # Even a seat stored with such an id (from before this check) is shown as text, never as a mention.
        seat = s.scalars(select(PanelSeat).where(PanelSeat.user_id == PAIR)).one()
        seat.user_id = crafted
        s.flush()
        cl = s.scalars(select(CandidateLoop)).one()
        shown = json.dumps(status_message(cl, set(), NOW + timedelta(minutes=1)).blocks_dicts())
        s.rollback()
    assert "<!channel>" not in shown
    assert "U0NEW&gt; &lt;!channel&gt;" in shown
    assert all("<!channel>" not in json.dumps(c.args) for c in standin.calls)
