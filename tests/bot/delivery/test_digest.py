"""Digests and escalations through the dispatcher: first post with scorecards, later updates, deadlines."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import FakeClock
from bot.delivery import planner
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.plan_logic import digest_now_delivery
from bot.delivery.relevance import late_panelists
from bot.delivery.retry_logic import key_hash
from bot.scheduling.changes import cancel_interview
from bot.standin import StandIn
from models import CandidateLoop, DeliveryKind, DeliveryStatus, Interview
from tests.support import factories
from tests.support.outbox import T0, settings
from tests.support.outbox_data import rows, scheduled
from tests.support.outbox_data import submit as submit_at
from tests.support.slack_records import post_hashes, replies, top_level

H = timedelta(hours=1)


def submit(sf: sessionmaker[Session], interview_id: int, who: str, **kw: Any) -> int:
    """`who`'s scorecard, submitted at T0 with a "yes" unless told otherwise."""
    return submit_at(sf, interview_id, who, T0, **kw)


def digest_now(sf: sessionmaker[Session], cl_id: int, clock: FakeClock, reason: str) -> None:
    with sf.begin() as s:
        planner.plan_digest_now(s, cl_id, clock.now(), reason)


def loop_state(sf: sessionmaker[Session], cl_id: int) -> CandidateLoop:
    with sf() as s:
        return s.get_one(CandidateLoop, cl_id)


def test_first_digest_posts_to_the_hiring_channel_with_each_scorecard_in_the_thread(
    sf: sessionmaker[Session], slack: StandIn, clock: FakeClock, make_dispatcher: Callable[..., Dispatcher]
) -> None:
    cl_id, iid = scheduled(sf, T0 - 3 * H, ("U1", "U2"), T0 - 48 * H, settings())
    fb1, fb2 = submit(sf, iid, "U1"), submit(sf, iid, "U2")
    digest_now(sf, cl_id, clock, "all_in")
    make_dispatcher().tick()
    channel = slack.messages("C0HIRING")
    main, thread = top_level(channel), replies(channel)
    assert len(main) == 1
    assert len(thread) == 2
    assert main[0]["text"] == "Debrief: Ada Lovelace: :white_check_mark: All feedback is in (2 scorecards)."
    assert {m["thread_ts"] for m in thread} == {main[0]["ts"]}
    assert sorted(m["text"] for m in thread) == [
        "Scorecard on Ada Lovelace from <@U1>: Yes",
        "Scorecard on Ada Lovelace from <@U2>: Yes",
    ]
    cl = loop_state(sf, cl_id)
    assert (cl.digest_channel, cl.digest_ts) == ("C0HIRING", main[0]["ts"])
    [sent] = rows(sf, kind=DeliveryKind.DIGEST, status=DeliveryStatus.SENT)
    assert sorted(sent.payload["replied"]) == sorted([fb1, fb2])


def test_late_feedback_updates_the_digest_and_adds_only_new_scorecards(
    sf: sessionmaker[Session], slack: StandIn, clock: FakeClock, make_dispatcher: Callable[..., Dispatcher]
) -> None:
    cl_id, iid = scheduled(sf, T0 - 3 * H, ("U1", "U2", "U3"), T0 - 48 * H, settings())
    submit(sf, iid, "U1")
    with sf.begin() as s:  # the recruiter releases the scores while U2 and U3 are still missing
        s.get_one(CandidateLoop, cl_id).scorecards_released_at = clock.now()
    digest_now(sf, cl_id, clock, "released")
    d = make_dispatcher()
    d.tick()
    digest_ts = loop_state(sf, cl_id).digest_ts
    assert len(replies(slack.messages("C0HIRING"), digest_ts)) == 1
    clock.advance(H)
    submit(sf, iid, "U2")
    digest_now(sf, cl_id, clock, "late_feedback")
    d.tick()
    [update] = slack.calls_to("chat.update")
    assert (update.args["channel"], update.args["ts"], update.outcome) == ("C0HIRING", digest_ts, "ok")
    channel = slack.messages("C0HIRING")
    assert len(top_level(channel)) == 1  # still one digest
    thread = replies(channel, digest_ts)
    assert [m["text"] for m in thread] == [  # one scorecard each, U1's not twice
        "Scorecard on Ada Lovelace from <@U1>: Yes",
        "Scorecard on Ada Lovelace from <@U2>: Yes",
    ]
    assert update.args["text"].startswith("Debrief: Ada Lovelace: :warning: 2 scorecards in, 1 still missing")


