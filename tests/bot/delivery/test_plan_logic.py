"""The planner's pure logic: which deliveries, due and expiring when."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from bot.delivery.plan_logic import (
    InterviewFacts,
    PlannedDelivery,
    delivery_key,
    digest_deadline_delivery,
    plan_interview_deliveries,
)
from models import DeliveryKind

H = timedelta(hours=1)
START = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
TIMING = SimpleNamespace(
    prep_leads=[24 * H, H],
    feedback_reminders=[2 * H, 20 * H],
    feedback_sla=24 * H,
    digest_deadline=48 * H,
)


def facts(start: datetime = START, panel: tuple[str, ...] = ("U1", "U2")) -> InterviewFacts:
    return InterviewFacts(7, 3, start, start + H, panel, recruiter="UREC", hiring_manager="UHM")


def by(plan: list[PlannedDelivery], kind: DeliveryKind, who: str) -> list[PlannedDelivery]:
    return [p for p in plan if p.kind == kind and p.recipient == who]


def test_each_kind_is_due_at_its_time_and_expires_sensibly() -> None:
    plan = plan_interview_deliveries(facts(), TIMING, START - 3 * 24 * H)
    [prep] = by(plan, DeliveryKind.PREP, "U1")
    assert (prep.due_at, prep.expires_at) == (START - 24 * H, START)
    [nudge] = by(plan, DeliveryKind.PREP_NUDGE, "U1")
    assert (nudge.due_at, nudge.expires_at) == (START - H, START)
    [request] = by(plan, DeliveryKind.FEEDBACK_REQUEST, "U1")
    assert (request.due_at, request.expires_at) == (START + H, None)
    first, second = sorted(by(plan, DeliveryKind.REMINDER, "U1"), key=lambda p: p.due_at)
    assert (first.due_at, first.expires_at) == (START + 3 * H, START + 21 * H)
    assert (second.due_at, second.expires_at) == (START + 21 * H, None)
    escalations = [p for p in plan if p.kind == DeliveryKind.ESCALATION]
    assert sorted(p.recipient for p in escalations) == ["UHM", "UREC"]
    assert {p.due_at for p in escalations} == {START + 25 * H}
    assert len(plan) == 2 * 5 + 2
    assert len({p.dedupe_key for p in plan}) == len(plan)


def test_inside_the_first_lead_window_the_kit_is_due_now_and_the_nudge_still_later() -> None:
    now = START - 5 * H
    plan = plan_interview_deliveries(facts(), TIMING, now)
    [prep] = by(plan, DeliveryKind.PREP, "U2")
    assert prep.due_at == now
    [nudge] = by(plan, DeliveryKind.PREP_NUDGE, "U2")
    assert nudge.due_at == START - H


def test_inside_the_nudge_window_only_the_kit_goes_out_now() -> None:
    now = START - timedelta(minutes=30)
    plan = plan_interview_deliveries(facts(), TIMING, now)
    assert [p.due_at for p in by(plan, DeliveryKind.PREP, "U1")] == [now]
    assert by(plan, DeliveryKind.PREP_NUDGE, "U1") == []


def test_an_interview_already_started_gets_no_prep_but_feedback_requests() -> None:
    plan = plan_interview_deliveries(facts(), TIMING, START + timedelta(minutes=5))
    assert not [p for p in plan if p.kind in (DeliveryKind.PREP, DeliveryKind.PREP_NUDGE)]
    assert len([p for p in plan if p.kind == DeliveryKind.FEEDBACK_REQUEST]) == 2


def test_someone_already_prepped_for_an_earlier_time_is_not_sent_the_kit_again_at_once() -> None:
    now = START - 3 * H
    plan = plan_interview_deliveries(facts(), TIMING, now, already_prepped=frozenset({"U1"}))
    assert by(plan, DeliveryKind.PREP, "U1") == []
    assert len(by(plan, DeliveryKind.PREP, "U2")) == 1
    assert len(by(plan, DeliveryKind.PREP_NUDGE, "U1")) == 1
    # Moved far enough ahead, they get the kit again at its normal lead.
    later = plan_interview_deliveries(facts(START + 72 * H), TIMING, now, already_prepped=frozenset({"U1"}))
    assert [p.due_at for p in by(later, DeliveryKind.PREP, "U1")] == [START + 48 * H]


def test_keys_carry_kind_interview_recipient_and_start_so_a_move_changes_them() -> None:
    before = {p.dedupe_key for p in plan_interview_deliveries(facts(), TIMING, START - 48 * H)}
    after = {p.dedupe_key for p in plan_interview_deliveries(facts(START + H), TIMING, START - 48 * H)}
    assert before.isdisjoint(after)
    assert delivery_key("prep", 7, "U1", START) == "prep:i7:U1:2026-12-01T15:00:00Z"
    assert delivery_key("reminder", 7, "U1", START, 2) == "reminder.2:i7:U1:2026-12-01T15:00:00Z"


def test_same_recruiter_and_hiring_manager_get_one_escalation() -> None:
    f = InterviewFacts(7, 3, START, START + H, ("U1",), recruiter="UX", hiring_manager="UX")
    plan = plan_interview_deliveries(f, TIMING, START - 48 * H)
    assert [p.recipient for p in plan if p.kind == DeliveryKind.ESCALATION] == ["UX"]


def test_prep_lead_is_an_exact_duration_across_a_dst_change() -> None:
    # Sunday 2026-03-08 12:00 in New York (EDT, after the 02:00 switch) = 16:00 UTC.
    start = datetime(2026, 3, 8, 16, 0, tzinfo=UTC)
    plan = plan_interview_deliveries(facts(start), TIMING, start - 72 * H)
    [prep] = by(plan, DeliveryKind.PREP, "U1")
    # 24 real hours earlier: Saturday 11:00 EST, one wall-clock hour off but the right instant.
    assert prep.due_at == datetime(2026, 3, 7, 16, 0, tzinfo=UTC)


def test_digest_deadline_is_after_the_last_interview() -> None:
    d = digest_deadline_delivery(3, "CHIRE", START + H, TIMING)
    assert (d.kind, d.recipient, d.due_at) == (DeliveryKind.DIGEST, "CHIRE", START + 49 * H)
    assert d.dedupe_key == "digest.deadline:cl3:CHIRE:2026-12-01T16:00:00Z"


def test_shadows_are_asked_for_feedback_but_never_chased() -> None:
    f = InterviewFacts(7, 3, START, START + H, ("U1", "US"), "UREC", "UHM", shadows=frozenset({"US"}))
    plan = plan_interview_deliveries(f, TIMING, START - 48 * H)
    assert len(by(plan, DeliveryKind.FEEDBACK_REQUEST, "US")) == 1
    assert by(plan, DeliveryKind.REMINDER, "US") == []
    assert len(by(plan, DeliveryKind.REMINDER, "U1")) == 2
