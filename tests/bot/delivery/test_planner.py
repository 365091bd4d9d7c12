"""The planner against the database (SQLite and PostgreSQL): plan, move, reassign, cancel, digests."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from blocks.text import slack_date
from bot.delivery import planner
from bot.delivery.plan_logic import iso
from models import CandidateLoop, Delivery, DeliveryKind, DeliveryStatus, Interview, InterviewStatus
from tests.support import factories
from tests.support.outbox import settings

H = timedelta(hours=1)
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
START = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
SETTINGS = settings()


def all_rows(s: Session) -> list[Delivery]:
    s.flush()
    return list(s.scalars(select(Delivery).order_by(Delivery.id)))


def status_of(s: Session, **where: object) -> Counter[str]:
    return Counter(d.status for d in all_rows(s) if all(getattr(d, k) == v for k, v in where.items()))


def setup(s: Session, panel: tuple[str, ...] = ("U1", "U2")) -> tuple[CandidateLoop, Interview]:
    seats = [(user, "lead" if n == 0 else "interviewer") for n, user in enumerate(panel)]
    interview = factories.snapshot_interview(s, seats, starts_at=START)
    planner.plan_interview(s, interview, SETTINGS, NOW)
    return interview.candidate_loop, interview


def test_plan_interview_writes_every_row_once(session: Session) -> None:
    cl, interview = setup(session)
    rows = all_rows(session)
    kinds = Counter(d.kind for d in rows)
    assert kinds == {
        DeliveryKind.PREP: 2,
        DeliveryKind.PREP_NUDGE: 2,
        DeliveryKind.FEEDBACK_REQUEST: 2,
        DeliveryKind.REMINDER: 4,
        DeliveryKind.ESCALATION: 2,
        DeliveryKind.DIGEST: 1,
    }
    assert all(d.status == DeliveryStatus.PENDING and d.next_attempt_at == d.due_at for d in rows)
    [digest] = [d for d in rows if d.kind == DeliveryKind.DIGEST]
    assert (digest.recipient, digest.due_at) == ("C0HIRING", START + H + 48 * H)
    planner.plan_interview(session, interview, SETTINGS, NOW)
    assert len(all_rows(session)) == len(rows)


def test_move_cancels_old_rows_plans_new_ones_and_tells_the_panel_once(session: Session) -> None:
    cl, interview = setup(session)
    old_keys = {d.dedupe_key for d in all_rows(session) if d.interview_id == interview.id}
    interview.starts_at, interview.ends_at = START + 24 * H, START + 25 * H
    planner.replan_interview(session, interview, SETTINGS, NOW)
    planner.replan_interview(session, interview, SETTINGS, NOW)  # a second replan changes nothing
    rows = all_rows(session)
    old = [d for d in rows if d.dedupe_key in old_keys]
    assert {d.status for d in old} == {DeliveryStatus.CANCELLED}
    new = [d for d in rows if d.interview_id == interview.id and d.dedupe_key not in old_keys]
    assert {d.payload.get("start") for d in new if d.kind != DeliveryKind.NOTICE} == {iso(START + 24 * H)}
    notices = [d for d in new if d.kind == DeliveryKind.NOTICE]
    assert sorted(d.recipient for d in notices) == ["U1", "U2"]
    assert "has moved to <!date^" in notices[0].payload["text"]
    digests = [d for d in rows if d.kind == DeliveryKind.DIGEST]
    assert Counter((d.status, d.due_at) for d in digests) == {
        (DeliveryStatus.CANCELLED, START + 49 * H): 1,
        (DeliveryStatus.PENDING, START + 73 * H): 1,
    }


def test_a_panelist_already_prepped_is_not_sent_the_kit_again_at_once_after_a_move(session: Session) -> None:
    cl, interview = setup(session)
    for d in all_rows(session):
        if d.kind == DeliveryKind.PREP and d.recipient == "U1":
            d.status = DeliveryStatus.SENT
    now = START - 20 * H  # inside the prep window
    interview.starts_at, interview.ends_at = START + 2 * H, START + 3 * H
    planner.replan_interview(session, interview, SETTINGS, now)
    fresh = [
        d for d in all_rows(session) if d.status == DeliveryStatus.PENDING and d.kind == DeliveryKind.PREP
    ]
    assert [(d.recipient, d.due_at) for d in fresh] == [("U2", now)]


def test_reassign_cancels_the_leavers_rows_and_plans_the_joiners(session: Session) -> None:
    cl, interview = setup(session)
    interview.panel[1].user_id = "U3"
    session.flush()
    assert planner.cancel_pending(session, interview_id=interview.id, recipient="U2") == 5
    planner.replan_interview(session, interview, SETTINGS, NOW)
    assert status_of(session, recipient="U2") == {DeliveryStatus.CANCELLED: 5}
    assert status_of(session, recipient="U3") == {DeliveryStatus.PENDING: 5}
    assert status_of(session, recipient="U1") == {DeliveryStatus.PENDING: 5}
    # Put back: the same keys come back to life instead of clashing with the cancelled rows.
    interview.panel[1].user_id = "U2"
    session.flush()
    planner.cancel_pending(session, interview_id=interview.id, recipient="U3")
    planner.replan_interview(session, interview, SETTINGS, NOW)
    assert status_of(session, recipient="U2") == {DeliveryStatus.PENDING: 5}


def test_cancel_stops_everything_pending_but_notices(session: Session) -> None:
    cl, interview = setup(session)
    planner.notify(
        session, recipient="U1", candidate_loop_id=cl.id, interview_id=interview.id, notice="x",
        key="notice.test", now=NOW,
    )  # fmt: skip
    interview.status = InterviewStatus.CANCELLED
    session.flush()
    planner.replan_interview(session, interview, SETTINGS, NOW)
    assert status_of(session, interview_id=interview.id) == {
        DeliveryStatus.CANCELLED: 12,
        DeliveryStatus.PENDING: 1,
    }
    assert status_of(session, kind=DeliveryKind.NOTICE) == {DeliveryStatus.PENDING: 1}
    # No scheduled interview left: no deadline digest either.
    assert status_of(session, kind=DeliveryKind.DIGEST) == {DeliveryStatus.CANCELLED: 1}


def test_cancel_pending_needs_a_filter(session: Session) -> None:
    with pytest.raises(ValueError, match="needs an interview_id or a recipient"):
        planner.cancel_pending(session)


def test_notify_is_once_per_key(session: Session) -> None:
    for _ in range(2):
        planner.notify(
            session,
            recipient="U1",
            candidate_loop_id=None,
            interview_id=None,
            notice="hello",
            key="k1",
            now=NOW,
        )
    [row] = all_rows(session)
    assert (row.kind, row.due_at, row.payload["text"]) == (DeliveryKind.NOTICE, NOW, "hello")


def test_digest_now_replaces_the_pending_deadline(session: Session) -> None:
    cl, interview = setup(session)
    planner.plan_digest_now(session, cl.id, NOW + H, reason="all_in")
    digests = [d for d in all_rows(session) if d.kind == DeliveryKind.DIGEST]
    assert Counter((d.status, d.payload["reason"]) for d in digests) == {
        (DeliveryStatus.CANCELLED, "deadline"): 1,
        (DeliveryStatus.PENDING, "all_in"): 1,
    }
    [now_row] = [d for d in digests if d.status == DeliveryStatus.PENDING]
    assert (now_row.recipient, now_row.due_at) == ("C0HIRING", NOW + H)


def _moved_notices(session: Session, status: DeliveryStatus) -> list[str]:
    return sorted(
        d.payload["text"]
        for d in all_rows(session)
        if d.dedupe_key.startswith("notice.moved:") and d.status == status and d.recipient == "U1"
    )


def test_a_second_move_supersedes_the_first_moved_notice_not_yet_sent(session: Session) -> None:
    cl, interview = setup(session)
    for hours in (24, 48):
        interview.starts_at, interview.ends_at = START + hours * H, START + (hours + 1) * H
        planner.replan_interview(session, interview, SETTINGS, NOW, moved=True)
    [pending] = _moved_notices(session, DeliveryStatus.PENDING)
    assert slack_date(START + 48 * H) in pending
    assert len(_moved_notices(session, DeliveryStatus.CANCELLED)) == 1


def test_moving_back_and_forth_tells_the_panel_each_time(session: Session) -> None:
    cl, interview = setup(session)
    for n, hours in enumerate((24, 0, 24)):
        interview.starts_at, interview.ends_at = START + hours * H, START + (hours + 1) * H
        planner.replan_interview(session, interview, SETTINGS, NOW + n * H, moved=True)
        for d in all_rows(session):
            if d.kind == DeliveryKind.NOTICE and d.status == DeliveryStatus.PENDING:
                d.status = DeliveryStatus.SENT  # the dispatcher sent it before the next move
    assert len(_moved_notices(session, DeliveryStatus.SENT)) == 3


def test_a_reassignment_after_a_move_tells_nobody_of_a_move(session: Session) -> None:
    cl, interview = setup(session)
    interview.starts_at, interview.ends_at = START + 24 * H, START + 25 * H
    planner.replan_interview(session, interview, SETTINGS, NOW, moved=True)
    interview.panel[1].user_id = "U3"
    session.flush()
    planner.replan_interview(session, interview, SETTINGS, NOW, moved=False)
    assert [
        d for d in all_rows(session) if d.dedupe_key.startswith("notice.moved:") and d.recipient == "U3"
    ] == []


def test_prep_resend_queues_the_kit_now_once_a_minute_expiring_at_the_start(session: Session) -> None:
    cl, interview = setup(session)
    planned = {d.dedupe_key for d in all_rows(session)}
    assert planner.plan_prep_resend(session, interview, "U2", NOW)
    assert not planner.plan_prep_resend(session, interview, "U2", NOW + timedelta(seconds=59))  # same minute
    assert planner.plan_prep_resend(session, interview, "U1", NOW)
    assert planner.plan_prep_resend(session, interview, "U2", NOW + timedelta(minutes=1))
    resent = [d for d in all_rows(session) if d.dedupe_key not in planned]
    assert [d.dedupe_key for d in resent] == [
        f"prep.resend:i{interview.id}:U2:2026-12-01T15:00:00Z:2026-11-28T12:00",
        f"prep.resend:i{interview.id}:U1:2026-12-01T15:00:00Z:2026-11-28T12:00",
        f"prep.resend:i{interview.id}:U2:2026-12-01T15:00:00Z:2026-11-28T12:01",
    ]
    first = resent[0]
    assert (first.kind, first.recipient, first.status) == (DeliveryKind.PREP, "U2", DeliveryStatus.PENDING)
    assert (first.interview_id, first.candidate_loop_id) == (interview.id, cl.id)
    assert (first.due_at, first.next_attempt_at, first.expires_at) == (NOW, NOW, START)
    assert first.payload == {"v": 1, "start": "2026-12-01T15:00:00Z"}
    # The planned prep rows are left as they were.
    assert status_of(session, kind=DeliveryKind.PREP) == {DeliveryStatus.PENDING: 5}


def test_planning_logs_one_summary_line_at_info_and_each_row_at_debug(
    session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    """`loopbot schedule` printed ~45 delivery.planned lines; now one per batch, rows at DEBUG (-v)."""
    with caplog.at_level(logging.DEBUG, logger="loopbot.delivery"):
        setup(session)
    rows = len(all_rows(session))
    info = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    kinds = "escalation,feedback_request,prep,prep_nudge,reminder"
    assert info == [
        f"delivery.planned count={rows - 1} kinds={kinds}",
        "delivery.planned count=1 kinds=digest",
    ]
    debug = [
        r for r in caplog.records if r.levelno == logging.DEBUG and "delivery.planned key=" in r.getMessage()
    ]
    assert len(debug) == rows
