"""Dry runs before a first lead: who is asked, with whom, what is planned, and what stops it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.interviewers import dry_run_swap, dry_runs
from bot.interviewers.dry_run_outbox import obsolete_reason
from models import Delivery, DeliveryKind, DryRun, DryRunStatus, Interview
from tests.support.dry_run_content import led, other_loop, pairing_type, qualify
from tests.support.factories import candidate_loop

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday
START = NOW + timedelta(days=7)
LEAD, OTHER, BUSY = "U0NEWLEAD", "U0QUALONE", "U0QUALTWO"
MANAGER, RECRUITER = "U0MANAGER", "U0RECRUIT"


def planned(s: Session, interview: Interview) -> list[tuple[str, str, datetime]]:
    rows = s.scalars(
        select(Delivery).where(Delivery.interview_id == interview.id).order_by(Delivery.id)
    ).all()
    return [(r.kind, r.recipient, r.due_at) for r in rows if r.kind.startswith("dry_run")]


def test_a_first_lead_is_asked_with_the_hiring_manager_and_reminded_and_the_recruiter_warned(
    session: Session,
) -> None:
    kind = pairing_type(session)
    cl = candidate_loop(session)
    first = led(session, cl, kind, [(LEAD, "lead"), (OTHER, "shadow")], START)

    [row] = dry_runs.plan_for_interview(session, first, NOW)
    assert (row.user_id, row.partner, row.exercise, row.status) == (LEAD, MANAGER, "", "requested")
    assert row.interview_id == first.id
    assert planned(session, first) == [
        (DeliveryKind.DRY_RUN, LEAD, NOW),
        (DeliveryKind.DRY_RUN, MANAGER, NOW),
        (DeliveryKind.DRY_RUN_REMINDER, LEAD, START - timedelta(hours=48)),
        (DeliveryKind.DRY_RUN_WARNING, RECRUITER, START - timedelta(hours=24)),
    ]
    # Planning again (a re-plan of the interview) duplicates nothing.
    assert dry_runs.plan_for_interview(session, first, NOW) == [row]
    assert len(planned(session, first)) == 4
    assert len(session.scalars(select(DryRun)).all()) == 1


def test_the_second_lead_is_not_asked_again(session: Session) -> None:
    kind = pairing_type(session)
    first = led(session, candidate_loop(session), kind, [(LEAD, "lead")], START)
    dry_runs.plan_for_interview(session, first, NOW)
    second = led(session, other_loop(session, "Grace", 2), kind, [(LEAD, "lead")], START + timedelta(days=3))
    assert dry_runs.plan_for_interview(session, second, NOW) == []
    assert planned(session, second) == []
    # Someone who has led it before was never asked at all.
    third = led(session, other_loop(session, "Alan", 3), kind, [(OTHER, "lead")], START)
    fourth = led(
        session, other_loop(session, "Edsger", 4), kind, [(OTHER, "lead")], START + timedelta(days=1)
    )
    dry_runs.plan_for_interview(session, third, NOW)
    assert dry_runs.plan_for_interview(session, fourth, NOW) == []


def test_per_question_set_a_new_exercise_asks_again(session: Session) -> None:
    kind = pairing_type(session, {"before_first_lead": True, "with": "hiring_manager", "per": "question_set"})
    first = led(session, candidate_loop(session), kind, [(LEAD, "lead")], START, exercise="set-a")
    [row_a] = dry_runs.plan_for_interview(session, first, NOW)
    assert row_a.exercise == "set-a"
    later = START + timedelta(days=2)
    same = led(session, other_loop(session, "Grace", 2), kind, [(LEAD, "lead")], later, exercise="set-a")
    assert dry_runs.plan_for_interview(session, same, NOW) == []
    new = led(session, other_loop(session, "Alan", 3), kind, [(LEAD, "lead")], later, exercise="set-b")
    [row_b] = dry_runs.plan_for_interview(session, new, NOW)
    assert (row_b.exercise, row_b.user_id) == ("set-b", LEAD)
    assert row_b.id != row_a.id


def test_a_type_without_a_rule_and_seats_that_do_not_lead_ask_nothing(session: Session) -> None:
    kind = pairing_type(session, rule={})
    interview = led(session, candidate_loop(session), kind, [(LEAD, "lead")], START)
    assert dry_runs.plan_for_interview(session, interview, NOW) == []
    ruled = pairing_type(session, slug="pairing-2")
    seats = [(LEAD, "lead"), (OTHER, "shadow")]
    declined = led(session, other_loop(session, "Grace", 2), ruled, seats, START)
    declined.panel[0].declined_at = NOW
    assert dry_runs.plan_for_interview(session, declined, NOW) == []


def test_done_stops_the_reminder_and_the_warning_and_only_the_partner_confirms(session: Session) -> None:
    kind = pairing_type(session)
    interview = led(session, candidate_loop(session), kind, [(LEAD, "lead")], START)
    [row] = dry_runs.plan_for_interview(session, interview, NOW)
    rows = session.scalars(select(Delivery).where(Delivery.kind.startswith("dry_run"))).all()
    assert {obsolete_reason(session, r) for r in rows} == {None}

    by_lead = dry_runs.confirm(session, row.id, LEAD, NOW)
    assert "<@U0MANAGER>" in by_lead.refused
    assert "ask" in by_lead.refused
    stranger = dry_runs.confirm(session, row.id, OTHER, NOW)
    assert "Only <@U0MANAGER>" in stranger.refused
    assert row.status == DryRunStatus.REQUESTED

    done = dry_runs.confirm(session, row.id, MANAGER, NOW + timedelta(hours=1))
    assert (done.refused, done.already, done.lead) == ("", False, LEAD)
    assert (row.status, row.confirmed_by, row.done_at) == ("done", MANAGER, NOW + timedelta(hours=1))
    again = dry_runs.confirm(session, row.id, MANAGER, NOW + timedelta(hours=2))
    assert again.already
    assert row.done_at == NOW + timedelta(hours=1)
    assert {obsolete_reason(session, r) for r in rows} == {"dry run done"}
    told = session.scalars(select(Delivery).where(Delivery.kind == DeliveryKind.NOTICE)).all()
    assert [(t.recipient, "confirmed your dry run" in t.payload["text"]) for t in told] == [(LEAD, True)]
    # Done once is enough: the next first-of-its-kind interview asks nothing.
    later = led(session, other_loop(session, "Grace", 2), kind, [(LEAD, "lead")], START - timedelta(days=1))
    assert dry_runs.plan_for_interview(session, later, NOW) == []


def test_moved_cancelled_or_reassigned_interviews_make_the_rows_obsolete(session: Session) -> None:
    kind = pairing_type(session)
    interview = led(session, candidate_loop(session), kind, [(LEAD, "lead"), (OTHER, "shadow")], START)
    dry_runs.plan_for_interview(session, interview, NOW)
    [reminder] = session.scalars(select(Delivery).where(Delivery.kind == DeliveryKind.DRY_RUN_REMINDER))
    interview.starts_at += timedelta(hours=1)
    assert obsolete_reason(session, reminder) == "interview moved"
    interview.starts_at -= timedelta(hours=1)
    interview.panel[0].role, interview.panel[1].role = "shadow", "lead"
    assert obsolete_reason(session, reminder) == "no longer leads it"
    interview.status = "cancelled"
    assert obsolete_reason(session, reminder) == "interview cancelled"


def test_any_qualified_partner_is_the_least_loaded_other_than_the_lead(session: Session) -> None:
    kind = pairing_type(session, {"before_first_lead": True, "with": "any_qualified"})
    qualify(session, kind, LEAD, OTHER, BUSY)
    cl = candidate_loop(session)
    # In the interview's week OTHER interviews twice, BUSY once: BUSY rehearses with the new lead, however
    # busy they are this week (the rehearsal competes with the interview's week, not with today's).
    for n, day in enumerate((1, 2)):
        led(
            session,
            other_loop(session, f"C{n}", 10 + n),
            kind,
            [(OTHER, "shadow")],
            START + timedelta(days=day),
        )
    led(session, other_loop(session, "C9", 19), kind, [(BUSY, "shadow")], START + timedelta(days=1))
    for n, day in enumerate((1, 2, 3)):
        led(
            session, other_loop(session, f"N{n}", 20 + n), kind, [(BUSY, "shadow")], NOW + timedelta(days=day)
        )
    interview = led(session, cl, kind, [(LEAD, "lead")], START)
    [row] = dry_runs.plan_for_interview(session, interview, NOW)
    assert row.partner == BUSY


def test_a_hiring_manager_who_leads_rehearses_with_a_qualified_one_and_nobody_means_a_notice(
    session: Session,
) -> None:
    kind = pairing_type(session)
    cl = candidate_loop(session)
    lonely = led(session, cl, kind, [(MANAGER, "lead")], START)
    assert dry_runs.plan_for_interview(session, lonely, NOW) == []
    [notice] = session.scalars(select(Delivery).where(Delivery.kind == DeliveryKind.NOTICE)).all()
    assert notice.recipient == RECRUITER
    assert "needs a dry run first" in notice.payload["text"]
    assert "add a qualified interviewer" in notice.payload["text"]
    qualify(session, kind, OTHER)
    other = led(session, other_loop(session, "Grace", 2), kind, [(MANAGER, "lead")], START)
    [row] = dry_runs.plan_for_interview(session, other, NOW)
    assert row.partner == OTHER


def test_reminder_and_warning_times_inside_the_last_two_days() -> None:
    soon = NOW + timedelta(hours=12)
    assert dry_runs.reminder_due(START, NOW) == START - timedelta(hours=48)
    assert dry_runs.reminder_due(soon, NOW) == NOW + timedelta(hours=6)
    assert dry_runs.warning_due(soon, NOW) == NOW + timedelta(hours=9)
    assert dry_runs.reminder_due(NOW, NOW) is None
    assert dry_runs.warning_due(NOW - timedelta(hours=1), NOW) is None


def test_booked_at_short_notice_no_reminder_and_the_warning_at_once_while_a_swap_can_help() -> None:
    three = NOW + timedelta(hours=3)
    assert dry_runs.reminder_due(three, NOW) == NOW + timedelta(hours=1.5)
    assert dry_runs.warning_due(three, NOW) == NOW + timedelta(hours=2.25)
    two = NOW + timedelta(hours=2)
    assert dry_runs.reminder_due(two, NOW) is None
    assert dry_runs.warning_due(two, NOW) == NOW
    assert dry_runs.warning_due(NOW + timedelta(minutes=59), NOW) is None


def test_a_lead_in_two_hours_gets_the_request_and_the_recruiter_the_warning_now(session: Session) -> None:
    kind = pairing_type(session)
    soon = NOW + timedelta(hours=2)
    interview = led(session, candidate_loop(session), kind, [(LEAD, "lead")], soon)
    dry_runs.plan_for_interview(session, interview, NOW)
    assert planned(session, interview) == [
        (DeliveryKind.DRY_RUN, LEAD, NOW),
        (DeliveryKind.DRY_RUN, MANAGER, NOW),
        (DeliveryKind.DRY_RUN_WARNING, RECRUITER, NOW),
    ]
    within_the_hour = led(
        session,
        other_loop(session, "Grace", 2),
        pairing_type(session, slug="p2"),
        [(LEAD, "lead")],
        NOW + timedelta(minutes=40),
    )
    dry_runs.plan_for_interview(session, within_the_hour, NOW)
    assert [k for k, _, _ in planned(session, within_the_hour)] == [
        DeliveryKind.DRY_RUN,
        DeliveryKind.DRY_RUN,
    ]


def test_the_prep_line_says_done_when_and_with_whom_or_what_to_do(session: Session) -> None:
    kind = pairing_type(session)
    interview = led(session, candidate_loop(session), kind, [(LEAD, "lead"), (OTHER, "shadow")], START)
    lead, shadow = interview.panel
    assert dry_runs.dry_run_line(session, lead, interview) is None
    [row] = dry_runs.plan_for_interview(session, interview, NOW)
    line = dry_runs.dry_run_line(session, lead, interview)
    assert line is not None
    assert "Dry run: not done yet — rehearse with <@U0MANAGER> and ask them to press *Dry run done*" in line
    assert dry_runs.dry_run_line(session, shadow, interview) is None
    dry_runs.confirm(session, row.id, MANAGER, datetime(2026, 11, 24, 10, 0, tzinfo=UTC))
    done = dry_runs.dry_run_line(session, lead, interview)
    assert done is not None
    assert "Dry run: done on <!date^" in done
    assert "with <@U0MANAGER>" in done


def test_the_prep_line_says_nothing_once_they_have_led_it_rehearsed_or_not(session: Session) -> None:
    kind = pairing_type(session)
    first = led(session, candidate_loop(session), kind, [(LEAD, "lead")], START)
    dry_runs.plan_for_interview(session, first, NOW)  # never confirmed; they lead it all the same
    second = led(session, other_loop(session, "Grace", 2), kind, [(LEAD, "lead")], START + timedelta(days=7))
    assert dry_runs.plan_for_interview(session, second, NOW + timedelta(days=8)) == []
    assert dry_runs.dry_run_line(session, second.panel[0], second) is None
    assert dry_runs.dry_run_line(session, first.panel[0], first) is not None


def test_the_swap_picks_a_free_qualified_lead_off_the_loop_with_the_lowest_load(session: Session) -> None:
    kind = pairing_type(session)
    free, loaded, on_loop, clashing = "U0FREEONE", "U0LOADED1", "U0ONLOOP1", "U0CLASHES"
    qualify(session, kind, LEAD, free, loaded, on_loop, clashing)
    cl = candidate_loop(session)
    interview = led(session, cl, kind, [(LEAD, "lead")], START)
    led(session, cl, kind, [(on_loop, "lead")], START + timedelta(hours=3))
    led(session, other_loop(session, "Grace", 2), kind, [(clashing, "lead")], START + timedelta(minutes=30))
    led(session, other_loop(session, "Alan", 3), kind, [(loaded, "shadow")], START - timedelta(days=1))
    assert dry_run_swap.candidates(session, interview, LEAD) == [free, loaded]
