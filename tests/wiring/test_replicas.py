"""Replicas of the real `loopbot serve` on one database against the Slack stand-in.

Each replica is a `loopbot serve` process with its own bot token, so every call the stand-in records says
which replica made it, and its log says the dispatcher's worker id, which prefixes the claim tokens it
writes. Rows are inserted in one transaction once both replicas are up and ticking, so they contend for
the same due rows from the first instant.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot import migrate
from bot.db import IMMEDIATE, make_engine, make_session_factory
from bot.delivery import planner
from bot.delivery.retry_logic import key_hash
from bot.standin import Call, StandIn, default_workspace
from models import Delivery, DeliveryStatus, utcnow
from tests.support.databases import new_database_url
from tests.support.slack_records import key_hash_of, posts

LOOPBOT = str(Path(sys.executable).parent / "loopbot")
OPEN = (DeliveryStatus.PENDING, DeliveryStatus.SENDING)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def env_for(database_url: str, api_url: str, token: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "LOOPBOT_", "DATABASE_"))}
    env.update(
        DATABASE_URL=database_url,
        SLACK_API_URL=api_url,
        SLACK_BOT_TOKEN=token,
        SLACK_SIGNING_SECRET="replicas-test-signing-secret",
        PORT=str(free_port()),
        LOOPBOT_TICK_SECONDS="0.2",
        # These tests prove exactly-once delivery, not pacing (tests/bot/delivery/test_pacing.py does that).
        LOOPBOT_POST_RATE="1000",
    )
    env.update(extra)
    return env


@dataclass
class Replica:
    token: str
    proc: subprocess.Popen[bytes]
    log: Path
    port: int

    def tail(self) -> str:
        return f"--- {self.token} (exit {self.proc.poll()}):\n{self.log.read_text()[-3000:]}"

    def worker_id(self) -> str:
        """The dispatcher's id, which prefixes every claim token this replica writes."""
        found = re.search(r"delivery\.scheduler_started worker=(\w+)", self.log.read_text())
        assert found, self.tail()
        return found.group(1)

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as resp:
                status: int = resp.status
                return status == 200
        except OSError:
            return False


class Replicas:
    """Starts `loopbot serve` processes; whatever happens in the test, close() kills what is left."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.started: list[Replica] = []

    def start(self, database_url: str, api_url: str, n: int = 2, **extra: str) -> list[Replica]:
        envs = [env_for(database_url, api_url, f"xoxb-replica-{i}", **extra) for i in range(n)]
        engine = make_engine(database_url)
        migrate.upgrade(engine)  # what `loopbot db upgrade` does, without starting one more interpreter
        engine.dispose()
        fresh = []
        for env in envs:
            log = self.tmp / f"{env['SLACK_BOT_TOKEN']}.log"
            with log.open("wb") as out:
                cmd = [LOOPBOT, "serve", "--host", "127.0.0.1", "--threads", "2"]
                proc = subprocess.Popen(cmd, env=env, cwd=self.tmp, stdout=out, stderr=subprocess.STDOUT)
            fresh.append(Replica(env["SLACK_BOT_TOKEN"], proc, log, int(env["PORT"])))
        self.started += fresh
        deadline = time.monotonic() + 60
        while not all(r.healthy() for r in fresh):
            if time.monotonic() > deadline or any(r.proc.poll() is not None for r in fresh):
                pytest.fail("replicas did not come up:\n" + "\n".join(r.tail() for r in fresh))
            time.sleep(0.1)
        return fresh

    def close(self) -> None:
        for r in self.started:
            if r.proc.poll() is None:
                r.proc.kill()
            r.proc.wait(10)


@pytest.fixture
def slack() -> Iterator[StandIn]:
    """Any U... id is a live user; any xox token is accepted (one per replica)."""
    with StandIn(default_workspace(auto_users=True)) as standin:
        yield standin


@pytest.fixture
def replicas(
    slack: StandIn,  # noqa: ARG001 - requested so the stand-in outlives the replicas: they are killed first
    tmp_path: Path,
) -> Iterator[Replicas]:
    started = Replicas(tmp_path)
    yield started
    started.close()


@pytest.fixture
def pg_url(tmp_path: Path) -> str:
    """A throw-away PostgreSQL database (skipped without one, failed if LOOPBOT_REQUIRE_POSTGRES=1)."""
    return new_database_url("postgresql", tmp_path)


@contextmanager
def session_factory(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(database_url)
    yield make_session_factory(engine)
    engine.dispose()


def queue_notices(sf: sessionmaker[Session], n: int) -> list[str]:
    """n notices due now, one per user, in one transaction; returns their dedupe keys."""
    keys = []
    now = utcnow()
    with sf.begin() as s:
        # SQLite: planner.notify reads, then writes. In a deferred transaction that upgrade fails at once
        # with "database is locked" (no busy wait) while a replica's claim holds the write lock, so a
        # producer next to running dispatchers must take the lock up front, as feedback_service does.
        s.connection(execution_options=IMMEDIATE)
        for i in range(n):
            who = f"UR{i:05d}"
            keys.append(f"replicas:{who}")
            planner.notify(
                s, recipient=who, candidate_loop_id=None, interview_id=None,
                notice=f"hello {who}", key=keys[-1], now=now,
            )  # fmt: skip
    return keys


def wait_all_final(sf: sessionmaker[Session], reps: list[Replica], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        with sf() as s:
            left = s.scalar(select(func.count()).select_from(Delivery).where(Delivery.status.in_(OPEN)))
        if not left:
            return
        if time.monotonic() > deadline:
            pytest.fail(f"{left} deliveries still open:\n" + "\n".join(r.tail() for r in reps))
        time.sleep(0.2)


def by_key(sf: sessionmaker[Session]) -> dict[str, Delivery]:
    with sf() as s:
        return {d.dedupe_key: d for d in s.scalars(select(Delivery))}


def assert_exactly_once(sf: sessionmaker[Session], slack: StandIn, keys: list[str]) -> list[Call]:
    """Every key posted once (accepted chat.postMessage carrying its hash) and marked sent; the posts."""
    accepted = posts(slack)
    assert Counter(map(key_hash_of, accepted)) == Counter({key_hash(k, "0"): 1 for k in keys})
    assert {d.status for d in by_key(sf).values()} == {DeliveryStatus.SENT}
    return accepted


def owned(row: Delivery, worker_id: str) -> bool:
    """The row's last claim was made by the dispatcher with this id."""
    return (row.claim_token or "").startswith(worker_id + ":")


