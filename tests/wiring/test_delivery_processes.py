"""Several dispatcher processes on one database against the Slack stand-in, and SIGKILL mid-send.

The stand-in runs in this test process; each worker process points its WebClient at its URL.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.delivery.retry_logic import key_hash
from bot.standin import StandIn
from models import DeliveryStatus, utcnow
from tests.support.outbox_data import notices, rows
from tests.support.slack_records import post_hashes, posts

ROOT = Path(__file__).resolve().parents[2]


def spawn(db_url: str, api: str, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.delivery_worker", db_url, api, *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished(proc: subprocess.Popen[str]) -> dict[str, int]:
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err[-3000:]
    totals: dict[str, int] = json.loads(out.strip().splitlines()[-1])
    return totals


def assert_exactly_once(sf: sessionmaker[Session], slack: StandIn, keys: list[str]) -> None:
    counts = Counter(post_hashes(slack))  # accepted chat.postMessage calls, by the key hash in their metadata
    assert counts == Counter({key_hash(k, "0"): 1 for k in keys})
    users = [k.split(":", 1)[1] for k in keys]
    # One message in each DM, rendered by the worker process with the real builder.
    assert [[m["text"] for m in slack.messages(u)] for u in users] == [[f"hi {u}"] for u in users]
    assert {r.status for r in rows(sf)} == {DeliveryStatus.SENT}


@pytest.mark.parametrize("processes", [2, 3])
def test_several_processes_post_each_key_exactly_once(
    processes: int, backend: str, sf: sessionmaker[Session], db_url: str, slack: StandIn, tmp_path: Path
) -> None:
    if backend == "sqlite" and processes == 2:
        pytest.skip("SQLite: one multi-process case is enough (three processes below)")
    keys = notices(sf, [f"U{n:04d}" for n in range(1000)], utcnow())
    go = tmp_path / "go"
    procs = [spawn(db_url, slack.url, "--go", str(go), "--concurrency", "4") for _ in range(processes)]
    go.touch()
    totals = [finished(p) for p in procs]
    assert_exactly_once(sf, slack, keys)
    assert sum(t["sent"] for t in totals) == 1000
    assert all(t["claimed"] > 0 for t in totals), totals  # they really shared the work


@pytest.mark.parametrize("point", ["before_post", "after_post"])
def test_sigkill_mid_send_then_restart_delivers_everything_once(
    point: str, sf: sessionmaker[Session], db_url: str, slack: StandIn
) -> None:
    keys = notices(sf, [f"U{n:03d}" for n in range(40)], utcnow())
    victim = spawn(db_url, slack.url, "--crash", point, "--lease", "1", "--concurrency", "1")
    victim.communicate(timeout=60)
    assert victim.returncode == -signal.SIGKILL
    held = [r for r in rows(sf) if r.status == DeliveryStatus.SENDING]
    assert held  # the killed process left claimed rows behind
    posted_before = len(posts(slack))
    assert posted_before == (1 if point == "after_post" else 0)
    survivor = finished(spawn(db_url, slack.url, "--lease", "1"))
    assert_exactly_once(sf, slack, keys)
    assert survivor["recovered"] == posted_before  # found by metadata, not posted again
