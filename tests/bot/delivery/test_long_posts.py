"""Posts too long for one Slack message go out as several, in order, and are never retried in vain.

Slack refuses a message whose blocks carry too much text in all (`msg_blocks_too_long`, about 12,000
characters: bolt-js issues #2509 and #2867); the stand-in applies that cap.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import FakeClock
from bot.delivery import planner
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.retry_logic import Outcome, classify
from bot.standin import StandIn
from models import DeliveryKind, DeliveryStatus
from tests.support.outbox import T0, settings
from tests.support.outbox_data import rows, scheduled, submit
from tests.support.slack_records import replies, top_level

H = timedelta(hours=1)
NOTE = "Walked through the rollout plan step by step; " * 65  # about 3,000 characters, the form's max


def test_a_scorecard_with_long_notes_is_posted_in_parts_under_slacks_cap(
    sf: sessionmaker[Session], slack: StandIn, clock: FakeClock, make_dispatcher: Callable[..., Dispatcher]
) -> None:
    cl_id, iid = scheduled(sf, T0 - 3 * H, ("U1",), T0 - 48 * H, settings())
    notes = {"q-learn": NOTE[:3000], "q-build": NOTE[:3000], "q-backup": NOTE[:3000]}
    submit(sf, iid, "U1", T0, question_notes=notes, summary=NOTE[:3000])
    with sf.begin() as s:
        planner.plan_digest_now(s, cl_id, clock.now(), "all_in")
    make_dispatcher().tick()

    assert (
        len(rows(sf, kind=DeliveryKind.DIGEST, status=DeliveryStatus.SENT)) == 1
    )  # the deadline one is cancelled
    assert rows(sf, status=DeliveryStatus.FAILED) == []
    assert [c.outcome for c in slack.calls_to("chat.postMessage")] == ["ok"] * 3  # never refused
    channel = slack.messages("C0HIRING")
    [digest] = top_level(channel)
    parts = replies(channel)
    assert len(parts) == 2
    assert parts[0]["text"] == "Scorecard on Ada Lovelace from <@U1>: Yes"
    assert parts[1]["text"] == "Scorecard on Ada Lovelace from <@U1>: Yes (continued)"
    assert {p["thread_ts"] for p in parts} == {digest["ts"]}
    posted = "".join(str(b) for p in parts for b in p["blocks"])
    assert posted.count("Walked through the rollout plan") >= 4 * 60  # every note and the summary, whole


def test_a_second_tick_finds_every_part_and_posts_nothing_again(
    sf: sessionmaker[Session], slack: StandIn, clock: FakeClock, make_dispatcher: Callable[..., Dispatcher]
) -> None:
    cl_id, iid = scheduled(sf, T0 - 3 * H, ("U1",), T0 - 48 * H, settings())
    notes = {"q-learn": NOTE[:3000], "q-build": NOTE[:3000], "q-backup": NOTE[:3000]}
    submit(sf, iid, "U1", T0, question_notes=notes, summary=NOTE[:3000])
    with sf.begin() as s:
        planner.plan_digest_now(s, cl_id, clock.now(), "all_in")
    d = make_dispatcher()
    d.tick()
    posts = len(slack.calls_to("chat.postMessage"))
    with sf.begin() as s:  # a later update of the digest: the scorecard is already in the thread
        planner.plan_digest_now(s, cl_id, clock.now(), "feedback_edited")
    d.tick()
    assert len(slack.calls_to("chat.postMessage")) == posts


def test_msg_blocks_too_long_is_permanent() -> None:
    """The same content would be refused again: the row fails and says why (it used to retry until expiry)."""
    assert classify(200, "msg_blocks_too_long").outcome == Outcome.PERMANENT
