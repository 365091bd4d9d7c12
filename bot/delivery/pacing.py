"""Client-side pacing of chat.postMessage: one workspace rate for all replicas, a pace per channel.

Slack caps chat.postMessage per workspace and at about 1 post per second per channel; beyond that
it answers 429 and posts nothing. Learning the cap from 429s costs a Retry-After (>= 1 s) of idle
senders each time, so posts are paced to stay under it in the first place.

The workspace rate is a GCRA schedule kept in one database row (`send_pace`): its value is the
next free slot. A process about to post reserves slots for the send threads waiting right now with
one short `UPDATE ... RETURNING` (PostgreSQL: a row lock; SQLite: under BEGIN IMMEDIATE), so:
- every replica on the database draws from the same schedule: together they keep one rate;
- a replica with nothing to send reserves nothing, and the other one gets the whole rate;
- no heartbeat or live-worker count is needed (a token bucket per process divided by the
  number of live workers would waste the share of an idle replica and misjudge during start-up
  and failover).
The row holds wall-clock microseconds, so replicas' clocks must agree (NTP), as the leases
already require; a value implausibly far ahead (a clock step) is reset.

The channel pace is per process (a channel rarely gets posts from two replicas at once; if it
does, the 429 is honoured). A 429 holds the channel here and the workspace for every replica.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from sqlalchemy import ColumnElement, Table, case, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.db import IMMEDIATE
from bot.delivery.logfmt import kv
from models.delivery import SendPace

MICRO = 1_000_000
POST_METHOD = "chat.postMessage"
CHANNEL_RATE = 1.0  # Slack: about one post per second per channel...
CHANNEL_BURST = 3  # ...short bursts allowed (a prep kit of three parts goes at once)
MAX_AHEAD = 600.0  # seconds: the longest hold; a schedule twice as far ahead is a clock step, not a plan

P = cast(Table, SendPace.__table__)
log = logging.getLogger("loopbot.delivery")


class Deferred(Exception):
    """Hand the row back untouched, to be tried again in `seconds`."""

    def __init__(self, seconds: float, why: str) -> None:
        super().__init__(why)
        self.seconds, self.why = seconds, why


def gcra_slots(end: int, n: int, interval: int, tolerance: int, now: int) -> list[int]:
    """The send times of the `n` slots a reservation ending at `end` got (GCRA, integer time units).

    A reservation moves the schedule from max(next, now) to `end` = max(next, now) + n x interval;
    slot i may go `tolerance` (= (burst - 1) x interval) before its place, but never before `now`.
    """
    base = end - n * interval
    return [max(now, base + i * interval - tolerance) for i in range(n)]


@dataclass(frozen=True)
class Reservation:
    """Slots taken from the shared schedule: their wall times, and where the schedule now ends."""

    slots: list[float]
    end: int


class SharedRate:
    """One GCRA schedule in the database, shared by every process using it; times are wall seconds."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        rate: float,
        burst: int,
        name: str = POST_METHOD,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self._sf, self.name, self._wall = session_factory, name, wall
        self.rate, self.burst = rate, burst
        self.interval = max(1, round(MICRO / rate))
        self.tolerance = (burst - 1) * self.interval

    def _write(self, value_sql: ColumnElement[int], fresh: int) -> int:
        """Set the row to `value_sql` and return the new value; create it (as `fresh`) if missing."""
        for attempt in (1, 2):
            try:
                with self._sf() as s:
                    s.connection(execution_options=IMMEDIATE)
                    stmt = update(P).where(P.c.name == self.name).values(next_slot_us=value_sql)
                    value = s.scalar(stmt.returning(P.c.next_slot_us))
                    if value is None:
                        s.add(SendPace(name=self.name, next_slot_us=fresh))
                        value = fresh
                    s.commit()
                    return int(value)
            except IntegrityError:
                if attempt == 2:  # another process created the row at the same moment: update it now
                    raise
        raise AssertionError("unreachable")

    def _now(self) -> int:
        return int(self._wall() * MICRO)

    def reserve(self, n: int) -> Reservation:
        """Reserve the next `n` slots of the shared schedule, in one statement."""
        now = self._now()
        current = P.c.next_slot_us
        start = case((current > now + int(2 * MAX_AHEAD * MICRO), now), (current > now, current), else_=now)
        end = self._write(start + n * self.interval, now + n * self.interval)
        return Reservation([t / MICRO for t in gcra_slots(end, n, self.interval, self.tolerance, now)], end)

    def give_back(self, end: int, n: int) -> bool:
        """Return the last reservation (ending at `end`) unless someone reserved after it."""
        stmt = (
            update(P)
            .where(P.c.name == self.name, P.c.next_slot_us == end)
            .values(next_slot_us=P.c.next_slot_us - n * self.interval)
        )
        with self._sf() as s:
            s.connection(execution_options=IMMEDIATE)
            done = (getattr(s.execute(stmt), "rowcount", 0) or 0) == 1
            s.commit()
        return done

    def hold(self, seconds: float) -> None:
        """Nobody posts for `seconds` (a 429's Retry-After), then the rate resumes without a burst."""
        now = self._now()
        until = now + int(min(seconds, MAX_AHEAD) * MICRO) + self.tolerance
        current = P.c.next_slot_us
        self._write(case((current > until, current), else_=until), until)


