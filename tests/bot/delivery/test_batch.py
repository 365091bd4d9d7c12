"""A claimed batch is re-checked and rendered in one session whose statement count does not grow per row."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from bot.delivery import planner
from bot.delivery.batch import prepare
from bot.delivery.claim import claim_due
from models import Feedback, Interview, InterviewStatus
from tests.support import factories
from tests.support.outbox import T0, settings

H = timedelta(hours=1)


def ended_interviews(sf: sessionmaker[Session], n: int, first: int = 0) -> list[int]:
    """`n` interviews that ended an hour ago, two panelists each: their feedback requests are due."""
    with sf.begin() as s:
        cl = factories.candidate_loop(s, rubric_slug=f"r{first}", loop_slug=f"l{first}")
        ids = []
        for k in range(first, first + n):
            interview = factories.interview(
                s, cl, [f"UA{k}", f"UB{k}"], starts_at=T0 - 2 * H, type_slug=f"t{k}"
            )
            interview.guidance = {"type_name": "Architecture"}
            s.flush()
            planner.plan_interview(s, interview, settings(), T0)
            ids.append(interview.id)
        return ids


def statements(sf: sessionmaker[Session], run: Callable[[], Any]) -> tuple[int, Any]:
    engine = sf.kw["bind"]
    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        result = run()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen), result


def claim(sf: sessionmaker[Session], token: str) -> list[Any]:
    return claim_due(sf, T0, T0 + timedelta(minutes=1), 100, token)


def test_a_batch_costs_the_same_statements_for_4_rows_as_for_20(sf, slack, clock, make_dispatcher):
    d = make_dispatcher()
    ended_interviews(sf, 2)
    batch = claim(sf, "w:1")
    small, (finishes, jobs) = statements(sf, lambda: prepare(d, batch))
    assert (len(finishes), len(jobs)) == (0, 4)
    ended_interviews(sf, 10, first=2)
    batch = claim(sf, "w:2")
    large, (finishes, jobs) = statements(sf, lambda: prepare(d, batch))
    assert (len(finishes), len(jobs)) == (0, 20)
    assert large == small <= 5  # rows, interviews (+ loop, candidate), panels, feedback (+ SQLite's BEGIN)
    assert {j.rendered.parts[0].message.text for j in jobs} == {
        "Feedback please: Architecture with Ada Lovelace"
    }
    assert len({(j.row.interview_id, j.rendered.channel) for j in jobs}) == 20  # each for its own seat


def test_each_row_of_a_batch_gets_its_own_verdict(sf, slack, clock, make_dispatcher):
    d = make_dispatcher()
    keep, answered, declined, cancelled = ended_interviews(sf, 4)
    with sf.begin() as s:
        s.add(Feedback(interview_id=answered, interviewer="UA1", status="submitted", submitted_at=T0))
        s.get_one(Interview, declined).panel[1].declined_at = T0
        s.get_one(Interview, cancelled).status = InterviewStatus.CANCELLED
    finishes, jobs = prepare(d, claim(sf, "w:1"))
    sent = sorted((j.row.interview_id, j.row.recipient) for j in jobs)
    assert sent == sorted([(keep, "UA0"), (keep, "UB0"), (answered, "UB1"), (declined, "UA2")])
    verdicts = sorted((f.claimed.recipient, f.values.get("last_error")) for f in finishes)
    assert verdicts == [
        ("UA1", "feedback already in"),
        ("UA3", "interview cancelled"),
        ("UB2", "panelist declined"),
        ("UB3", "interview cancelled"),
    ]


def test_a_row_claimed_by_someone_else_since_is_skipped(sf, slack, clock, make_dispatcher):
    d = make_dispatcher()
    ended_interviews(sf, 1)
    mine = claim(sf, "w:1")
    clock.advance(timedelta(minutes=2))
    claim_due(sf, T0 + timedelta(minutes=2), T0 + timedelta(minutes=3), 100, "other:1")  # lease ran out
    finishes, jobs = prepare(d, mine)
    assert jobs == [] and [f.event for f in finishes] == ["skipped", "skipped"]
