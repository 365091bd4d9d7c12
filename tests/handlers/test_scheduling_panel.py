"""The scheduling modal builds panels: "Suggest panel", load limits confirmed with "Schedule anyway",
and a length over a day refused inline; the move and reassign modals confirm load limits the same way."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk.models.views import View
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from blocks import limits
from blocks.ids import ActionId, BlockId
from blocks.schedule import reassign_view, schedule_view
from blocks.schedule_form import MAX_INTERVIEWS, Choices, InterviewForm, LoopChoice, ScheduleForm
from bot.clock import FakeClock
from bot.content.importer import import_bundle
from bot.content.loader import load_content
from bot.deps import Deps
from bot.scheduling import ScheduleRequest, schedule_loop
from bot.settings import load_settings
from handlers import changes as c
from handlers import scheduling as h
from models import CandidateLoop, Interview
from tests.handlers.test_scheduling import choose, open_modal, opt, submit, with_state
from tests.support.content_files import EXAMPLES
from tests.support.slack_payloads import (
    FakeAck,
    FakeClient,
    as_ack,
    as_web_client,
    block_action,
    bolt_context,
    view_payload,
)

NOW = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
T1 = datetime(2030, 3, 5, 14, 0, tzinfo=UTC)
RECRUITER = "U0RECRUITER"


@pytest.fixture
def content(session_factory: sessionmaker[Session], clock: FakeClock) -> None:
    clock.set(NOW)
    with session_factory.begin() as s:
        import_bundle(s, load_content([EXAMPLES]))  # with the engineering pool (pools.yaml)


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def pairing_form(deps: Deps, client: FakeClient) -> tuple[dict[str, Any], dict[str, Any]]:
    """The modal with the software engineer loop chosen, and answers for one pairing exercise at T1."""
    chosen = choose(
        deps,
        client,
        open_modal(deps, client),
        {BlockId.CANDIDATE: {"value": "Ada Lovelace"}, BlockId.LOOP: opt("software-engineer")},
        ActionId.CHOOSE_LOOP,
    )
    answers = {
        BlockId.CANDIDATE: {"value": "Ada Lovelace"},
        f"{BlockId.STAGE}0": opt("pairing"),
        f"{BlockId.START}0": {"selected_date_time": int(T1.timestamp())},
    }
    return chosen, answers


def suggest(deps: Deps, client: FakeClient, view: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    body = block_action(RECRUITER, ActionId.SUGGEST_PANEL, "")
    body["view"] = with_state(view, answers)
    body["container"] = {"type": "view", "view_id": "V1"}
    h.handle_suggest_panel(as_ack(FakeAck()), body, as_web_client(client), bolt_context(deps))
    updated: View = client.named("views_update")[-1]["view"]
    return updated.to_dict()


@pytest.mark.usefixtures("content")
def test_suggest_panel_fills_the_panel_in_new_blocks_and_keeps_the_rest(
    deps: Deps, fake_client: FakeClient
) -> None:
    view, answers = pairing_form(deps, fake_client)
    assert ActionId.SUGGEST_PANEL in json.dumps(block(view, BlockId.INTERVIEW_TOOLS))
    suggested = suggest(deps, fake_client, view, answers)
    # Slack keeps an input's value across views.update while block_id and action_id stay the same and
    # ignores a new initial value (api.slack.com/methods/views.update, "Preserving input entry";
    # slackapi/bolt-python#1064): the suggestion comes in blocks with new ids, the rest keeps its ids.
    assert block(suggested, f"{BlockId.LEAD}0_1")["element"]["initial_users"] == ["U0ENGLEAD1"]
    assert block(suggested, f"{BlockId.INTERVIEWERS}0_1")["element"]["initial_users"] == ["U0ENGPEER1"]
    assert block(suggested, f"{BlockId.SHADOWS}0_1")["element"]["initial_users"] == ["U0ENGTRAIN"]
    assert block(suggested, BlockId.CANDIDATE)["element"]["initial_value"] == "Ada Lovelace"
    assert block(suggested, f"{BlockId.STAGE}0")["element"]["initial_option"]["value"] == "pairing"
    reasons = json.dumps(block(suggested, f"{BlockId.SUGGESTED}0"))
    assert "<@U0ENGLEAD1>: lowest load: 0 this week, 0 that day" in reasons
    assert "<@U0ENGTRAIN>: trainee: shadowed 0/2" in reasons
    # submitted as suggested: scheduled with those people
    ack = submit(deps, suggested, {})
    assert ack.calls[-1]["response_action"] == "update", ack.calls
    with deps.session_factory() as s:
        [cl] = s.scalars(select(CandidateLoop)).all()
        assert [(p.user_id, p.role) for p in cl.interviews[0].panel] == [
            ("U0ENGLEAD1", "lead"),
            ("U0ENGPEER1", "interviewer"),
            ("U0ENGTRAIN", "shadow"),
        ]


@pytest.mark.usefixtures("content")
def test_an_interview_without_a_start_says_what_to_give(deps: Deps, fake_client: FakeClient) -> None:
    view, answers = pairing_form(deps, fake_client)
    del answers[f"{BlockId.START}0"]
    suggested = suggest(deps, fake_client, view, answers)
    assert "Choose the stage and the start" in json.dumps(block(suggested, f"{BlockId.SUGGESTED}0"))


def _trainee_booked_that_day(deps: Deps) -> None:
    """U0ENGTRAIN (one interview a day) already shadows another candidate's pairing on T1's day."""
    request = ScheduleRequest.model_validate(
        {
            "candidate": "Grace Hopper",
            "loop": "software-engineer",
            "interviews": [
                {
                    "stage": "pairing",
                    "start": T1 - timedelta(hours=3),
                    "panel": [
                        {"user": "U0ENGLEAD2", "role": "lead"},
                        {"user": "U0ENGTRAIN", "role": "shadow"},
                    ],
                }
            ],
        }
    )
    with deps.session_factory.begin() as s:
        schedule_loop(s, request, load_settings(), NOW)


@pytest.mark.usefixtures("content")
def test_over_a_limit_the_modal_asks_to_confirm(deps: Deps, fake_client: FakeClient) -> None:
    _trainee_booked_that_day(deps)
    view, answers = pairing_form(deps, fake_client)
    answers[f"{BlockId.LEAD}0"] = {"selected_users": ["U0ENGLEAD1"]}
    answers[f"{BlockId.SHADOWS}0"] = {"selected_users": ["U0ENGTRAIN"]}
    ack = submit(deps, view, answers)
    [reply] = ack.calls
    assert reply["response_action"] == "update"
    again: dict[str, Any] = reply["view"].to_dict()
    warning = json.dumps(again)
    assert "<@U0ENGTRAIN> has 1 interview on 5 Mar 2030 (limit 1 a day)" in warning
    assert block(again, BlockId.OVER_LIMIT)["element"]["type"] == "checkboxes"
    # the typed form is all there, under the same block ids (so Slack keeps it too)
    assert block(again, f"{BlockId.SHADOWS}0")["element"]["initial_users"] == ["U0ENGTRAIN"]
    assert block(again, BlockId.CANDIDATE)["element"]["initial_value"] == "Ada Lovelace"
    # submitted again without the tick: an inline error on the box; with it: scheduled
    ack = submit(deps, again, {})
    assert ack.calls[-1]["response_action"] == "errors"
    assert "Tick *Schedule anyway*" in ack.calls[-1]["errors"][BlockId.OVER_LIMIT]
    anyway = {
        "selected_options": [{"text": {"type": "plain_text", "text": "Schedule anyway"}, "value": "yes"}]
    }
    ack = submit(deps, again, {BlockId.OVER_LIMIT: anyway})
    assert ack.calls[-1]["response_action"] == "update"
    assert "is scheduled" in json.dumps(ack.calls[-1]["view"].to_dict())
    with deps.session_factory() as s:
        assert len(s.scalars(select(CandidateLoop)).all()) == 2


@pytest.mark.usefixtures("content")
def test_a_length_over_a_day_is_refused_inline(deps: Deps, fake_client: FakeClient) -> None:
    view, answers = pairing_form(deps, fake_client)
    answers[f"{BlockId.LEAD}0"] = {"selected_users": ["U0ENGLEAD1"]}
    answers[f"{BlockId.DURATION}0"] = {"value": "100000"}  # past the input's max_value, as a forged request
    ack = submit(deps, view, answers)
    assert ack.calls[-1] == {
        "response_action": "errors",
        "errors": {f"{BlockId.DURATION}0": "Give the length in whole minutes, up to a day."},
    }


@pytest.mark.usefixtures("content")
def test_reassign_over_a_limit_asks_to_confirm(deps: Deps) -> None:
    _trainee_booked_that_day(deps)
    request = ScheduleRequest.model_validate(
        {
            "candidate": "Ada Lovelace",
            "loop": "software-engineer",
            "interviews": [
                {
                    "stage": "pairing",
                    "start": T1,
                    "panel": [
                        {"user": "U0ENGLEAD1", "role": "lead"},
                        {"user": "U0ENGOBSV1", "role": "shadow"},
                    ],
                }
            ],
        }
    )
    with deps.session_factory.begin() as s:
        interview_id = schedule_loop(s, request, load_settings(), NOW).interviews[0].id
        interview = s.get(Interview, interview_id)
        assert interview is not None
        view = reassign_view(interview).to_dict()
    answers: dict[str, Any] = {
        BlockId.OLD_USER: opt("U0ENGOBSV1"),
        BlockId.NEW_USER: {"selected_user": "U0ENGTRAIN"},
    }

    def send(v: dict[str, Any], extra: dict[str, Any]) -> FakeAck:
        ack = FakeAck()
        submitted = with_state(v, {**answers, **extra})
        body = view_payload("view_submission", RECRUITER, submitted)
        c.handle_reassign_submission(as_ack(ack), body, submitted, bolt_context(deps))
        return ack

    [reply] = send(view, {}).calls
    assert reply["response_action"] == "update"
    again = reply["view"].to_dict()
    assert "<@U0ENGTRAIN> has 1 interview on 5 Mar 2030" in json.dumps(again)
    assert send(again, {}).calls[-1]["response_action"] == "errors"
    anyway = {
        "selected_options": [{"text": {"type": "plain_text", "text": "Schedule anyway"}, "value": "yes"}]
    }
    done = send(again, {BlockId.OVER_LIMIT: anyway}).calls[-1]
    assert done["response_action"] == "update"
    assert "takes" in json.dumps(done["view"].to_dict())
    with deps.session_factory() as s:
        seats = s.get_one(Interview, interview_id).panel
        assert [p.user_id for p in seats] == ["U0ENGLEAD1", "U0ENGTRAIN"]


def test_the_biggest_suggested_form_with_a_limit_warning_fits_a_modal() -> None:
    loop = LoopChoice(slug="swe", name="Software engineer", stages=[("pairing", "Pairing")])
    full = InterviewForm(
        stage="pairing",
        lead=["U0A"],
        interviewers=["U0B"],
        shadows=["U0C"],
        reverse_shadows=["U0D"],
        reasons=["<@U0A>: lowest load: 0 this week, 0 that day"] * 4,
    )
    form = ScheduleForm(
        loop="swe", interviews=[full] * MAX_INTERVIEWS, rev=3, over_limit=["U0A has 5 interviews"] * 20
    )
    view = schedule_view(Choices(loops=[loop], types=[("pairing-exercise", "Pairing")]), form)
    limits.check_view(view)  # 100 blocks at most, and the other limits slack_sdk leaves unchecked
    assert len(view.blocks) <= 100


ANYWAY = {"selected_options": [{"text": {"type": "plain_text", "text": "Schedule anyway"}, "value": "yes"}]}


def _lead2_full_week(deps: Deps) -> None:
    """U0ENGLEAD2 (weekly_limit 3, one already with Grace) gets two more system designs in T1's week."""
    for n, name in enumerate(["A One", "B Two"]):
        start = T1 + timedelta(days=1, hours=2 * n)
        request = ScheduleRequest.model_validate(
            {
                "candidate": name,
                "loop": "software-engineer",
                "interviews": [
                    {
                        "stage": "system-design",
                        "start": start,
                        "panel": [{"user": "U0ENGLEAD2", "role": "lead"}],
                    }
                ],
            }
        )
        with deps.session_factory.begin() as s:
            schedule_loop(s, request, load_settings(), NOW)