def stop_cleanly(reps: list[Replica]) -> None:
    for r in reps:
        r.proc.send_signal(signal.SIGTERM)
    assert [r.proc.wait(15) for r in reps] == [0] * len(reps), "\n".join(r.tail() for r in reps)


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_two_replicas_post_each_of_1000_keys_exactly_once(
    backend: str, slack: StandIn, replicas: Replicas, tmp_path: Path
) -> None:
    url = new_database_url(backend, tmp_path)
    slack.latency = 0.01  # keeps one replica from draining the batch before the other's next tick
    reps = replicas.start(url, slack.url)
    with session_factory(url) as sf:
        keys = queue_notices(sf, 1000)
        wait_all_final(sf, reps, 45)
        accepted = assert_exactly_once(sf, slack, keys)
        per_replica = Counter(c.token for c in accepted)
        assert set(per_replica) == {r.token for r in reps}, per_replica  # both really shared the work
        assert all(n >= 50 for n in per_replica.values()), per_replica
        workers = {r.worker_id() for r in reps}
        finishers = {w for d in by_key(sf).values() for w in workers if owned(d, w)}
        assert finishers == workers
    stop_cleanly(reps)


def test_sigkill_one_replica_mid_batch_the_other_delivers_the_rest_once(
    pg_url: str, slack: StandIn, replicas: Replicas
) -> None:
    slack.latency = 0.1  # posts take a while, so the victim always has some in flight
    slack.inject_slow("chat.postMessage", 0.5)  # and the first one surely still is when it is seen
    reps = replicas.start(pg_url, slack.url, LOOPBOT_LEASE_SECONDS="2")
    with session_factory(pg_url) as sf:
        keys = queue_notices(sf, 300)
        deadline = time.monotonic() + 20
        while not (first := slack.calls_to("chat.postMessage")):
            assert time.monotonic() < deadline, "no post started"
            time.sleep(0.005)
        [victim] = [r for r in reps if r.token == first[0].token]
        [survivor] = [r for r in reps if r is not victim]
        victim.proc.kill()
        assert victim.proc.wait(10) == -signal.SIGKILL
        # Posts whose answer the victim never got: Slack (the stand-in) accepts them after its death.
        calls = slack.calls_to("chat.postMessage")
        unanswered = {key_hash_of(c) for c in calls if c.token == victim.token and c.outcome == "pending"}
        assert unanswered, "the victim had no post in flight"
        killed_id, survivor_id = victim.worker_id(), survivor.worker_id()
        rows = by_key(sf).items()
        held = {
            key_hash(k, "0") for k, d in rows if d.status == DeliveryStatus.SENDING and owned(d, killed_id)
        }
        assert unanswered <= held, "an unanswered post's row was not held by the victim"

        wait_all_final(sf, [survivor], 30)
        accepted = assert_exactly_once(sf, slack, keys)  # nothing lost, nothing twice
        poster = {key_hash_of(c): c.token for c in accepted}
        finished = {key_hash(k, "0"): d for k, d in by_key(sf).items()}
        # Every row the victim held was taken over by the survivor once the lease ran out.
        assert all(owned(finished[h], survivor_id) for h in held)
        assert all(finished[h].attempts >= 2 for h in held)
        # Posted by the victim, never marked sent by it: the survivor found them by metadata, no re-post.
        assert all(poster[h] == victim.token for h in unanswered)
        # Claimed by the victim but never posted: the survivor posted them.
        assert any(poster[h] == survivor.token for h in held)
        assert survivor.proc.poll() is None, survivor.tail()
    stop_cleanly([survivor])
