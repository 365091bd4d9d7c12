"""Dry runs end to end, on SQLite and PostgreSQL: scheduled through the service, sent by the dispatcher to
the Slack stand-in, pressed through signed block_actions requests into create_app(), on a FakeClock.

Slack sends a button in a message as a block_actions payload carrying the message (its ts and blocks)
and a `container` with `channel_id` and `message_ts`, which is what chat.update takes to replace the
buttons (https://docs.slack.dev/reference/interaction-payloads/block_actions-payload).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from blocks.ids import ActionId, BlockId
from bot.app import create_app
from bot.clock import FakeClock
from bot.content.importer import import_bundle
from bot.content.loader import load_content
from bot.delivery.dispatcher import Dispatcher
from bot.scheduling import InterviewIn, PanelistIn, ScheduleRequest, schedule_loop
from bot.settings import Settings
from bot.standin import StandIn, dm_id
from bot.standin.signing import block_actions_payload, interaction_body
from bot.standin.workspace import default_workspace
from models import Delivery, DeliveryKind, DryRun, Interview, InterviewType, PanelRole
from tests.support.dry_run_content import dry_run_examples
from tests.support.slack_payloads import SECRET, close_homes, signed_request
from tests.support.waiting import eventually

LEAD, OBSERVER, VETERAN = "U0ENGLEAD", "U0ENGOBSV", "U0ENGTOKY"
MANAGER, RECRUITER = "U0HIRINGMGR", "U0RECRUITER"
NOW = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)  # a Friday
START = datetime(2030, 3, 5, 14, 0, tzinfo=UTC)  # the following Tuesday


@dataclass
class Wired:
    app: App
    clock: FakeClock
    settings: Settings
    factory: sessionmaker[Session]
    standin: StandIn
    interview_id: int

    def tick(self) -> None:
        """One dispatcher tick at the clock's time, after the listeners already running have finished."""
        dispatcher = Dispatcher(
            self.factory, WebClient(token="xoxb-test", base_url=self.standin.url), self.settings, self.clock
        )
        try:
            dispatcher.tick()
        finally:
            dispatcher.close()

    def press(self, user: str, action: str, message: dict[str, Any], value: str | None = None) -> None:
        """Press the button `action` of `message` as `user` (with `value` instead of its own: crafted)."""
        if value is None:
            [value] = [
                e["value"]
                for b in message["blocks"]
                if b.get("block_id") == BlockId.DRY_RUN_ACTIONS
                for e in b["elements"]
                if e["action_id"] == action
            ]
        payload = block_actions_payload(
            user,
            action,
            value,
            block_id=BlockId.DRY_RUN_ACTIONS,
            channel=dm_id(message["_to"]),
            message=message,
        )
        assert self.app.dispatch(signed_request(interaction_body(payload))).status == 200


@pytest.fixture
def standin() -> Iterator[StandIn]:
    with StandIn(workspace=default_workspace(auto_users=True)) as server:
        yield server


@pytest.fixture
def wired(standin: StandIn, fresh_session_factory: sessionmaker[Session], tmp_path: Path) -> Iterator[Wired]:
    with fresh_session_factory.begin() as s:
        import_bundle(s, load_content([dry_run_examples(tmp_path)]))
        # The veteran rehearsed long ago: a lead who would need no dry run of their own.
        kind = s.scalars(select(InterviewType).where(InterviewType.slug == "pairing-exercise")).one()
        s.add(DryRun(user_id=VETERAN, interview_type_id=kind.id, partner=MANAGER, status="done",
                     done_at=NOW - timedelta(days=90), confirmed_by=MANAGER))  # fmt: skip
    settings = Settings(
        SLACK_SIGNING_SECRET=SECRET, SLACK_BOT_TOKEN="xoxb-test", SLACK_API_URL=standin.url, _env_file=None
    )
    with fresh_session_factory.begin() as s:
        seats = [PanelistIn(user=LEAD, role=PanelRole.LEAD), PanelistIn(user=OBSERVER, role=PanelRole.SHADOW)]
        request = ScheduleRequest(
            candidate="<!channel> Eve",
            loop="software-engineer",
            interviews=[InterviewIn(stage="pairing", start=START, panel=seats)],
        )
        [interview] = schedule_loop(s, request, settings, NOW).interviews
        interview_id = interview.id
    clock = FakeClock(NOW)
    app = create_app(settings, fresh_session_factory, clock=clock)
    yield Wired(app, clock, settings, fresh_session_factory, standin, interview_id)
    app.listener_runner.listener_executor.shutdown(wait=True)
    close_homes(app)