def _box(view: dict[str, Any]) -> str:
    """The "Schedule anyway" box's action id: Slack keeps a tick only under the same one (views.update,
    "Preserving input entry": the same block_id and action_id values), so a new warning starts unticked."""
    return str(block(view, BlockId.OVER_LIMIT)["element"]["action_id"])


@pytest.mark.usefixtures("content")
def test_schedule_anyway_goes_over_only_the_limits_it_was_shown(deps: Deps, fake_client: FakeClient) -> None:
    _trainee_booked_that_day(deps)
    _lead2_full_week(deps)
    view, answers = pairing_form(deps, fake_client)
    answers[f"{BlockId.LEAD}0"] = {"selected_users": ["U0ENGLEAD1"]}
    answers[f"{BlockId.SHADOWS}0"] = {"selected_users": ["U0ENGTRAIN"]}
    [reply] = submit(deps, view, answers).calls
    first: dict[str, Any] = reply["view"].to_dict()
    assert "U0ENGLEAD2" not in json.dumps(block(first, BlockId.OVER_LIMIT))
    # ticked, but the lead swapped in the same submission for U0ENGLEAD2, at 3 of 3 that week
    ack = submit(
        deps, first, {BlockId.OVER_LIMIT: ANYWAY, f"{BlockId.LEAD}0": {"selected_users": ["U0ENGLEAD2"]}}
    )
    [reply] = ack.calls
    assert reply["response_action"] == "update"
    second: dict[str, Any] = reply["view"].to_dict()
    assert "<@U0ENGLEAD2> has 3 interviews in the week of" in json.dumps(second)
    assert _box(second) != _box(first)
    assert "initial_options" not in block(second, BlockId.OVER_LIMIT)["element"]
    with deps.session_factory() as s:
        assert len(s.scalars(select(CandidateLoop)).all()) == 3  # Ada is not scheduled
    # the new warning, ticked: scheduled over both
    done = submit(
        deps, second, {BlockId.OVER_LIMIT: ANYWAY, f"{BlockId.LEAD}0": {"selected_users": ["U0ENGLEAD2"]}}
    )
    assert done.calls[-1]["response_action"] == "update"
    assert "is scheduled" in json.dumps(done.calls[-1]["view"].to_dict())


