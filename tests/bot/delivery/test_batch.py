"""A claimed batch is re-checked and rendered in one session whose statement count does not grow per row."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any, TypeVar

import pytest
from slack_sdk import WebClient
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import FakeClock
from bot.delivery import batch as batch_module
from bot.delivery import planner
from bot.delivery.batch import BatchDeps, prepare
from bot.delivery.claim import Claimed, apply, claim_due
from bot.delivery.outcomes import LABELS, Backoff
from bot.delivery.relevance import Facts
from bot.delivery.slack_io import TzCache
from bot.standin import StandIn
from models import DeliveryKind, DeliveryStatus, Interview, InterviewStatus
from tests.support import factories
from tests.support.outbox import T0, settings
from tests.support.outbox_data import rows, submit

H = timedelta(hours=1)
T = TypeVar("T")


@pytest.fixture
def deps(sf: sessionmaker[Session], slack: StandIn, clock: FakeClock) -> Iterator[BatchDeps]:
    """What the dispatcher hands prepare(), with the default settings."""
    config = settings()
    with ThreadPoolExecutor(2) as pool:
        yield BatchDeps(
            session_factory=sf,
            clock=clock,
            pool=pool,
            tz=TzCache(WebClient(token="xoxb-test", base_url=slack.url)),
            working_hours=config.working_hours,
            feedback_sla=config.feedback_sla,
            backoff=Backoff(timedelta(seconds=15), timedelta(minutes=30)),
        )


def ended_interviews(sf: sessionmaker[Session], n: int, first: int = 0) -> list[int]:
    """`n` interviews that ended an hour ago, two panelists each: their feedback requests are due."""
    with sf.begin() as s:
        cl = factories.candidate_loop(s, rubric_slug=f"r{first}", loop_slug=f"l{first}")
        ids = []
        for k in range(first, first + n):
            panel = [(f"UA{k}", "lead"), (f"UB{k}", "interviewer")]
            interview = factories.snapshot_interview(s, panel, starts_at=T0 - 2 * H, cl=cl, type_slug=f"t{k}")
            planner.plan_interview(s, interview, settings(), T0)
            ids.append(interview.id)
        return ids


def statements(sf: sessionmaker[Session], run: Callable[[], T]) -> tuple[int, T]:
    engine = sf.kw["bind"]
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        result = run()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen), result


def claim(sf: sessionmaker[Session], token: str) -> list[Claimed]:
    return claim_due(sf, T0, T0 + timedelta(minutes=1), 100, token)


def test_a_batch_costs_the_same_statements_for_4_rows_as_for_20(
    sf: sessionmaker[Session], deps: BatchDeps
) -> None:
    ended_interviews(sf, 2)
    batch = claim(sf, "w:1")
    small, (finishes, jobs) = statements(sf, lambda: prepare(deps, batch))
    assert (len(finishes), len(jobs)) == (0, 4)
    ended_interviews(sf, 10, first=2)
    batch = claim(sf, "w:2")
    large, (finishes, jobs) = statements(sf, lambda: prepare(deps, batch))
    assert (len(finishes), len(jobs)) == (0, 20)
    assert large == small <= 5  # rows, interviews (+ loop, candidate), panels, feedback (+ SQLite's BEGIN)
    assert {j.rendered.parts[0].message.text for j in jobs} == {
        "Feedback please: Architecture with Ada Lovelace"
    }
    assert len({(j.row.interview_id, j.rendered.channel) for j in jobs}) == 20  # each for its own seat


def test_each_row_of_a_batch_gets_its_own_verdict(sf: sessionmaker[Session], deps: BatchDeps) -> None:
    keep, answered, declined, cancelled = ended_interviews(sf, 4)
    submit(sf, answered, "UA1", T0)
    with sf.begin() as s:
        s.get_one(Interview, declined).panel[1].declined_at = T0
        s.get_one(Interview, cancelled).status = InterviewStatus.CANCELLED
    finishes, jobs = prepare(deps, claim(sf, "w:1"))
    sent = sorted((j.row.interview_id, j.row.recipient) for j in jobs)
    assert sent == sorted([(keep, "UA0"), (keep, "UB0"), (answered, "UB1"), (declined, "UA2")])
    verdicts = sorted((f.claimed.recipient, f.values.get("last_error")) for f in finishes)
    assert verdicts == [
        ("UA1", "feedback already in"),
        ("UA3", "interview cancelled"),
        ("UB2", "panelist declined"),
        ("UB3", "interview cancelled"),
    ]


def test_a_row_claimed_by_someone_else_since_is_skipped(
    sf: sessionmaker[Session], deps: BatchDeps, clock: FakeClock
) -> None:
    ended_interviews(sf, 1)
    mine = claim(sf, "w:1")
    clock.advance(timedelta(minutes=2))
    claim_due(sf, T0 + timedelta(minutes=2), T0 + timedelta(minutes=3), 100, "other:1")  # lease ran out
    finishes, jobs = prepare(deps, mine)
    assert jobs == []
    assert [f.event for f in finishes] == ["skipped", "skipped"]


def test_a_row_that_cannot_be_rendered_fails_and_the_recruiter_is_told(
    sf: sessionmaker[Session], deps: BatchDeps, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    ended_interviews(sf, 1)
    batch = claim(sf, "w:1")
    clock.advance(timedelta(seconds=3))

    def broken(*_args: Any) -> Any:
        raise ValueError("no kit")

    monkeypatch.setattr(batch_module, "render", broken)
    finishes, jobs = prepare(deps, batch)
    assert jobs == []
    assert [f.event for f in finishes] == ["failed", "failed"]
    assert apply(sf, finishes) == ["failed", "failed"]
    failed = rows(sf, status=DeliveryStatus.FAILED)
    assert {r.last_error for r in failed} == {"render error: ValueError('no kit')"}
    told = rows(sf, kind=DeliveryKind.NOTICE)
    assert {(n.recipient, n.due_at) for n in told} == {("U0RECRUIT", T0 + timedelta(seconds=3))}
    assert len(told) == 2
    assert all("could not deliver a feedback request" in n.payload["text"] for n in told)


def test_a_database_failure_hands_every_row_back_after_the_backoff(
    sf: sessionmaker[Session], deps: BatchDeps, monkeypatch: pytest.MonkeyPatch
) -> None:
    ended_interviews(sf, 1)
    batch = claim(sf, "w:1")

    def down(*_args: Any) -> Any:
        raise OSError("database went away")

    monkeypatch.setattr(Facts, "load", down)
    finishes, jobs = prepare(deps, batch)
    assert jobs == []
    assert [f.event for f in finishes] == ["retried", "retried"]
    # Counted as an attempt, due again after between half and all of the 15 s base backoff.
    for f in finishes:
        assert f.values["last_error"] == "unknown: internal error"
        assert "attempts" not in f.values
        assert T0 + timedelta(seconds=7.5) <= f.values["next_attempt_at"] <= T0 + timedelta(seconds=15)


def test_every_delivery_kind_has_a_name_for_the_failure_notice() -> None:
    # "I could not deliver a <label> to …": a kind without a label would show its raw value.
    assert set(LABELS) == {kind.value for kind in DeliveryKind}
