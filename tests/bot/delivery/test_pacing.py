"""Pacing posts: one GCRA schedule in the database shared by replicas, a pace per channel, 429 holds.

Time is a frozen or fake wall clock throughout: the tests check which slots are handed out, never
how fast anything ran.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.db import make_engine, make_session_factory
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.pacing import MICRO, ChannelPace, Deferred, Pacer, SharedRate, gcra_slots
from bot.standin import StandIn
from models.delivery import SendPace
from tests.support.outbox import T0
from tests.support.outbox_data import notices
from tests.support.slack_records import posts

START = 1_800_000_000.0  # wall seconds; any instant will do


class Wall:
    """A wall clock that moves only when told to, and a sleep that moves it (or only records)."""

    def __init__(self, t: float = START, advance: bool = True) -> None:
        self.t, self.advance = t, advance
        self.slept: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.slept.append(seconds)
            if self.advance:
                self.t += seconds


def conforms(times: list[float], rate: float, burst: int) -> bool:
    """Every window [a, b] holds at most burst + rate x (b - a) of `times` (a token bucket's promise)."""
    times = sorted(times)
    return all(
        j - i + 1 <= burst + rate * (times[j] - times[i]) + 1e-6
        for i in range(len(times))
        for j in range(i, len(times))
    )


def stored(sf: sessionmaker[Session]) -> int | None:
    with sf() as s:
        return s.scalar(select(SendPace.next_slot_us))


# --- the schedule itself (pure) ---


def test_an_idle_schedule_allows_the_burst_at_once_then_spaces_posts_by_the_interval() -> None:
    now, t = 1_000, 10
    assert gcra_slots(now + 8 * t, 8, t, 4 * t, now) == [now] * 5 + [now + t, now + 2 * t, now + 3 * t]


def test_any_sequence_of_reservations_keeps_the_rate_and_burst() -> None:
    rng = random.Random(7)
    rate, burst = 50.0, 5
    interval, tolerance = round(MICRO / rate), (burst - 1) * round(MICRO / rate)
    now, end, sent = 0, 0, []
    for _ in range(300):
        now += rng.choice([0, 0, 1_000, 20_000, 400_000])
        n = rng.randint(1, 8)
        end = max(end, now) + n * interval
        sent += [s / MICRO for s in gcra_slots(end, n, interval, tolerance, now)]
    assert conforms(sent, rate, burst)
    assert not conforms(sent, rate * 0.9, burst)  # and the check can fail: it is the rate, not less


# --- the shared row, on SQLite and PostgreSQL ---


@pytest.fixture
def second_sf(db_url: str) -> Iterator[sessionmaker[Session]]:
    """Another engine on the same database: what a second replica would use."""
    engine = make_engine(db_url)
    yield make_session_factory(engine)
    engine.dispose()


def test_two_replicas_draw_from_one_schedule(
    sf: sessionmaker[Session], second_sf: sessionmaker[Session]
) -> None:
    wall = Wall()
    a = SharedRate(sf, rate=50, burst=1, wall=wall)
    b = SharedRate(second_sf, rate=50, burst=1, wall=wall)
    got = a.reserve(3).slots + b.reserve(2).slots + a.reserve(1).slots + b.reserve(4).slots
    assert sorted(got) == got  # interleaved
    assert len(set(got)) == 10  # each slot handed out once
    assert got == pytest.approx([START + n * 0.02 for n in range(10)])  # 50/s for both together
    assert stored(sf) == int(START * MICRO) + 10 * 20_000


def test_a_replica_alone_gets_the_whole_rate_and_an_idle_one_reserves_nothing(
    sf: sessionmaker[Session], second_sf: sessionmaker[Session]
) -> None:
    wall = Wall()
    a = SharedRate(sf, rate=50, burst=1, wall=wall)
    SharedRate(second_sf, rate=50, burst=1, wall=wall)  # a second replica, with nothing to send
    first = a.reserve(5).slots
    wall.t += 0.05
    later = a.reserve(5).slots
    # The same replica's slots follow each other at the full rate: no share was kept for the idle one.
    assert (first + later) == pytest.approx([START + n * 0.02 for n in range(10)])


def test_capacity_left_unused_is_not_saved_up_beyond_the_burst(sf: sessionmaker[Session]) -> None:
    wall = Wall()
    rate = SharedRate(sf, rate=10, burst=3, wall=wall)
    rate.reserve(1)
    wall.t += 60  # a quiet minute
    slots = rate.reserve(5).slots
    assert slots == pytest.approx([wall.t] * 3 + [wall.t + 0.1, wall.t + 0.2])


def test_a_hold_stops_every_replica_for_the_wait_and_resumes_without_a_burst(
    sf: sessionmaker[Session], second_sf: sessionmaker[Session]
) -> None:
    wall = Wall()
    a = SharedRate(sf, rate=50, burst=5, wall=wall)
    b = SharedRate(second_sf, rate=50, burst=5, wall=wall)
    a.reserve(2)
    a.hold(1.0)  # a 429 with Retry-After: 1
    slots = b.reserve(3).slots
    assert slots == pytest.approx([START + 1.0, START + 1.02, START + 1.04])


def test_a_hold_never_shortens_a_longer_one(sf: sessionmaker[Session]) -> None:
    wall = Wall()
    rate = SharedRate(sf, rate=50, burst=1, wall=wall)
    rate.hold(5.0)
    rate.hold(1.0)
    assert rate.reserve(1).slots == pytest.approx([START + 5.0])


def test_a_schedule_far_ahead_is_a_clock_step_and_is_reset(sf: sessionmaker[Session]) -> None:
    wall = Wall()
    rate = SharedRate(sf, rate=50, burst=1, wall=wall)
    rate.reserve(1)
    with sf.begin() as s:
        s.execute(update(SendPace).values(next_slot_us=int((START + 7200) * MICRO)))
    assert rate.reserve(1).slots == pytest.approx([START])


def test_a_reservation_is_given_back_only_if_nobody_reserved_after_it(
    sf: sessionmaker[Session], second_sf: sessionmaker[Session]
) -> None:
    wall = Wall()
    a = SharedRate(sf, rate=50, burst=1, wall=wall)
    b = SharedRate(second_sf, rate=50, burst=1, wall=wall)
    got = a.reserve(2)
    assert a.give_back(got.end, 2)
    assert b.reserve(1).slots == pytest.approx([START])  # the given-back slot is used again
    got = a.reserve(2)
    b.reserve(1)
    assert not a.give_back(got.end, 2)  # b's slot comes after: a's are simply not used


# --- the pacer the send threads use ---


def pacer(sf: sessionmaker[Session], wall: Wall, rate: float = 50, burst: int = 1, **kw: Any) -> Pacer:
    shared = SharedRate(sf, rate=rate, burst=burst, wall=wall)
    return Pacer(shared, max_wait=kw.pop("max_wait", 2.0), wall=wall, sleep=wall.sleep, **kw)


def test_the_pacer_sleeps_each_post_to_its_slot(sf: sessionmaker[Session]) -> None:
    wall = Wall()
    p = pacer(sf, wall, rate=20, burst=2)
    for n in range(6):
        p.wait(f"C{n}")
    assert wall.t == pytest.approx(START + 4 * 0.05)  # two at once, then one every 50 ms
    assert stored(sf) == int(START * MICRO) + 6 * 50_000  # exactly one slot per post


def test_send_threads_share_one_pace_and_each_slot_is_used_once(sf: sessionmaker[Session]) -> None:
    wall = Wall(advance=False)  # frozen: every thread's wait is its slot's distance from START
    p = pacer(sf, wall, rate=50, burst=5)
    threads = [
        threading.Thread(target=lambda n=n: [p.wait(f"C{n}-{i}") for i in range(10)]) for n in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    waits = sorted([0.0] * (80 - len(wall.slept)) + wall.slept)  # a slot already due is not slept for
    now = int(START * MICRO)
    expected = [s / MICRO - START for s in gcra_slots(now + 80 * 20_000, 80, 20_000, 80_000, now)]
    assert waits == pytest.approx(expected)
    assert stored(sf) == int(START * MICRO) + 80 * 20_000  # nothing reserved that was not used


def test_a_channel_gets_a_short_burst_then_one_post_a_second(sf: sessionmaker[Session]) -> None:
    wall = Wall()
    p = pacer(sf, wall, rate=1000, burst=50)  # the workspace is not what limits here
    for _ in range(5):
        p.wait("D1")
    assert wall.t == pytest.approx(START + 2.0)  # three at once, then 1/s
    p.wait("D2")  # another channel is not held up
    assert wall.t == pytest.approx(START + 2.0)


def test_a_channel_wait_longer_than_allowed_defers_without_taking_a_workspace_slot(
    sf: sessionmaker[Session],
) -> None:
    wall = Wall()
    p = pacer(sf, wall, rate=50, burst=1, max_wait=0.5)
    p.channels = ChannelPace(rate=1, burst=1)
    p.wait("D1")
    before = stored(sf)
    with pytest.raises(Deferred) as deferred:
        p.wait("D1")
    assert deferred.value.seconds == pytest.approx(1.0)
    assert stored(sf) == before


def test_after_a_429_this_replica_and_the_other_hold_the_workspace_for_retry_after(
    sf: sessionmaker[Session], second_sf: sessionmaker[Session]
) -> None:
    wall = Wall()
    a, b = pacer(sf, wall, max_wait=0.5), pacer(second_sf, wall)
    a.wait("D1")
    a.rate_limited("D1", 1.0)
    with pytest.raises(Deferred, match="channel"):  # the refused channel waits for Retry-After
        a.wait("D1")
    with pytest.raises(Deferred, match="rate limited"):  # and so does every other one
        a.wait("D3")
    b.wait("D2")  # the other replica learnt of the 429 through the shared row
    assert wall.t == pytest.approx(START + 1.0)


def test_a_wait_longer_than_allowed_defers_and_gives_the_slots_back(
    sf: sessionmaker[Session], second_sf: sessionmaker[Session]
) -> None:
    wall = Wall()
    a, b = pacer(sf, wall), pacer(second_sf, wall, max_wait=0.5)
    a.rate_limited("D1", 3.0)
    held = stored(sf)
    with pytest.raises(Deferred) as deferred:
        b.wait("D2")  # b learns of the hold only from the slot it is offered
    assert deferred.value.seconds == pytest.approx(3.0)
    assert stored(sf) == held  # nothing reserved for a post that is not made
    with pytest.raises(Deferred):
        b.wait("D3")  # and now knows, without asking the database again
    assert stored(sf) == held


# --- the dispatcher: posts paced by the shared schedule ---


@pytest.mark.usefixtures("clock")
def test_two_dispatchers_post_on_one_schedule_and_an_idle_one_takes_no_slot(
    sf: sessionmaker[Session],
    second_sf: sessionmaker[Session],
    slack: StandIn,
    make_dispatcher: Callable[..., Dispatcher],
) -> None:
    wall = Wall(advance=False)  # frozen: each wait is the slot's distance from START
    a = make_dispatcher(pacer=pacer(sf, wall, rate=50, burst=5))
    b = make_dispatcher(pacer=pacer(second_sf, wall, rate=50, burst=5), session_factory=second_sf)
    assert not b.tick()  # idle: nothing claimed, nothing reserved
    assert stored(sf) is None
    notices(sf, [f"U{n}" for n in range(10)], T0)
    assert a.tick().sent == 10
    assert stored(sf) == int(START * MICRO) + 10 * 20_000  # one slot per post made
    notices(sf, ["U10", "U11"], T0, prefix="m")
    assert b.tick().sent == 2
    # a's ten: five at once (the burst), then 20 ms apart; b's two come after them, not in parallel.
    assert sorted(wall.slept) == pytest.approx([0.02, 0.04, 0.06, 0.08, 0.10, 0.12, 0.14])
    assert len(posts(slack)) == 12


@pytest.mark.usefixtures("clock")
def test_a_429_at_one_dispatcher_holds_the_other(
    sf: sessionmaker[Session],
    second_sf: sessionmaker[Session],
    slack: StandIn,
    make_dispatcher: Callable[..., Dispatcher],
) -> None:
    wall = Wall()
    a = make_dispatcher(pacer=pacer(sf, wall))
    b = make_dispatcher(pacer=pacer(second_sf, wall), session_factory=second_sf)
    notices(sf, ["U1"], T0)
    slack.inject_rate_limit("chat.postMessage", retry_after=1)
    assert a.tick().retried == 1
    notices(sf, ["U2"], T0, prefix="m")
    assert b.tick().sent == 1
    assert wall.t >= START + 1.0  # b slept until the Retry-After had passed
    refused, posted = slack.calls_to("chat.postMessage")
    assert (refused.outcome, posted.outcome) == ("http_429", "ok")
