"""The dispatcher against the Slack stand-in, on SQLite and PostgreSQL: sends, expiry, relevance, errors."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import FakeClock
from bot.delivery.claim import Claimed, claim_due, finish
from bot.delivery.dispatcher import Dispatcher, TickResult
from bot.delivery.retry_logic import key_hash
from bot.delivery.sizing import FIRST_GUESS, in_flight
from bot.standin import StandIn
from models import DeliveryKind, DeliveryStatus, Feedback, Interview
from tests.support.outbox import T0, settings
from tests.support.outbox_data import notices, one, rows, scheduled
from tests.support.slack_records import post_hashes, posts

H = timedelta(hours=1)


@pytest.mark.usefixtures("clock")
def test_due_notice_is_posted_once_with_its_key_hash(
    sf: sessionmaker[Session], slack: StandIn, make_dispatcher: Callable[..., Dispatcher]
) -> None:
    [key] = notices(sf, ["U1"], T0)
    d = make_dispatcher()
    result = d.tick()
    assert (result.claimed, result.sent) == (1, 1)
    row = one(sf, key)
    assert row.status == DeliveryStatus.SENT
    assert (row.channel, row.ts, row.attempts) == ("D1", slack.messages("U1")[0]["ts"], 1)
    assert post_hashes(slack) == [key_hash(key, "0")]
    assert not d.tick()
    assert len(posts(slack)) == len(slack.messages("U1")) == 1
    assert slack.messages("U1")[0]["text"] == "hi U1"


@pytest.mark.usefixtures("slack")
def test_rows_not_yet_due_wait(
    sf: sessionmaker[Session], clock: FakeClock, make_dispatcher: Callable[..., Dispatcher]
) -> None:
    notices(sf, ["U1"], T0 + H)
    d = make_dispatcher()
    assert d.tick().claimed == 0
    clock.advance(H)
    assert d.tick().sent == 1


def test_after_downtime_relevant_rows_go_on_the_first_tick_and_stale_prep_expires(
    sf: sessionmaker[Session], slack: StandIn, clock: FakeClock, make_dispatcher: Callable[..., Dispatcher]
) -> None:
    start = T0 + 30 * H
    scheduled(sf, start, ("U1", "U2"), T0, settings())
    clock.set(start + 2 * H)  # down through the prep, the nudge, the interview and its end
    result = make_dispatcher().tick()
    assert result.expired == 4  # prep + nudge for two panelists: counted, not dropped
    assert result.sent == 2  # the feedback requests
    expired = rows(sf, status=DeliveryStatus.EXPIRED)
    assert {r.kind for r in expired} == {DeliveryKind.PREP, DeliveryKind.PREP_NUDGE}
    assert all(r.last_error and r.last_error.startswith("expired at") for r in expired)
    sent = rows(sf, status=DeliveryStatus.SENT)
    assert {r.kind for r in sent} == {DeliveryKind.FEEDBACK_REQUEST}
    assert sorted(post_hashes(slack)) == sorted(key_hash(r.dedupe_key, "0") for r in sent)
    for user in ("U1", "U2"):
        [dm] = slack.messages(user)
        assert dm["text"] == "Feedback please: Architecture with Ada Lovelace"


@pytest.mark.usefixtures("clock")
def test_prep_inside_the_lead_window_goes_at_once(
    sf: sessionmaker[Session], slack: StandIn, make_dispatcher: Callable[..., Dispatcher]
) -> None:
    scheduled(sf, T0 + 3 * H, ("U1",), T0, settings())
    result = make_dispatcher().tick()
    assert result.sent == 1
    [sent] = rows(sf, status=DeliveryStatus.SENT)
    assert sent.kind == DeliveryKind.PREP
    assert sent.sent_at == T0
    assert key_hash(sent.dedupe_key, "0") in post_hashes(slack)
    [dm] = slack.messages("U1")  # the kit fits one message
    assert dm["text"] == "Interview prep: Architecture with Ada Lovelace"
    kit = json.dumps(dm["blocks"])
    assert "Your role:* Lead" in kit
    assert "Tell me about q-learn." in kit
    assert "Open feedback form" in kit


def test_reminders_stop_once_feedback_is_in_or_the_panelist_declined(
    sf: sessionmaker[Session], slack: StandIn, clock: FakeClock, make_dispatcher: Callable[..., Dispatcher]
) -> None:
    _, iid = scheduled(sf, T0 + 30 * H, ("U1", "U2", "U3"), T0, settings())
    with sf.begin() as s:
        s.add(Feedback(interview_id=iid, interviewer="U1", status="submitted", submitted_at=T0))
        interview = s.get_one(Interview, iid)
        interview.panel[1].declined_at = T0
    clock.set(T0 + 30 * H + 3 * H + timedelta(minutes=1))  # first reminder due (a Wednesday, 19:01 UTC)
    d = make_dispatcher(LOOPBOT_WORKING_HOURS="00:00-23:59")
    d.tick()
    reminders = {r.recipient: r for r in rows(sf, kind=DeliveryKind.REMINDER) if r.payload["nth"] == 1}
    assert (reminders["U1"].status, reminders["U1"].last_error) == ("cancelled", "feedback already in")
    assert (reminders["U2"].status, reminders["U2"].last_error) == ("cancelled", "panelist declined")
    assert reminders["U3"].status == DeliveryStatus.SENT
    assert {m["text"] for m in slack.messages("U3")} == {
        "Feedback please: Architecture with Ada Lovelace",
        "Reminder: feedback on Architecture with Ada Lovelace",
    }


@pytest.mark.usefixtures("slack")
def test_reminder_waits_for_working_hours_in_the_recipients_zone(
    sf: sessionmaker[Session], clock: FakeClock, make_dispatcher: Callable[..., Dispatcher]
) -> None:
    # Interview Tuesday 2026-12-01 17:00-18:00 UTC; first reminder due 20:00 UTC = 21:00 in Berlin.
    start = T0 + 7 * H
    _, iid = scheduled(sf, start, ("UBERLIN",), T0, settings())
    clock.set(start + 3 * H)
    d = make_dispatcher()
    result = d.tick()
    reminder = [r for r in rows(sf, kind=DeliveryKind.REMINDER) if r.payload["nth"] == 1][0]
    assert reminder.status == DeliveryStatus.PENDING
    assert reminder.attempts == 0
    # Wednesday 09:00 in Berlin is 08:00 UTC.
    assert reminder.next_attempt_at == T0.replace(day=2, hour=8)
    assert result.deferred == 1
    clock.set(T0.replace(day=2, hour=8))
    assert make_dispatcher().tick().sent == 1


@pytest.mark.usefixtures("slack")
def test_prep_is_never_delayed_for_working_hours(
    sf: sessionmaker[Session], clock: FakeClock, make_dispatcher: Callable[..., Dispatcher]
) -> None:
    early = T0.replace(hour=3)  # 04:00 in Berlin
    clock.set(early)
    scheduled(sf, early + 2 * H, ("UBERLIN",), early, settings())
    assert make_dispatcher().tick().sent == 1


def test_429_retry_after_is_honoured_and_not_counted_as_an_attempt(
    sf: sessionmaker[Session], slack: StandIn, clock: FakeClock, make_dispatcher: Callable[..., Dispatcher]
) -> None:
    [key] = notices(sf, ["U1"], T0)
    slack.inject_rate_limit("chat.postMessage", retry_after=1)
    d = make_dispatcher()
    result = d.tick()
    assert result.retried == 1
    row = one(sf, key)
    assert (row.status, row.attempts) == (DeliveryStatus.PENDING, 0)
    assert row.next_attempt_at == T0 + timedelta(seconds=1)
    assert d.tick().claimed == 0  # not before Retry-After
    clock.advance(timedelta(seconds=1))
    assert d.tick().sent == 1
    refused, posted = slack.calls_to("chat.postMessage")
    assert (refused.outcome, posted.outcome) == ("http_429", "ok")
    assert posted.at - refused.at >= 0.95  # the process-wide throttle held the real post back too
    assert len(posts(slack)) == 1


@pytest.mark.usefixtures("clock")
def test_a_429_holds_back_posts_to_everyone_for_the_wait(
    sf: sessionmaker[Session], slack: StandIn, make_dispatcher: Callable[..., Dispatcher]
) -> None:
    notices(sf, ["U1"], T0)
    slack.inject_rate_limit("chat.postMessage", retry_after=1)
    d = make_dispatcher()
    d.tick()
    notices(sf, ["U2"], T0, prefix="m")
    started = time.monotonic()
    assert d.tick().sent == 1
    assert time.monotonic() - started >= 0.5


def test_transient_failures_lose_nothing_and_duplicate_nothing(
    sf: sessionmaker[Session], slack: StandIn, clock: FakeClock, make_dispatcher: Callable[..., Dispatcher]
) -> None:
    keys = notices(sf, ["U1", "U2", "U3", "U4"], T0)
    # One each: a 500, a dropped connection before Slack saw it, an accepted post whose answer was lost,
    # and a Slack error worth retrying.
    slack.inject_server_error("chat.postMessage")
    slack.inject_drop("chat.postMessage")
    slack.inject_drop("chat.postMessage", after_accept=True)
    slack.inject_error("chat.postMessage", "internal_error")
    d = make_dispatcher(LOOPBOT_SEND_CONCURRENCY=1, backoff_base=timedelta(seconds=1))
    first = d.tick()
    assert first.retried == 4
    assert first.sent == 0
    unknown = [r for r in rows(sf) if r.last_error and r.last_error.startswith("unknown:")]
    assert len(unknown) == 3  # the 500, the reset and the dropped answer may have landed
    clock.advance(timedelta(minutes=1))
    second = d.tick()
    assert second.sent + second.recovered == 4
    assert second.recovered == 1  # the accepted post was found by its metadata, not posted again
    assert Counter(post_hashes(slack)) == Counter({key_hash(k, "0"): 1 for k in keys})
    assert all(len(slack.messages(k.split(":")[1])) == 1 for k in keys)
    assert all(r.status == DeliveryStatus.SENT for r in rows(sf))


def test_timeout_is_an_unknown_outcome_and_is_not_reposted(
    sf: sessionmaker[Session], slack: StandIn, clock: FakeClock, make_dispatcher: Callable[..., Dispatcher]
) -> None:
    [key] = notices(sf, ["U1"], T0)
    slack.inject_slow("chat.postMessage", 1.6)  # Slack takes it, the answer comes after the client gave up
    d = make_dispatcher(LOOPBOT_LEASE_SECONDS=3, backoff_base=timedelta(seconds=1))
    assert d.tick().retried == 1
    last_error = one(sf, key).last_error
    assert last_error is not None
    assert last_error.startswith("unknown:")
    time.sleep(0.8)  # let the slow request finish recording the post
    clock.advance(timedelta(minutes=1))
    assert d.tick().recovered == 1
    assert post_hashes(slack) == [key_hash(key, "0")]


@pytest.mark.parametrize(
    ("user", "error", "injected"),
    [
        ("UGONE", "user_not_found", True),  # the stand-in answers the error once, as told
        ("ULEFT", "account_inactive", False),  # a deactivated member of the stand-in's workspace
    ],
)
@pytest.mark.usefixtures("clock")
def test_permanent_errors_are_recorded_and_the_recruiter_is_told(
    user: str,
    error: str,
    injected: bool,
    sf: sessionmaker[Session],
    slack: StandIn,
    make_dispatcher: Callable[..., Dispatcher],
) -> None:
    scheduled(sf, T0 + 3 * H, (user,), T0, settings())
    if injected:
        slack.inject_error("chat.postMessage", error)
    d = make_dispatcher()
    assert d.tick().failed == 1
    [failed] = rows(sf, status=DeliveryStatus.FAILED)
    assert (failed.kind, failed.last_error) == (DeliveryKind.PREP, error)
    [notice] = rows(sf, kind=DeliveryKind.NOTICE)
    assert notice.recipient == "U0RECRUIT"
    assert error in notice.payload["text"]
    assert d.tick().sent == 1
    assert f"<@{user}>" in slack.messages("U0RECRUIT")[0]["text"]
    assert [c.outcome for c in slack.calls_to("chat.postMessage")] == [error, "ok"]  # never retried


@pytest.mark.usefixtures("slack")
def test_a_stale_worker_cannot_overwrite_the_new_owner(
    sf: sessionmaker[Session], clock: FakeClock, make_dispatcher: Callable[..., Dispatcher]
) -> None:
    [key] = notices(sf, ["U1"], T0)
    lease = timedelta(seconds=5)
    [stale] = claim_due(sf, T0, T0 + lease, 10, "A:1")
    clock.advance(lease + timedelta(seconds=1))
    result = make_dispatcher().tick()  # B re-claims the expired lease and sends
    assert (result.claimed, result.sent) == (1, 1)
    assert not finish(sf, stale, {"status": DeliveryStatus.FAILED, "last_error": "stale"})
    row = one(sf, key)
    assert row.status == DeliveryStatus.SENT
    assert row.last_error is None
    assert row.attempts == 2


def test_a_slow_worker_that_posted_after_losing_its_lease_is_not_duplicated(
    sf: sessionmaker[Session], slack: StandIn, clock: FakeClock, make_dispatcher: Callable[..., Dispatcher]
) -> None:
    [key] = notices(sf, ["U1"], T0)
    taken_over: list[TickResult] = []

    def slow(point: str, _claimed: Claimed) -> None:
        if point == "after_post" and not taken_over:
            # A stalls after Slack accepted the post; its lease runs out and B takes the row over.
            clock.advance(timedelta(seconds=31))
            taken_over.append(b.tick())

    a = make_dispatcher(fault_hook=slow)
    b = make_dispatcher()
    result = a.tick()
    assert result.skipped == 1  # A's "sent" was refused: B owns the row
    assert taken_over[0].recovered == 1  # B found A's post by its metadata
    assert post_hashes(slack) == [key_hash(key, "0")]
    assert one(sf, key).status == DeliveryStatus.SENT


@pytest.mark.usefixtures("clock")
def test_posts_in_flight_follow_the_measured_time_per_post(
    sf: sessionmaker[Session], slack: StandIn, make_dispatcher: Callable[..., Dispatcher]
) -> None:
    notices(sf, [f"U{n:03d}" for n in range(6)], T0)
    slack.inject_slow("chat.postMessage", 0.3, n=6)
    d = make_dispatcher(LOOPBOT_SEND_CONCURRENCY=64, LOOPBOT_POST_RATE=40)
    assert d.sizer.target == in_flight(40, FIRST_GUESS, 64)  # before any post: the first guess
    assert d.tick().sent == 6
    assert d.sizer.seconds_per_post >= 0.3  # each post held its thread for the slow round trip
    assert d.sizer.target == in_flight(40, d.sizer.seconds_per_post, 64) >= 15  # 40/s x 0.3 s x 1.25


@pytest.mark.usefixtures("slack", "clock")
def test_stop_hands_back_rows_not_yet_started(
    sf: sessionmaker[Session], make_dispatcher: Callable[..., Dispatcher]
) -> None:
    notices(sf, [f"U{n}" for n in range(6)], T0)

    def stop_early(point: str, _claimed: Claimed) -> None:
        if point == "before_post":
            d.stop()

    d = make_dispatcher(LOOPBOT_SEND_CONCURRENCY=1, fault_hook=stop_early)
    result = d.tick()
    assert result.claimed == result.deferred  # what was claimed is handed back
    assert result.sent == 0
    assert result.claimed < 6  # one batch claimed, then no more
    assert d.close() == 0  # nothing left held
    assert all(r.status == DeliveryStatus.PENDING and r.attempts == 0 for r in rows(sf))


@pytest.mark.usefixtures("slack", "clock")
def test_close_releases_leases_still_held(
    sf: sessionmaker[Session], make_dispatcher: Callable[..., Dispatcher]
) -> None:
    notices(sf, ["U1", "U2"], T0)
    d = make_dispatcher()
    claim_due(sf, T0, T0 + timedelta(minutes=1), 10, d.worker_id + ":x")
    assert d.close() == 2
    assert all(r.status == DeliveryStatus.PENDING and r.attempts == 0 for r in rows(sf))


@pytest.mark.usefixtures("slack")
def test_a_reminder_deferred_over_the_dst_weekend_goes_at_nine_new_york_time(
    sf: sessionmaker[Session], clock: FakeClock, make_dispatcher: Callable[..., Dispatcher]
) -> None:
    # Friday 2026-03-06 10:00-11:00 EST; the second reminder (20 h after) falls on Saturday.
    start = T0.replace(year=2026, month=3, day=6, hour=15)
    clock.set(start - 48 * H)
    scheduled(sf, start, ("UNY",), clock.now(), settings())
    clock.set(start + 21 * H)
    make_dispatcher().tick()
    [second] = [r for r in rows(sf, kind=DeliveryKind.REMINDER) if r.payload["nth"] == 2]
    # Clocks spring forward on Sunday: Monday 09:00 is EDT, 13:00 UTC (it would be 14:00 UTC a week earlier).
    assert second.next_attempt_at == T0.replace(year=2026, month=3, day=9, hour=13)
    clock.set(second.next_attempt_at - timedelta(minutes=1))
    make_dispatcher().tick()  # the escalations to UTC recipients went at 09:00 UTC; not the reminder
    assert one(sf, second.dedupe_key).status == DeliveryStatus.PENDING
    clock.set(second.next_attempt_at)
    make_dispatcher().tick()
    assert one(sf, second.dedupe_key).status == DeliveryStatus.SENT
