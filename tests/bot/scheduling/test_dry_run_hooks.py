"""Moving, cancelling or reassigning an interview keeps the dry runs right: one per person, type and
exercise, asked for before their first lead, with a reason on each row it cancels."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from bot.interviewers import dry_run_swap, dry_runs
from bot.interviewers.dry_run_outbox import obsolete_reason
from bot.scheduling import changes
from bot.settings import Settings
from models import Delivery, DeliveryKind, DryRun, Interview, PanelSeat
from tests.support.dry_run_content import led, other_loop, pairing_type, qualify
from tests.support.factories import candidate_loop
from tests.support.waiting import eventually

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday
START = NOW + timedelta(days=7)
LEAD, RECRUITER = "U0NEWLEAD", "U0RECRUIT"


def settings() -> Settings:
    return Settings(SLACK_SIGNING_SECRET="x", SLACK_BOT_TOKEN="xoxb-x", _env_file=None)


def pending(s: Session, interview: Interview) -> list[tuple[str, str, datetime]]:
    """The reminders and warnings still to go for the interview: (kind, recipient, due). The request is
    left out: it is one per dry run and person, sent once, whichever interview first planned it."""
    rows = s.scalars(
        select(Delivery)
        .where(Delivery.interview_id == interview.id, Delivery.status == "pending")
        .order_by(Delivery.id)
    )
    return [(r.kind, r.recipient, r.due_at) for r in rows if r.kind in dry_runs.LATER_KINDS]


def reasons(s: Session, interview: Interview) -> set[str | None]:
    rows = s.scalars(
        select(Delivery).where(Delivery.interview_id == interview.id, Delivery.status == "cancelled")
    )
    return {r.last_error for r in rows if r.kind.startswith("dry_run")}


def reminder_and_warning(start: datetime) -> list[tuple[str, str, datetime]]:
    return [
        (DeliveryKind.DRY_RUN_REMINDER, LEAD, start - timedelta(hours=48)),
        (DeliveryKind.DRY_RUN_WARNING, RECRUITER, start - timedelta(hours=24)),
    ]


def test_a_moved_interview_plans_its_reminder_and_warning_for_the_new_time(session: Session) -> None:
    kind = pairing_type(session)
    interview = led(session, candidate_loop(session), kind, [(LEAD, "lead")], START)
    dry_runs.plan_for_interview(session, interview, NOW)
    later = START + timedelta(days=1)
    changes.move_interview(session, interview.id, later, settings(), NOW, actor=RECRUITER)
    # The request (to the lead and the hiring manager) is not sent twice; the rest follows the start.
    assert pending(session, interview) == reminder_and_warning(later)
    assert reasons(session, interview) == {"interview moved"}


def test_cancelling_the_first_lead_asks_for_the_dry_run_on_the_next(session: Session) -> None:
    kind = pairing_type(session)
    first = led(session, candidate_loop(session), kind, [(LEAD, "lead")], START)
    [row] = dry_runs.plan_for_interview(session, first, NOW)
    second_start = START + timedelta(days=2)
    second = led(session, other_loop(session, "Grace", 2), kind, [(LEAD, "lead")], second_start)
    assert dry_runs.plan_for_interview(session, second, NOW) == []  # the first one asks for it

    changes.cancel_interview(session, first.id, settings(), NOW, actor=RECRUITER)
    assert pending(session, first) == []
    assert reasons(session, first) == {"interview cancelled"}
    assert pending(session, second) == reminder_and_warning(second_start)
    assert session.scalars(select(DryRun)).all() == [row]
    assert row.interview_id == second.id


def test_moving_the_first_lead_past_the_next_asks_on_the_next_and_back_again(session: Session) -> None:
    kind = pairing_type(session)
    first = led(session, candidate_loop(session), kind, [(LEAD, "lead")], START)
    [row] = dry_runs.plan_for_interview(session, first, NOW)
    second_start = START + timedelta(days=2)
    second = led(session, other_loop(session, "Grace", 2), kind, [(LEAD, "lead")], second_start)
    dry_runs.plan_for_interview(session, second, NOW)

    changes.move_interview(session, first.id, START + timedelta(days=4), settings(), NOW, actor=RECRUITER)
    assert pending(session, first) == []
    assert pending(session, second) == reminder_and_warning(second_start)
    assert row.interview_id == second.id

    # Moved back before it: the first is the first lead again, and the second's rows are dropped.
    changes.move_interview(session, first.id, START, settings(), NOW, actor=RECRUITER)
    assert pending(session, first) == reminder_and_warning(START)
    assert pending(session, second) == []
    assert reasons(session, second) == {dry_runs.LATER}
    assert row.interview_id == first.id
    assert len(session.scalars(select(DryRun)).all()) == 1


def test_giving_the_first_lead_away_asks_on_the_old_leads_next_and_the_new_leads_first(
    session: Session,
) -> None:
    kind = pairing_type(session)
    first = led(session, candidate_loop(session), kind, [(LEAD, "lead")], START)
    dry_runs.plan_for_interview(session, first, NOW)
    second_start = START + timedelta(days=2)
    second = led(session, other_loop(session, "Grace", 2), kind, [(LEAD, "lead")], second_start)
    # The new lead has never led it either: their own first lead is later, and already asks.
    theirs = led(session, other_loop(session, "Alan", 3), kind, [("U0NEWBIE1", "lead")], second_start)
    [newbie_row] = dry_runs.plan_for_interview(session, theirs, NOW)

    changes.reassign_panelist(session, first.id, LEAD, "U0NEWBIE1", settings(), NOW, actor=RECRUITER)
    assert reasons(session, first) == {"no longer leads it"}
    assert pending(session, second) == reminder_and_warning(second_start)
    # The new lead's first lead is now this one: asked here, and not again on their later one.
    assert [(k, r) for k, r, _ in pending(session, first)] == [
        (DeliveryKind.DRY_RUN_REMINDER, "U0NEWBIE1"),
        (DeliveryKind.DRY_RUN_WARNING, RECRUITER),
    ]
    assert newbie_row.interview_id == first.id
    assert pending(session, theirs) == []
    assert reasons(session, theirs) == {dry_runs.LATER}


def test_a_later_lead_planned_before_an_earlier_one_is_booked_is_dropped_at_send_time(
    session: Session,
) -> None:
    """Booking an earlier interview does not go through changes.py: the later one's warning is obsolete."""
    kind = pairing_type(session)
    later = led(session, candidate_loop(session), kind, [(LEAD, "lead")], START + timedelta(days=2))
    dry_runs.plan_for_interview(session, later, NOW)
    earlier = led(session, other_loop(session, "Grace", 2), kind, [(LEAD, "lead")], START)
    dry_runs.plan_for_interview(session, earlier, NOW)
    rows = session.scalars(select(Delivery).where(Delivery.interview_id == later.id)).all()
    by_kind = {r.kind: obsolete_reason(session, r) for r in rows}
    assert by_kind[DeliveryKind.DRY_RUN_REMINDER] == dry_runs.LATER
    assert by_kind[DeliveryKind.DRY_RUN_WARNING] == dry_runs.LATER
    assert by_kind[DeliveryKind.DRY_RUN] is None  # the request is per dry run: it still asks