@pytest.mark.usefixtures("content")
def test_a_first_submission_with_the_box_ticked_is_warned_first(deps: Deps, fake_client: FakeClient) -> None:
    _trainee_booked_that_day(deps)
    view, answers = pairing_form(deps, fake_client)
    answers[f"{BlockId.LEAD}0"] = {"selected_users": ["U0ENGLEAD1"]}
    answers[f"{BlockId.SHADOWS}0"] = {"selected_users": ["U0ENGTRAIN"]}
    submitted = with_state(view, answers)
    assert BlockId.OVER_LIMIT not in submitted["state"]["values"]
    # a crafted request: the box's value without the warning ever shown
    submitted["state"]["values"][BlockId.OVER_LIMIT] = {
        ActionId.SCHEDULE_FIELD: {"type": "checkboxes", **ANYWAY}
    }
    ack = FakeAck()
    body = view_payload("view_submission", RECRUITER, submitted)
    h.handle_schedule_submission(as_ack(ack), body, submitted, deps.client, bolt_context(deps))
    [reply] = ack.calls
    assert reply["response_action"] == "update"
    assert "Over a load limit" in json.dumps(reply["view"].to_dict())
    with deps.session_factory() as s:
        assert len(s.scalars(select(CandidateLoop)).all()) == 1