def dms(standin: StandIn, user: str, needle: str) -> list[dict[str, Any]]:
    """Messages in the user's DM with loopbot whose blocks contain `needle`, each marked with `_to`."""
    found = [m for m in standin.messages(user) if needle in json.dumps(m.get("blocks") or [m.get("text")])]
    return [{**m, "_to": user} for m in found]


def statuses(factory: sessionmaker[Session], kind: str) -> list[tuple[str, str, str | None]]:
    with factory() as s:
        rows = s.scalars(select(Delivery).where(Delivery.kind == kind).order_by(Delivery.id))
        return [(r.recipient, r.status, r.last_error) for r in rows]


def test_the_partner_confirms_and_the_reminder_and_warning_never_go(wired: Wired) -> None:
    standin = wired.standin
    wired.tick()
    [to_lead] = dms(standin, LEAD, "it is your first time leading it")
    assert "rehearse it with <@U0HIRINGMGR>" in json.dumps(to_lead["blocks"])
    assert "<!channel>" not in json.dumps(to_lead["blocks"])
    [to_partner] = dms(standin, MANAGER, "You are their dry-run partner")
    assert dms(standin, RECRUITER, "dry run") == []

    # The lead cannot confirm their own rehearsal: they are told whom to ask, and nothing changes.
    wired.press(LEAD, ActionId.DRY_RUN_DONE, {**to_partner, "_to": LEAD})
    [refusal] = eventually(lambda: standin.ephemerals(LEAD))
    assert "ask them to press *Dry run done*" in refusal["text"]
    assert "<@U0HIRINGMGR>" in refusal["text"]

    wired.clock.advance(timedelta(hours=2))
    wired.press(MANAGER, ActionId.DRY_RUN_DONE, to_partner)
    updated = eventually(lambda: [c for c in standin.calls_to("chat.update") if c.outcome == "ok"])
    assert updated, standin.calls_to("chat.update")
    [shown] = standin.messages(MANAGER)[-1:]
    assert ActionId.DRY_RUN_DONE not in json.dumps(shown["blocks"])
    assert "confirmed on" in json.dumps(shown["blocks"])
    with wired.factory() as s:
        [row] = s.scalars(select(DryRun).where(DryRun.user_id == LEAD)).all()
        assert (row.status, row.confirmed_by, row.done_at) == ("done", MANAGER, NOW + timedelta(hours=2))
    # Pressed again (a double click): nothing new, the message still settled.
    wired.press(MANAGER, ActionId.DRY_RUN_DONE, to_partner)
    assert eventually(lambda: len([c for c in standin.calls_to("chat.update") if c.outcome == "ok"]) == 2)
    wired.app.listener_runner.listener_executor.shutdown(wait=True)

    wired.clock.set(START - timedelta(hours=23))
    wired.tick()
    assert dms(standin, LEAD, "confirmed your dry run")
    assert dms(standin, LEAD, "Reminder: your dry run") == []
    assert dms(standin, RECRUITER, "has not happened") == []
    assert statuses(wired.factory, DeliveryKind.DRY_RUN_REMINDER) == [(LEAD, "cancelled", "dry run done")]
    assert statuses(wired.factory, DeliveryKind.DRY_RUN_WARNING) == [(RECRUITER, "cancelled", "dry run done")]
    prep = dms(standin, LEAD, "Interview prep")
    assert prep
    assert "Dry run: done on" in json.dumps(prep[0]["blocks"])


def test_nobody_confirms_the_recruiter_is_warned_and_swaps_to_a_qualified_lead(wired: Wired) -> None:
    standin = wired.standin
    wired.tick()
    wired.clock.set(START - timedelta(hours=48))
    wired.tick()
    [reminder] = dms(standin, LEAD, "Reminder: your dry run")
    assert "<@U0HIRINGMGR>" in json.dumps(reminder["blocks"])
    assert dms(standin, RECRUITER, "has not happened") == []

    wired.clock.set(START - timedelta(hours=24))
    wired.tick()
    [warning] = dms(standin, RECRUITER, "has not happened yet")
    text = json.dumps(warning["blocks"])
    # The veteran needs no dry run of their own, so they are suggested ahead of the untried U0ENGPAIR.
    assert "Suggested lead: <@U0ENGTOKY>" in text
    prep = dms(standin, LEAD, "Interview prep")
    assert prep
    assert "Dry run: not done yet" in json.dumps(prep[0]["blocks"])

    # Only the recruiter (or an admin) may swap: the lead pressing it is refused.
    wired.press(LEAD, ActionId.SWAP_LEAD, {**warning, "_to": LEAD})
    [refusal] = eventually(lambda: standin.ephemerals(LEAD))
    assert "Only this candidate's recruiter" in refusal["text"]

    wired.press(RECRUITER, ActionId.SWAP_LEAD, warning)
    [told] = eventually(lambda: standin.ephemerals(RECRUITER))
    assert "Swapped: <@U0ENGTOKY> now leads" in told["text"]
    assert eventually(lambda: [c for c in standin.calls_to("chat.update") if c.outcome == "ok"])
    wired.app.listener_runner.listener_executor.shutdown(wait=True)
    with wired.factory() as s:
        interview = s.get_one(Interview, wired.interview_id)
        assert [(p.user_id, p.role) for p in interview.panel] == [(VETERAN, "lead"), (OBSERVER, "shadow")]
        # The veteran is not asked to rehearse; the old lead's dry run stays open for their next lead.
        assert s.scalars(select(DryRun.user_id).where(DryRun.status == "requested")).all() == [LEAD]
    wired.tick()
    assert dms(standin, LEAD, "no longer on the")
    assert dms(standin, VETERAN, "Interview prep")
    assert dms(standin, VETERAN, "first time") == []