def test_scorecards_are_held_back_until_the_last_feedback_is_in(
    sf: sessionmaker[Session], slack: StandIn, clock: FakeClock, make_dispatcher: Callable[..., Dispatcher]
) -> None:
    """Blind rule: a panelist still owing feedback may read the hiring channel."""
    cl_id, iid = scheduled(sf, T0 - 3 * H, ("U1", "U2"), T0 - 48 * H, settings())
    submit(sf, iid, "U1")
    [deadline] = [d for d in rows(sf, kind=DeliveryKind.DIGEST) if d.status == DeliveryStatus.PENDING]
    clock.set(deadline.due_at)
    d = make_dispatcher()
    d.tick()
    channel = slack.messages("C0HIRING")
    [main] = top_level(channel)
    assert replies(channel) == []
    assert "held back" in json.dumps(main["blocks"])
    assert "Recommendations" not in json.dumps(main["blocks"])
    clock.advance(H)
    submit(sf, iid, "U2")
    digest_now(sf, cl_id, clock, "late_feedback")
    d.tick()
    channel = slack.messages("C0HIRING")
    [main] = top_level(channel)
    assert len(replies(channel, main["ts"])) == 2
    [update] = slack.calls_to("chat.update")
    assert "Recommendations" in json.dumps(update.args["blocks"])
    assert "held back" not in json.dumps(update.args["blocks"])


@pytest.mark.usefixtures("slack")
def test_deadline_digest_is_obsolete_once_a_digest_was_posted(
    sf: sessionmaker[Session], clock: FakeClock, make_dispatcher: Callable[..., Dispatcher]
) -> None:
    cl_id, iid = scheduled(sf, T0 - 3 * H, ("U1",), T0 - 48 * H, settings())
    digest_now(sf, cl_id, clock, "all_in")
    make_dispatcher().tick()
    with sf.begin() as s:  # an interview added later plans a new deadline
        planner.plan_digest_deadline(s, s.get_one(CandidateLoop, cl_id), settings())
    [deadline] = [d for d in rows(sf, kind=DeliveryKind.DIGEST) if d.payload["reason"] == "deadline"]
    clock.set(deadline.due_at)
    make_dispatcher().tick()
    [row] = [d for d in rows(sf, kind=DeliveryKind.DIGEST) if d.payload["reason"] == "deadline"]
    assert (row.status, row.last_error) == (DeliveryStatus.CANCELLED, "digest already posted")


def test_deadline_digest_goes_out_when_feedback_is_missing(
    sf: sessionmaker[Session], slack: StandIn, clock: FakeClock, make_dispatcher: Callable[..., Dispatcher]
) -> None:
    cl_id, iid = scheduled(sf, T0 - 3 * H, ("U1",), T0 - 48 * H, settings())
    [deadline] = [d for d in rows(sf, kind=DeliveryKind.DIGEST) if d.status == DeliveryStatus.PENDING]
    clock.set(deadline.due_at)
    make_dispatcher().tick()
    [digest] = slack.messages("C0HIRING")
    assert loop_state(sf, cl_id).digest_ts == digest["ts"]
    assert digest["text"].startswith("Debrief: Ada Lovelace: :warning: 0 scorecards in, 1 still missing")
    assert "*Missing feedback*: <@U1> (Architecture, lead)" in json.dumps(digest["blocks"])