@pytest.mark.usefixtures("content")
def test_reassign_anyway_goes_over_only_the_limits_it_was_shown(deps: Deps) -> None:
    _trainee_booked_that_day(deps)
    _lead2_full_week(deps)
    request = ScheduleRequest.model_validate(
        {
            "candidate": "Ada Lovelace",
            "loop": "software-engineer",
            "interviews": [
                {
                    "stage": "pairing",
                    "start": T1,
                    "panel": [
                        {"user": "U0ENGLEAD1", "role": "lead"},
                        {"user": "U0ENGOBSV1", "role": "shadow"},
                    ],
                }
            ],
        }
    )
    with deps.session_factory.begin() as s:
        interview = schedule_loop(s, request, load_settings(), NOW).interviews[0]
        interview_id, view = interview.id, reassign_view(interview).to_dict()

    def send(v: dict[str, Any], old: str, new: str, ticked: bool) -> dict[str, Any]:
        ack = FakeAck()
        submitted = with_state(v, {BlockId.OLD_USER: opt(old), BlockId.NEW_USER: {"selected_user": new}})
        if ticked:  # on a view without the box too: a crafted request
            box = {ActionId.SCHEDULE_FIELD: {"type": "checkboxes", **ANYWAY}}
            submitted["state"]["values"][BlockId.OVER_LIMIT] = box
        body = view_payload("view_submission", RECRUITER, submitted)
        c.handle_reassign_submission(as_ack(ack), body, submitted, bolt_context(deps))
        return ack.calls[-1]

    first = send(view, "U0ENGLEAD1", "U0ENGLEAD2", ticked=True)
    assert first["response_action"] == "update", first
    warned = first["view"].to_dict()
    assert "<@U0ENGLEAD2> has 3 interviews" in json.dumps(warned)
    # the warning about U0ENGLEAD2 ticked, then a different change over another limit: warned again
    second = send(warned, "U0ENGOBSV1", "U0ENGTRAIN", ticked=True)
    assert second["response_action"] == "update"
    assert "<@U0ENGTRAIN> has 1 interview on 5 Mar 2030" in json.dumps(second["view"].to_dict())
    with deps.session_factory() as s:
        assert [p.user_id for p in s.get_one(Interview, interview_id).panel] == ["U0ENGLEAD1", "U0ENGOBSV1"]
    assert (
        send(second["view"].to_dict(), "U0ENGOBSV1", "U0ENGTRAIN", ticked=True)["response_action"] == "update"
    )
    with deps.session_factory() as s:
        assert [p.user_id for p in s.get_one(Interview, interview_id).panel] == ["U0ENGLEAD1", "U0ENGTRAIN"]