def nth_reply(standin: StandIn, user: str, n: int) -> str:
    """The text of the n-th ephemeral reply to `user` (from 1), once it has come."""
    replies = eventually(lambda: standin.ephemerals(user)[n - 1 :])
    assert replies, f"no reply {n} to {user}"
    return str(replies[0]["text"])


def test_crafted_button_values_get_a_reply_and_change_nothing(wired: Wired) -> None:
    """Slack signs whatever value a client sends; a crafted one is answered (after the ack), not dropped."""
    standin = wired.standin
    wired.tick()
    [to_partner] = dms(standin, MANAGER, "You are their dry-run partner")
    for n, value in enumerate(("not-a-number", "0", "99999999999"), start=1):
        wired.press(MANAGER, ActionId.DRY_RUN_DONE, to_partner, value=value)
        assert "not one loopbot made" in nth_reply(standin, MANAGER, n), value
    for n, value in enumerate(("999999999999:1:U0ENGTOKY", f"{wired.interview_id}:0:"), start=1):
        wired.press(RECRUITER, ActionId.SWAP_LEAD, {**to_partner, "_to": RECRUITER}, value=value)
        assert "not one loopbot made" in nth_reply(standin, RECRUITER, n), value
    wired.app.listener_runner.listener_executor.shutdown(wait=True)
    with wired.factory() as s:
        assert s.scalars(select(DryRun.status).where(DryRun.user_id == LEAD)).all() == ["requested"]


def test_a_suggested_lead_who_got_busy_is_replaced_by_a_fresh_suggestion_not_swapped_in(wired: Wired) -> None:
    standin = wired.standin
    wired.tick()
    wired.clock.set(START - timedelta(hours=24))
    wired.tick()
    [warning] = dms(standin, RECRUITER, "has not happened yet")
    assert "Suggested lead: <@U0ENGTOKY>" in json.dumps(warning["blocks"])
    # Since the warning, the veteran was booked at the same time for another candidate.
    with wired.factory.begin() as s:
        seats = [PanelistIn(user=VETERAN, role=PanelRole.LEAD)]
        request = ScheduleRequest(
            candidate="Grace",
            loop="software-engineer",
            interviews=[InterviewIn(stage="pairing", start=START, panel=seats)],
        )
        schedule_loop(s, request, wired.settings, wired.clock.now())

    wired.press(RECRUITER, ActionId.SWAP_LEAD, warning)
    [told] = eventually(lambda: standin.ephemerals(RECRUITER))
    assert "<@U0ENGTOKY> can no longer take it" in told["text"]
    assert "now suggests <@U0ENGPAIR>" in told["text"]
    assert eventually(lambda: [c for c in standin.calls_to("chat.update") if c.outcome == "ok"])
    with wired.factory() as s:  # the reply goes after the commit: nothing is still being written
        lead = [p.user_id for p in s.get_one(Interview, wired.interview_id).panel if p.role == "lead"]
        assert lead == [LEAD]
    # The warning now names the fresh suggestion, who has not led it either; its button swaps to them.
    [fresh] = [{**m, "_to": RECRUITER} for m in standin.messages(RECRUITER) if m["ts"] == warning["ts"]]
    assert "Suggested lead: <@U0ENGPAIR> (needs a dry run too)" in json.dumps(fresh["blocks"])
    wired.press(RECRUITER, ActionId.SWAP_LEAD, fresh)
    swapped = eventually(lambda: [e for e in standin.ephemerals(RECRUITER) if "Swapped:" in e["text"]])
    assert swapped
    assert "<@U0ENGPAIR> now leads" in swapped[0]["text"]