class ChannelPace:
    """The same GCRA per channel, in this process: CHANNEL_RATE posts per second, CHANNEL_BURST at once."""

    def __init__(self, rate: float = CHANNEL_RATE, burst: int = CHANNEL_BURST) -> None:
        self.interval = max(1, round(MICRO / rate))
        self.tolerance = (burst - 1) * self.interval
        self._next: dict[str, int] = {}

    def delay(self, channel: str, now: int) -> int:
        """Microseconds until `channel` may take a post."""
        start = max(self._next.get(channel, 0), now)
        return max(0, start - self.tolerance - now)

    def reserve(self, channel: str, now: int) -> int:
        """Take the channel's next slot; its time."""
        end = max(self._next.get(channel, 0), now) + self.interval
        self._next[channel] = end
        if len(self._next) > 10_000:  # forget channels that are idle again
            self._next = {c: t for c, t in self._next.items() if t > now}
        return gcra_slots(end, 1, self.interval, self.tolerance, now)[0]

    def hold(self, channel: str, until: int) -> None:
        """No post to `channel` before `until`."""
        self._next[channel] = max(self._next.get(channel, 0), until + self.tolerance)


class Pacer:
    """Paces the posts of this process's send threads; `wait(channel)` returns when one may go."""

    def __init__(
        self,
        shared: SharedRate,
        max_wait: float,
        wall: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        max_block: int = 64,
    ) -> None:
        self.shared, self.max_wait, self.max_block = shared, max_wait, max_block
        self._wall, self._sleep = wall, sleep
        self.channels = ChannelPace()
        self._lock = threading.Lock()  # the workspace slots and the reservation
        self._channel_lock = threading.Lock()
        self._slots: deque[float] = deque()
        self._waiting = 0
        self._not_before = 0.0  # a 429 (or a far schedule) seen here: defer without asking the database

    def wait(self, channel: str) -> float:
        """Sleep until a post to `channel` fits both paces; the seconds slept (Deferred if too long)."""
        slept = self._wait_channel(channel)
        return slept + self._wait_workspace()

    def _wait_channel(self, channel: str) -> float:
        with self._channel_lock:
            now = int(self._wall() * MICRO)
            delay = self.channels.delay(channel, now) / MICRO
            if delay > self.max_wait:
                raise Deferred(delay, "channel rate")
            slot = self.channels.reserve(channel, now) / MICRO
        return self._sleep_until(slot)

    def _wait_workspace(self) -> float:
        ahead = self._not_before - self._wall()
        if ahead > self.max_wait:
            raise Deferred(ahead, "rate limited")
        with self._lock:
            self._waiting += 1
        with self._lock:
            if not self._slots:
                # Reserve for every thread waiting now: no slot is taken that nobody will use.
                n = min(self._waiting, self.max_block)
                got = self.shared.reserve(n)
                if got.slots[0] - self._wall() > self.max_wait:
                    self._not_before = got.slots[0]
                    self.shared.give_back(got.end, n)
                else:
                    self._slots.extend(got.slots)
            slot = self._slots.popleft() if self._slots else None
            self._waiting -= 1
        if slot is None:
            raise Deferred(max(self._not_before - self._wall(), 0.0), "rate limited")
        return self._sleep_until(slot)

    def _sleep_until(self, at: float) -> float:
        delay = at - self._wall()
        if delay > 0:
            self._sleep(delay)
            return delay
        return 0.0

    def rate_limited(self, channel: str, retry_after: float) -> None:
        """Honour a 429: Slack does not say which limit it was, so hold the channel and the workspace."""
        now = self._wall()
        with self._channel_lock:
            self.channels.hold(channel, int((now + retry_after) * MICRO))
        with self._lock:
            self._not_before = max(self._not_before, now + retry_after)
            self._slots.clear()  # slots reserved before the 429 are not safe to use
        try:
            self.shared.hold(retry_after)
        except Exception:  # the hold above still applies to this process; the row is retried anyway
            log.exception("delivery.hold_failed %s", kv(retry_after=retry_after))