@pytest.mark.usefixtures("content")
def test_suggest_panel_keeps_the_people_already_chosen(deps: Deps, fake_client: FakeClient) -> None:
    view, answers = pairing_form(deps, fake_client)
    answers[f"{BlockId.LEAD}0"] = {"selected_users": ["U0ENGPEER1"]}
    suggested = suggest(deps, fake_client, view, answers)
    assert block(suggested, f"{BlockId.LEAD}0_1")["element"]["initial_users"] == ["U0ENGPEER1"]
    others = block(suggested, f"{BlockId.INTERVIEWERS}0_1")["element"]["initial_users"]
    assert others
    assert "U0ENGPEER1" not in others
    assert "<@U0ENGPEER1>" not in json.dumps(block(suggested, f"{BlockId.SUGGESTED}0"))  # no reason for them


@pytest.mark.usefixtures("content")
def test_a_suggestion_that_cannot_fill_a_seat_keeps_what_was_chosen(
    deps: Deps, fake_client: FakeClient
) -> None:
    # everyone qualified for the pairing exercise is busy at T1
    for lead, who in [("U0ENGLEAD1", "X"), ("U0ENGPEER1", "Y"), ("U0ENGLEAD2", "Z")]:
        request = ScheduleRequest.model_validate(
            {
                "candidate": who,
                "loop": "software-engineer",
                "interviews": [
                    {"stage": "system-design", "start": T1, "panel": [{"user": lead, "role": "lead"}]}
                ],
            }
        )
        with deps.session_factory.begin() as s:
            schedule_loop(s, request, load_settings(), NOW)
    view, answers = pairing_form(deps, fake_client)
    answers[f"{BlockId.LEAD}0"] = {"selected_users": ["U0OUTSIDER"]}
    answers[f"{BlockId.SHADOWS}0"] = {"selected_users": ["U0ENGOBSV1"]}
    suggested = suggest(deps, fake_client, view, answers)
    assert block(suggested, f"{BlockId.LEAD}0_1")["element"]["initial_users"] == ["U0OUTSIDER"]
    assert block(suggested, f"{BlockId.SHADOWS}0_1")["element"]["initial_users"] == ["U0ENGOBSV1"]
    assert "choose one yourself" in json.dumps(block(suggested, f"{BlockId.SUGGESTED}0"))