def test_a_digest_whose_answer_was_lost_is_completed_without_a_second_digest(
    sf: sessionmaker[Session], slack: StandIn, clock: FakeClock, make_dispatcher: Callable[..., Dispatcher]
) -> None:
    cl_id, iid = scheduled(sf, T0 - 3 * H, ("U1", "U2"), T0 - 48 * H, settings())
    submit(sf, iid, "U1")
    submit(sf, iid, "U2")
    digest_now(sf, cl_id, clock, "all_in")
    # The digest lands but its answer is lost; on the next try the first scorecard's answer is lost too.
    slack.inject_drop("chat.postMessage", after_accept=True)
    d = make_dispatcher(backoff_base=timedelta(seconds=1))
    assert d.tick().retried == 1
    clock.advance(timedelta(minutes=1))
    slack.inject_drop("chat.postMessage", after_accept=True)  # the first scorecard reply, answer lost
    assert d.tick().retried == 1
    clock.advance(timedelta(minutes=5))
    assert d.tick().sent == 1
    channel = slack.messages("C0HIRING")
    main = top_level(channel)
    assert len(main) == 1
    assert len(replies(channel, main[0]["ts"])) == len(replies(channel)) == 2
    assert loop_state(sf, cl_id).digest_ts == main[0]["ts"]
    [row] = rows(sf, kind=DeliveryKind.DIGEST, status=DeliveryStatus.SENT)
    assert key_hash(row.dedupe_key, "main") in post_hashes(slack)


def test_escalation_names_only_who_owes_feedback_and_is_dropped_when_all_is_in(
    sf: sessionmaker[Session], slack: StandIn, clock: FakeClock, make_dispatcher: Callable[..., Dispatcher]
) -> None:
    cl_id, iid = scheduled(sf, T0 - 30 * H, ("U1", "U2", "U3"), T0 - 72 * H, settings())
    with sf.begin() as s:
        interview = s.get_one(Interview, iid)
        interview.panel[2].role = "shadow"
    submit(sf, iid, "U1")
    with sf() as s:
        assert late_panelists(s, s.get_one(Interview, iid)) == ["U2"]
    clock.set(T0.replace(hour=11))  # escalation was due at T0 - 5h; 11:00 UTC is working hours
    make_dispatcher(LOOPBOT_WORKING_HOURS="00:00-23:59").tick()
    escalations = rows(sf, kind=DeliveryKind.ESCALATION)
    assert {(e.recipient, e.status) for e in escalations} == {
        ("U0RECRUIT", DeliveryStatus.SENT),
        ("U0MANAGER", DeliveryStatus.SENT),
    }
    for boss in ("U0RECRUIT", "U0MANAGER"):
        [message] = slack.messages(boss)
        assert message["text"] == "Overdue feedback on Ada Lovelace: <@U2>"
        blocks = json.dumps(message["blocks"])
        assert "<@U2>: Architecture on" in blocks
        assert "<@U1>" not in blocks
        assert "<@U3>" not in blocks


@pytest.mark.usefixtures("clock")
def test_escalation_is_dropped_when_all_feedback_is_in(
    sf: sessionmaker[Session], slack: StandIn, make_dispatcher: Callable[..., Dispatcher]
) -> None:
    cl_id, iid = scheduled(sf, T0 - 30 * H, ("U1",), T0 - 72 * H, settings())
    submit(sf, iid, "U1")
    make_dispatcher(LOOPBOT_WORKING_HOURS="00:00-23:59").tick()
    escalations = rows(sf, kind=DeliveryKind.ESCALATION)
    assert {(e.status, e.last_error) for e in escalations} == {(DeliveryStatus.CANCELLED, "all feedback in")}
    assert slack.messages("U0RECRUIT") == []


def test_private_notes_go_only_to_the_hiring_manager(
    sf: sessionmaker[Session], slack: StandIn, clock: FakeClock, make_dispatcher: Callable[..., Dispatcher]
) -> None:
    cl_id, iid = scheduled(sf, T0 - 3 * H, ("U1", "U2"), T0 - 48 * H, settings())
    submit(sf, iid, "U1", private_note="Worried about <!here> the on-call story")
    submit(sf, iid, "U2")
    digest_now(sf, cl_id, clock, "all_in")
    d = make_dispatcher()
    d.tick()
    d.tick()  # the private-notes row is written when the digest is marked sent
    channel_text = str(slack.messages("C0HIRING"))
    assert "on-call story" not in channel_text
    [dm] = slack.messages("U0MANAGER")
    assert dm["text"] == "Private notes on Ada Lovelace"
    assert "Worried about &lt;!here&gt; the on-call story" in str(dm["blocks"])
    for user in ("U1", "U2", "U0RECRUIT"):
        assert "on-call story" not in str(slack.messages(user))
    # Exactly one private-notes delivery, addressed to the hiring manager.
    [sent] = rows(sf, kind=DeliveryKind.PRIVATE_NOTES, status=DeliveryStatus.SENT)
    assert sent.recipient == "U0MANAGER"