def test_a_swap_waits_for_a_reassignment_in_progress_and_does_not_overwrite_it(
    fresh_session_factory: sessionmaker[Session], backend: str
) -> None:
    """Two threads, each with its own connection: a reassignment holds the scheduling lock while the
    swap starts. The swap waits for it (on PostgreSQL, pg_advisory_xact_lock), then sees the new lead
    and refuses, instead of reading the old panel and giving the seat away over the reassignment."""
    if backend == "sqlite":
        pytest.skip("SQLite runs one write transaction at a time (BEGIN IMMEDIATE): no race to lose")
    factory = fresh_session_factory
    first_choice, second_choice = "U0XXXXXX1", "U0YYYYYY1"
    with factory.begin() as s:
        kind = pairing_type(s)
        qualify(s, kind, first_choice, second_choice)
        interview = led(s, candidate_loop(s), kind, [(LEAD, "lead")], START)
        [row] = dry_runs.plan_for_interview(s, interview, NOW)
        interview_id, dry_run_id = interview.id, row.id
    reassigned, release = threading.Event(), threading.Event()
    swaps: list[dry_run_swap.Swap] = []

    def reassign() -> None:
        with factory.begin() as s:
            changes.reassign_panelist(s, interview_id, LEAD, first_choice, settings(), NOW, actor=RECRUITER)
            reassigned.set()
            release.wait(timeout=30)

    def swap() -> None:
        with factory.begin() as s:
            # Read before the lock, as a caller may have: the old lead, the reassignment not committed.
            assert [p.user_id for p in s.get_one(Interview, interview_id).panel] == [LEAD]
            swaps.append(
                dry_run_swap.swap_lead(s, interview_id, dry_run_id, second_choice, RECRUITER, settings(), NOW)
            )

    threads = [threading.Thread(target=reassign), threading.Thread(target=swap)]
    threads[0].start()
    assert reassigned.wait(timeout=30)
    threads[1].start()

    def swap_waits() -> bool:
        with factory() as s:
            waiting = s.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND wait_event = 'advisory'"
                )
            )
            return bool(waiting)

    assert eventually(swap_waits)
    assert not swaps
    release.set()
    for t in threads:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads)
    [result] = swaps
    assert not result.done
    assert "no longer leads" in result.text
    with factory() as s:
        panel = s.scalars(select(PanelSeat).where(PanelSeat.interview_id == interview_id)).all()
        assert [(p.user_id, p.role) for p in panel] == [(first_choice, "lead")]
