"""`loopbot deliveries` and the dispatcher's scheduler job (start, tick, clean shutdown)."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import pytest
from click.testing import CliRunner, Result
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.cli import main
from bot.clock import SystemClock
from bot.delivery.claim import claim_due
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.tick import start_dispatcher
from bot.deps import Deps
from bot.standin import StandIn
from models import Delivery, DeliveryStatus, utcnow
from tests.support.outbox import T0, settings
from tests.support.outbox_data import notices, one, rows, scheduled
from tests.support.slack_records import posts
from tests.support.waiting import eventually

H = timedelta(hours=1)


def cli(db_url: str, *args: str) -> Result:
    return CliRunner().invoke(
        main, ["deliveries", *args], env={"DATABASE_URL": db_url}, catch_exceptions=False
    )


def test_list_shows_pending_failed_and_expired_with_filters(sf: sessionmaker[Session], db_url: str) -> None:
    scheduled(sf, T0 + 30 * H, ("U1",), T0, settings())
    with sf.begin() as s:
        rows_ = s.query(Delivery).order_by(Delivery.id).all()
        rows_[0].status, rows_[0].last_error = DeliveryStatus.FAILED, "user_not_found"
        rows_[1].status = DeliveryStatus.SENT
    out = cli(db_url).output
    assert out.splitlines()[0].split()[:4] == ["id", "status", "kind", "recipient"]
    assert "user_not_found" in out
    assert "Ada Lovelace" in out
    assert f"\n{rows_[1].id} " not in out  # sent rows are not listed by default
    failed = cli(db_url, "--status", "failed").output.splitlines()
    assert len(failed) == 2
    assert failed[1].startswith(f"{rows_[0].id} ")
    assert cli(db_url, "--candidate", "nobody").output.strip() == "no deliveries match"
    assert len(cli(db_url, "--candidate", "lovel").output.splitlines()) > 2


def test_retry_requeues_a_failed_delivery_only(sf: sessionmaker[Session], db_url: str) -> None:
    [key] = notices(sf, ["U1"], T0)
    row = one(sf, key)
    refused = CliRunner().invoke(main, ["deliveries", "retry", str(row.id)], env={"DATABASE_URL": db_url})
    assert refused.exit_code != 0
    assert "it is pending" in refused.output
    with sf.begin() as s:
        stored = s.get_one(Delivery, row.id)
        stored.status, stored.attempts, stored.last_error = DeliveryStatus.FAILED, 3, "channel_not_found"
    assert "re-queued" in cli(db_url, "retry", str(row.id)).output
    again = one(sf, key)
    assert (again.status, again.attempts) == (DeliveryStatus.PENDING, 0)
    assert again.next_attempt_at <= utcnow()


def test_the_scheduler_ticks_and_shutdown_releases_what_it_holds(
    sf: sessionmaker[Session], slack: StandIn, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    notices(sf, ["U1"], utcnow())
    client = WebClient(token="xoxb-test", base_url=slack.url)
    deps = Deps(
        settings=settings(LOOPBOT_TICK_SECONDS=0.2), session_factory=sf, client=client, clock=SystemClock()
    )
    dispatcher = Dispatcher(sf, client, deps.settings, deps.clock)
    scheduler = start_dispatcher(deps, dispatcher)
    job = scheduler.get_jobs()[0]
    assert (job.max_instances, job.coalesce) == (1, True)
    deadline = time.monotonic() + 10
    while not posts(slack) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(posts(slack)) == len(slack.messages("U1")) == 1
    # Ticks ran (one of them posted), yet APScheduler's two INFO lines per run are not in the log.
    assert [r.getMessage() for r in caplog.records if r.name.startswith("apscheduler")] == []
    # The tick that posted logs its line when it ends, just after the post is seen here.
    assert eventually(lambda: any(r.getMessage().startswith("delivery.tick ") for r in caplog.records))
    # A row claimed by this process but not yet sent when SIGTERM arrives is handed back.
    notices(sf, ["U2"], utcnow() + H)
    claim_due(sf, utcnow() + H, utcnow() + 2 * H, 10, dispatcher.worker_id + ":held")
    scheduler.shutdown()
    assert not scheduler.running
    assert {(r.recipient, r.status, r.attempts) for r in rows(sf)} == {
        ("U1", DeliveryStatus.SENT, 1),
        ("U2", DeliveryStatus.PENDING, 0),
    }
