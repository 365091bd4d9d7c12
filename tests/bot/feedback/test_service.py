"""Feedback service rules: who owes feedback, when the digest is planned, the blind rule."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker

from bot.feedback import blind
from bot.feedback import service as svc
from bot.feedback.logic import FeedbackForm
from models import CandidateLoop, Delivery, DeliveryKind, Feedback, FeedbackRevision
from tests.support.factories import candidate_loop, snapshot_interview
from tests.support.slack_payloads import START, LoopData

AFTER = START + timedelta(hours=2)


def _good(ratings: dict[str, str] | None = None) -> FeedbackForm:
    return FeedbackForm(
        ratings=ratings or {"learn": "yes", "build": "no_signal"},
        recommendation="yes",
        summary="A careful engineer who explains trade-offs well.",
    )


def _digests(factory: sessionmaker[Session]) -> list[str]:
    with factory() as s:
        return list(
            s.scalars(
                select(Delivery.dedupe_key).where(
                    Delivery.kind == DeliveryKind.DIGEST, Delivery.status == "pending"
                )
            )
        )


def test_digest_is_planned_when_the_last_owed_feedback_arrives_shadows_excluded(
    session_factory: sessionmaker[Session], loop_data: LoopData
) -> None:
    with session_factory.begin() as s:
        svc.submit(s, loop_data.interview_id, "U1", _good(), AFTER)
    assert _digests(session_factory) == []
    with session_factory.begin() as s:
        svc.submit(s, loop_data.interview_id, "U2", _good(), AFTER)
    [key] = _digests(session_factory)
    assert key.startswith(f"digest.all_in:cl{loop_data.candidate_loop_id}:")


def test_a_repeated_submission_plans_nothing_new(
    session_factory: sessionmaker[Session], loop_data: LoopData
) -> None:
    for user in ("U1", "U2"):
        with session_factory.begin() as s:
            svc.submit(s, loop_data.interview_id, user, _good(), AFTER)
    with session_factory.begin() as s:
        result = svc.submit(s, loop_data.interview_id, "U2", _good(), AFTER + timedelta(minutes=5))
    assert result.changed is False
    assert len(_digests(session_factory)) == 1


def test_feedback_after_the_digest_was_posted_updates_it(
    session_factory: sessionmaker[Session], loop_data: LoopData
) -> None:
    with session_factory.begin() as s:
        s.get_one(CandidateLoop, loop_data.candidate_loop_id).digest_ts = "1700000000.000200"
    with session_factory.begin() as s:
        svc.submit(s, loop_data.interview_id, "U3", _good(), AFTER)  # even a shadow's optional feedback
    [key] = _digests(session_factory)
    assert key.startswith("digest.late_feedback:")
    with session_factory.begin() as s:
        svc.submit(
            s, loop_data.interview_id, "U3", _good({"learn": "no", "build": "no"}), AFTER + timedelta(hours=1)
        )
    # One pending digest per loop: the newer one renders everything, the older is superseded.
    assert [k.split(":")[0] for k in _digests(session_factory)] == ["digest.feedback_edited"]


def test_a_loop_waits_for_every_scheduled_interview(
    session_factory: sessionmaker[Session], loop_data: LoopData
) -> None:
    with session_factory.begin() as s:
        cl = s.get_one(CandidateLoop, loop_data.candidate_loop_id)
        snapshot_interview(
            s, [("U4", "lead")], starts_at=START + timedelta(days=1), cl=cl, type_slug="values"
        )
    for user in ("U1", "U2"):
        with session_factory.begin() as s:
            svc.submit(s, loop_data.interview_id, user, _good(), AFTER)
    assert _digests(session_factory) == []


def test_blind_rule(session_factory: sessionmaker[Session], loop_data: LoopData) -> None:
    cl_id = loop_data.candidate_loop_id

    def sees(user: str, admins: tuple[str, ...] = ()) -> bool:
        with session_factory() as s:
            return blind.can_see_feedback(s, cl_id, user, admins)

    assert not sees("U1")
    assert not sees("U2")
    assert sees("U3")  # a shadow owes nothing, so has nothing left to be biased on
    assert sees("U0RECRUIT")
    assert sees("U0MANAGER")
    assert not sees("U9")
    assert sees("U9", admins=("U9",))
    with session_factory.begin() as s:
        svc.save_draft(s, loop_data.interview_id, "U1", _good(), AFTER)
    assert not sees("U1")  # a draft is not a submission
    with session_factory.begin() as s:
        svc.submit(s, loop_data.interview_id, "U1", _good(), AFTER)
    assert sees("U1")
    assert not sees("U2")


def test_a_hiring_manager_on_the_panel_must_submit_first(session_factory: sessionmaker[Session]) -> None:
    with session_factory.begin() as s:
        i = snapshot_interview(s, [("U0MANAGER", "lead")], starts_at=datetime(2026, 12, 2, 15, tzinfo=UTC))
        cl_id, interview_id = i.candidate_loop_id, i.id
    with session_factory() as s:
        assert not blind.can_see_feedback(s, cl_id, "U0MANAGER")
    with session_factory.begin() as s:
        svc.submit(s, interview_id, "U0MANAGER", _good(), datetime(2026, 12, 2, 17, tzinfo=UTC))
    with session_factory() as s:
        assert blind.can_see_feedback(s, cl_id, "U0MANAGER")


def test_racing_submissions_store_one_feedback(fresh_session_factory: sessionmaker[Session]) -> None:
    with fresh_session_factory.begin() as s:
        interview_id = snapshot_interview(s, [("U1", "lead")], starts_at=START).id
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def go() -> None:
        try:
            barrier.wait()
            with fresh_session_factory.begin() as s:
                svc.submit(s, interview_id, "U1", _good(), AFTER)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=go) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    with fresh_session_factory() as s:
        [row] = s.scalars(select(Feedback)).all()
        assert row.version == 1
        assert [r.version for r in s.scalars(select(FeedbackRevision))] == [1]


def _statements(factory: sessionmaker[Session], work: Callable[[Session], object]) -> int:
    seen: list[str] = []
    engine = factory.kw["bind"]

    def count(*args: Any) -> None:
        if not args[2].startswith("PRAGMA"):  # SQLite connection settings, not the work
            seen.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        with factory.begin() as s:
            work(s)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_a_submission_costs_the_same_statements_however_big_the_loop_or_its_history(
    fresh_session_factory: sessionmaker[Session],
) -> None:
    factory = fresh_session_factory
    with factory.begin() as s:
        pair = [("U1", "lead"), ("U2", "interviewer")]
        small = snapshot_interview(s, pair, starts_at=START, type_slug="small").id
        cl = candidate_loop(s, name="Grace Hopper", rubric_slug="eng-2", loop_slug="swe-2")
        big_id = snapshot_interview(s, pair, starts_at=START, cl=cl, type_slug="big").id
        for n in range(7):  # seven more interviews of three panelists in the same candidate loop
            panel = [(f"U{n}A", "lead"), (f"U{n}B", "interviewer"), (f"U{n}C", "shadow")]
            snapshot_interview(s, panel, starts_at=START + timedelta(days=n + 1), cl=cl, type_slug=f"t{n}")

    def submit(interview_id: int, summary: str = "") -> Callable[[Session], object]:
        form = _good()
        form.summary += summary
        return lambda s: svc.submit(s, interview_id, "U1", form, AFTER)

    first = _statements(factory, submit(small))
    assert _statements(factory, submit(big_id)) == first
    edits = [_statements(factory, submit(big_id, f" Edit {n}.")) for n in range(4)]
    assert edits == [first] * 4  # an UPDATE instead of the INSERT; earlier versions are never loaded
    assert first <= 7  # lock, read, insert feedback and revision, "all in?", and the transaction