def test_the_digest_judges_lateness_by_the_configured_sla(
    sf: sessionmaker[Session], slack: StandIn, clock: FakeClock, make_dispatcher: Callable[..., Dispatcher]
) -> None:
    # The interview ended at T0 - 2h and both scorecards came in at T0: late only under a 1h SLA.
    cl_id, iid = scheduled(sf, T0 - 3 * H, ("U1", "U2"), T0 - 48 * H, settings())
    submit(sf, iid, "U1")
    submit(sf, iid, "U2")
    digest_now(sf, cl_id, clock, "all_in")
    make_dispatcher(LOOPBOT_FEEDBACK_SLA="1h").tick()
    [main] = top_level(slack.messages("C0HIRING"))
    assert "Late feedback" in str(main["blocks"])


def test_feedback_within_the_default_sla_is_not_flagged_late(
    sf: sessionmaker[Session], slack: StandIn, clock: FakeClock, make_dispatcher: Callable[..., Dispatcher]
) -> None:
    cl_id, iid = scheduled(sf, T0 - 3 * H, ("U1", "U2"), T0 - 48 * H, settings())
    submit(sf, iid, "U1")
    submit(sf, iid, "U2")
    digest_now(sf, cl_id, clock, "all_in")
    make_dispatcher().tick()
    [main] = top_level(slack.messages("C0HIRING"))
    assert "Late feedback" not in str(main["blocks"])


def test_cancelling_the_interview_still_owed_completes_a_held_digest(
    sf: sessionmaker[Session], slack: StandIn, clock: FakeClock, make_dispatcher: Callable[..., Dispatcher]
) -> None:
    cl_id, first = scheduled(sf, T0 - 3 * H, ("U1",), T0 - 48 * H, settings())
    with sf.begin() as s:
        cl = s.get_one(CandidateLoop, cl_id)
        second = factories.snapshot_interview(
            s, [("U2", "lead")], starts_at=T0 - 2 * H, cl=cl, type_slug="values"
        ).id
    submit(sf, first, "U1")
    digest_now(sf, cl_id, clock, "deadline")
    d = make_dispatcher()
    d.tick()
    assert replies(slack.messages("C0HIRING")) == []  # held: U2 owes feedback
    with sf.begin() as s:
        cancel_interview(s, second, settings(), clock.now(), actor="U0RECRUIT")
    d.tick()
    channel = slack.messages("C0HIRING")
    [main] = top_level(channel)
    [reply] = replies(channel, main["ts"])  # U1's scorecard, now that nothing is owed
    assert reply["text"] == "Scorecard on Ada Lovelace from <@U1>: Yes"
    [update] = slack.calls_to("chat.update")
    assert "Recommendations" in json.dumps(update.args["blocks"])


def test_two_digest_rows_of_one_loop_in_flight_post_each_scorecard_once(
    sf: sessionmaker[Session], slack: StandIn, clock: FakeClock, make_dispatcher: Callable[..., Dispatcher]
) -> None:
    cl_id, iid = scheduled(sf, T0 - 3 * H, ("U1", "U2", "U3"), T0 - 48 * H, settings())
    submit(sf, iid, "U1")
    digest_now(sf, cl_id, clock, "deadline")
    d = make_dispatcher()
    d.tick()  # held: U2 and U3 owe feedback
    submit(sf, iid, "U2")
    submit(sf, iid, "U3")
    with sf.begin() as s:  # two updates due at once, as two replicas' submissions could plan them
        rows_ = [
            digest_now_delivery(cl_id, "C0HIRING", clock.now() + n * timedelta(seconds=1), "late")
            for n in (0, 1)
        ]
        planner.store(s, [replace(r, due_at=clock.now()) for r in rows_])
    d.tick()  # one batch: the newer row waits for the older one
    clock.advance(timedelta(seconds=6))
    d.tick()
    channel = slack.messages("C0HIRING")
    [main] = top_level(channel)
    assert sorted(m["text"] for m in replies(channel, main["ts"])) == [  # each scorecard once
        f"Scorecard on Ada Lovelace from <@{who}>: Yes" for who in ("U1", "U2", "U3")
    ]
