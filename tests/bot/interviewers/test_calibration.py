"""Calibration after submission, and graduation, through the feedback service on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.delivery.relevance import obsolete_reason
from bot.delivery.render import render
from bot.feedback import service as svc
from bot.feedback.blind import can_see_feedback
from bot.feedback.logic import FeedbackForm
from bot.home.queries import DEFAULT_LIMITS, my_interviewing
from bot.interviewers import graduation
from bot.interviewers.calibration import HELD
from bot.interviewers.graduation import GraduationRefused
from bot.interviewers.progress import progress
from bot.scheduling import cancel_interview
from bot.settings import load_settings
from models import (
    CandidateLoop,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Feedback,
    GraduationRequest,
    Interview,
    InterviewType,
    PanelSeat,
    Qualification,
    QualificationEvent,
    TrainingSession,
)
from tests.support.factories import kit, kit_question, snapshot_interview
from tests.support.slack_payloads import START

TRAINEE, QUALIFIED, OTHER = "U0TRAINEE", "U0QUALIFD", "U0OTHERIV"
AFTER = START + timedelta(hours=2)
SUMMARY = "A careful engineer who explains trade-offs well."
KIT = kit(
    "set-a",
    [
        kit_question("q-learn", "learn", prompt="How did you learn <Rust>?"),
        kit_question("q-build", "build", prompt="Design a queue."),
    ],
)


def form(learn: str, build: str, notes: dict[str, str] | None = None, summary: str = SUMMARY) -> FeedbackForm:
    ratings = {"learn": learn, "build": build}
    return FeedbackForm(ratings=ratings, recommendation="yes", summary=summary, question_notes=notes or {})


def make_interview(
    s: Session,
    role: str = "shadow",
    training: dict[str, Any] | None = None,
    trainee_state: str = "trainee",
) -> Interview:
    panel = [(QUALIFIED, "lead"), (TRAINEE, role), (OTHER, "interviewer")]
    i = snapshot_interview(s, panel, starts_at=START, kits={u: KIT for u, _ in panel})
    kind = s.get_one(InterviewType, i.interview_type_id)
    kind.name = "Pairing exercise"
    kind.training = training if training is not None else {"shadow": 2, "reverse_shadow": 1}
    s.add(Qualification(user_id=TRAINEE, interview_type_id=kind.id, state=trainee_state))
    s.add(Qualification(user_id=QUALIFIED, interview_type_id=kind.id, state="qualified"))
    s.flush()
    return i


def another(s: Session, first: Interview, role: str, days: int, cl: CandidateLoop | None = None) -> Interview:
    """One more interview of the same type, days later, with the same people (on `cl`, by default
    the same candidate loop)."""
    start = first.starts_at + timedelta(days=days)
    i = Interview(
        candidate_loop_id=cl.id if cl else first.candidate_loop_id,
        stage_key=first.stage_key,
        interview_type_id=first.interview_type_id,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        guidance=dict(first.guidance),
    )
    i.panel = [
        PanelSeat(user_id=QUALIFIED, role="lead", position=0, kit=KIT),
        PanelSeat(user_id=TRAINEE, role=role, position=1, kit=KIT),
    ]
    s.add(i)
    s.flush()
    return i


def submit(
    factory: sessionmaker[Session], interview_id: int, user: str, f: FeedbackForm, at: datetime
) -> None:
    with factory.begin() as s:
        svc.submit(s, interview_id, user, f, at)


def sessions(factory: sessionmaker[Session]) -> list[TrainingSession]:
    with factory() as s:
        return list(s.scalars(select(TrainingSession).order_by(TrainingSession.id)))


def rows(factory: sessionmaker[Session], kind: str) -> list[Delivery]:
    with factory() as s:
        return list(s.scalars(select(Delivery).where(Delivery.kind == kind).order_by(Delivery.id)))


def notices(factory: sessionmaker[Session]) -> dict[str, str]:
    with factory() as s:
        found = s.scalars(select(Delivery).where(Delivery.kind == DeliveryKind.NOTICE))
        return {d.dedupe_key: str(d.payload["text"]) for d in found}


@pytest.mark.parametrize("order", [(TRAINEE, QUALIFIED), (QUALIFIED, TRAINEE)])
def test_compared_only_once_both_submitted_whoever_is_first(
    session_factory: sessionmaker[Session], order: tuple[str, str]
) -> None:
    with session_factory.begin() as s:
        i = make_interview(s)
    cards = {TRAINEE: form("yes", "no"), QUALIFIED: form("yes", "strong_yes", {"q-build": "Solid <b>"})}
    submit(session_factory, i.id, order[0], cards[order[0]], AFTER)
    submit(session_factory, i.id, OTHER, form("no", "no"), AFTER)
    assert sessions(session_factory) == []
    assert rows(session_factory, DeliveryKind.CALIBRATION) == []

    submit(session_factory, i.id, order[1], cards[order[1]], AFTER)
    [ts] = sessions(session_factory)
    assert (ts.trainee, ts.qualified, ts.kind) == (TRAINEE, QUALIFIED, "shadow")
    assert (ts.exact, ts.close, ts.compared) == (1, 1, 2)
    assert [d["key"] for d in ts.details] == ["learn", "build"]
    [card] = rows(session_factory, DeliveryKind.CALIBRATION)
    assert (card.recipient, card.dedupe_key, card.payload) == (
        TRAINEE,
        f"calibration:t{ts.id}",
        {"v": 1, "training_session_id": ts.id},
    )


def test_an_edit_updates_the_numbers_and_plans_no_second_card(session_factory: sessionmaker[Session]) -> None:
    with session_factory.begin() as s:
        i = make_interview(s)
    submit(session_factory, i.id, TRAINEE, form("yes", "no"), AFTER)
    submit(session_factory, i.id, QUALIFIED, form("yes", "strong_yes"), AFTER)
    [ts] = sessions(session_factory)
    assert (ts.exact, ts.close, ts.compared) == (1, 1, 2)
    submit(session_factory, i.id, QUALIFIED, form("yes", "strong_no", summary=SUMMARY + " Edited."), AFTER)
    [ts] = sessions(session_factory)
    assert (ts.exact, ts.close, ts.compared) == (1, 2, 2)
    assert len(rows(session_factory, DeliveryKind.CALIBRATION)) == 1


@pytest.mark.parametrize("state", ["qualified", "observer_only"])
def test_an_observer_who_is_not_a_trainee_is_not_compared(
    session_factory: sessionmaker[Session], state: str
) -> None:
    with session_factory.begin() as s:
        i = make_interview(s, trainee_state=state)
    submit(session_factory, i.id, TRAINEE, form("yes", "no"), AFTER)
    submit(session_factory, i.id, QUALIFIED, form("yes", "no"), AFTER)
    assert sessions(session_factory) == []


def test_a_reverse_shadow_is_compared_with_the_observing_lead(session_factory: sessionmaker[Session]) -> None:
    with session_factory.begin() as s:
        i = make_interview(s, role="reverse_shadow")
    submit(session_factory, i.id, QUALIFIED, form("no_signal", "no"), AFTER)
    submit(session_factory, i.id, TRAINEE, form("yes", "no"), AFTER)
    [ts] = sessions(session_factory)
    assert (ts.kind, ts.exact, ts.close, ts.compared) == ("reverse_shadow", 1, 1, 1)


def test_the_card_shows_agreement_and_only_the_qualified_notes_where_they_differed(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory.begin() as s:
        i = make_interview(s)
    notes = {"q-learn": "Learns fast <!channel>", "q-build": "Clear design, weak on back-pressure"}
    submit(session_factory, i.id, TRAINEE, form("yes", "strong_no", {"q-build": "TRAINEE NOTE"}), AFTER)
    submit(
        session_factory,
        i.id,
        OTHER,
        form("no", "no", summary="OTHER PANELIST SUMMARY is long enough to pass"),
        AFTER,
    )
    submit(
        session_factory,
        i.id,
        QUALIFIED,
        form("yes", "yes", notes, summary="QUALIFIED SUMMARY is long enough to pass"),
        AFTER,
    )
    with session_factory() as s:
        [row] = s.scalars(select(Delivery).where(Delivery.kind == DeliveryKind.CALIBRATION))
        assert obsolete_reason(s, row) is None
        rendered = render(s, row, AFTER)
    assert rendered.channel == TRAINEE
    [part] = rendered.parts
    text = str([b.to_dict() for b in part.message.blocks])
    assert "Same rating in *1 of 2* categories; close (at most one step apart, on the same side" in text
    assert "middle) in *1 of 2*" in text
    assert "Ability to learn and teach: both *Yes*" in text
    assert f"Building systems: you *Strong No*, <@{QUALIFIED}> *Yes* (2 steps apart)" in text
    assert "Clear design, weak on back-pressure" in text
    assert "Learns fast" not in text  # they agreed on that category
    for hidden in ("OTHER PANELIST SUMMARY", "QUALIFIED SUMMARY", "TRAINEE NOTE", "<!channel>"):
        assert hidden not in text
    assert "Pairing exercise: shadowed 1/2, reverse shadow 0/1, agreement 1 of 2 categories" in text


def test_a_card_whose_scorecard_is_no_longer_submitted_is_not_sent(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory.begin() as s:
        i = make_interview(s)
    submit(session_factory, i.id, TRAINEE, form("yes", "no"), AFTER)
    submit(session_factory, i.id, QUALIFIED, form("yes", "no"), AFTER)
    with session_factory.begin() as s:
        s.scalars(select(Feedback).where(Feedback.interviewer == QUALIFIED)).one().status = "draft"
        [row] = s.scalars(select(Delivery).where(Delivery.kind == DeliveryKind.CALIBRATION))
        assert obsolete_reason(s, row) == "both scorecards are no longer submitted"


QUICK = {"shadow": 1, "reverse_shadow": 1, "agreement": 0.75}


def train(
    factory: sessionmaker[Session], training: dict[str, Any], builds: tuple[str, str] = ("no", "no")
) -> int:
    """A shadow and a reverse shadow, both scored by trainee and lead; the first interview's type id."""
    with factory.begin() as s:
        first = make_interview(s, training=training)
        second = another(s, first, "reverse_shadow", days=3)
        ids, type_id = [first.id, second.id], first.interview_type_id
    for n, interview_id in enumerate(ids):
        at = AFTER + timedelta(days=3 * n)
        submit(factory, interview_id, TRAINEE, form("yes", builds[n]), at)
        submit(factory, interview_id, QUALIFIED, form("yes", "no"), at)
    return type_id


def requests(factory: sessionmaker[Session]) -> list[GraduationRequest]:
    with factory() as s:
        return list(s.scalars(select(GraduationRequest).order_by(GraduationRequest.id)))


def qualification(factory: sessionmaker[Session], type_id: int) -> tuple[str, str]:
    with factory() as s:
        q = s.scalars(
            select(Qualification).where(
                Qualification.user_id == TRAINEE, Qualification.interview_type_id == type_id
            )
        ).one()
        return q.state, q.source


def test_ready_asks_the_hiring_manager_once(session_factory: sessionmaker[Session]) -> None:
    type_id = train(session_factory, {**QUICK, "approver": "hiring_manager"})
    [request] = requests(session_factory)
    assert (request.user_id, request.approver, request.status) == (TRAINEE, "U0MANAGER", "pending")
    assert (
        request.evidence["line"]
        == "Pairing exercise: shadowed 1/1, reverse shadow 1/1, agreement 4 of 4 categories"
    )
    [dm] = rows(session_factory, DeliveryKind.GRADUATION)
    assert (dm.recipient, dm.payload) == ("U0MANAGER", {"v": 1, "request_id": request.id})
    assert qualification(session_factory, type_id) == ("trainee", "content")
    with session_factory() as s:
        shown = str(
            [b.to_dict() for b in render(s, s.get_one(Delivery, dm.id), AFTER).parts[0].message.blocks]
        )
    assert "approve_graduation" in shown
    assert "not_yet_graduation" in shown
    assert "agreement 4 of 4 categories" in shown
    assert "Ada Lovelace" not in shown  # no candidate is named to the approver


def test_any_qualified_asks_the_session_s_qualified_interviewer(
    session_factory: sessionmaker[Session],
) -> None:
    train(session_factory, {**QUICK, "approver": "any_qualified"})
    assert [r.approver for r in requests(session_factory)] == [QUALIFIED]


def test_no_approver_graduates_at_once(session_factory: sessionmaker[Session]) -> None:
    type_id = train(session_factory, {**QUICK, "approver": "none"})
    assert requests(session_factory) == []
    assert qualification(session_factory, type_id) == ("qualified", "graduated")
    with session_factory() as s:
        [ev] = s.scalars(select(QualificationEvent)).all()
        assert (ev.user_id, ev.action, ev.by) == (TRAINEE, "graduated", "loopbot")
    assert {k.split(":")[-1] for k in notices(session_factory)} == {TRAINEE, "U0RECRUIT"}


def test_agreement_below_the_threshold_asks_nobody(session_factory: sessionmaker[Session]) -> None:
    train(session_factory, {**QUICK, "agreement": 0.9}, builds=("strong_yes", "no"))  # 3 of 4 close
    assert requests(session_factory) == []


def test_approve_is_for_the_approver_only_and_idempotent(session_factory: sessionmaker[Session]) -> None:
    type_id = train(session_factory, QUICK)
    [request] = requests(session_factory)
    with session_factory.begin() as s, pytest.raises(GraduationRefused) as refused:
        graduation.approve(s, request.id, QUALIFIED, AFTER)
    assert "Only <@U0MANAGER> can decide" in refused.value.text
    with session_factory.begin() as s:
        assert graduation.approve(s, request.id, "U0MANAGER", AFTER).changed
    with session_factory.begin() as s:
        assert not graduation.approve(s, request.id, "U0MANAGER", AFTER).changed
    with session_factory.begin() as s:
        assert not graduation.not_yet(s, request.id, "U0MANAGER", "too late", AFTER).changed
    assert qualification(session_factory, type_id) == ("qualified", "graduated")
    [done] = requests(session_factory)
    assert (done.status, done.decided_by) == ("approved", "U0MANAGER")
    with session_factory() as s:
        assert [e.action for e in s.scalars(select(QualificationEvent))] == ["graduated"]
        [dm] = s.scalars(select(Delivery).where(Delivery.kind == DeliveryKind.GRADUATION))
        assert obsolete_reason(s, dm) == "graduation already decided"
    told = notices(session_factory)
    assert set(told) == {
        f"notice.graduated:r{request.id}:{TRAINEE}",
        f"notice.graduated:r{request.id}:U0RECRUIT",
    }
    assert "confirmed by <@U0MANAGER>" in told[f"notice.graduated:r{request.id}:{TRAINEE}"]


def test_not_yet_keeps_the_trainee_and_tells_them_why(session_factory: sessionmaker[Session]) -> None:
    type_id = train(session_factory, QUICK)
    [request] = requests(session_factory)
    with session_factory.begin() as s:
        assert graduation.not_yet(s, request.id, "U0MANAGER", "Probe <deeper> on design", AFTER).changed
    assert qualification(session_factory, type_id) == ("trainee", "content")
    [done] = requests(session_factory)
    assert (done.status, done.reason) == ("not_yet", "Probe <deeper> on design")
    [text] = notices(session_factory).values()
    assert "Probe &lt;deeper&gt; on design" in text


def test_concurrent_submissions_of_trainee_and_lead_compare_once(
    backend: str, fresh_session_factory: sessionmaker[Session]
) -> None:
    if backend == "sqlite":
        pytest.skip("SQLite takes its one write lock at BEGIN IMMEDIATE: the two cannot overlap")
    factory = fresh_session_factory
    with factory.begin() as s:
        interview_id = make_interview(s).id
    # Both transactions write their scorecard before either compares: without a shared lock each
    # would see only its own scorecard and nobody would compare (or, later, both would).
    barrier = threading.Barrier(2, timeout=20)
    errors: list[BaseException] = []

    def go(user: str, f: FeedbackForm) -> None:
        try:
            with factory.begin() as s:
                waited: list[bool] = []

                @event.listens_for(s, "after_flush")
                def both_written(session: Session, _ctx: object) -> None:
                    if not waited and any(isinstance(o, Feedback) for o in session.new | session.dirty):
                        waited.append(True)
                        barrier.wait()

                svc.submit(s, interview_id, user, f, AFTER)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=go, args=(TRAINEE, form("yes", "no"))),
        threading.Thread(target=go, args=(QUALIFIED, form("yes", "yes"))),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(TrainingSession)) == 1
        kinds = s.scalars(select(Delivery.kind).where(Delivery.kind == DeliveryKind.CALIBRATION)).all()
        assert kinds == [DeliveryKind.CALIBRATION]


def test_the_trainee_s_edits_after_the_comparison_count_for_nothing(
    session_factory: sessionmaker[Session],
) -> None:
    """Once the card could show the lead's ratings, editing one's own scorecard to match them must not
    improve the agreement; the lead's later edit is compared with the trainee's card as it was."""
    with session_factory.begin() as s:
        first = make_interview(s, training=QUICK)
        second = another(s, first, "reverse_shadow", days=3)
        ids = [first.id, second.id]
    for n, interview_id in enumerate(ids):
        at = AFTER + timedelta(days=3 * n)
        submit(session_factory, interview_id, TRAINEE, form("strong_no", "strong_yes"), at)
        submit(session_factory, interview_id, QUALIFIED, form("yes", "no"), at)
    assert [(t.exact, t.close, t.compared) for t in sessions(session_factory)] == [(0, 0, 2), (0, 0, 2)]
    for n, interview_id in enumerate(ids):  # the trainee copies the lead's ratings
        submit(
            session_factory, interview_id, TRAINEE, form("yes", "no"), AFTER + timedelta(days=3 * n, hours=1)
        )
    assert [(t.exact, t.close, t.compared) for t in sessions(session_factory)] == [(0, 0, 2), (0, 0, 2)]
    assert requests(session_factory) == []
    # The lead moves "learn" to Strong No: compared with the trainee's Strong No as first submitted.
    submit(session_factory, ids[0], QUALIFIED, form("strong_no", "no"), AFTER + timedelta(hours=2))
    first_session = sessions(session_factory)[0]
    assert (first_session.exact, first_session.close) == (1, 1)
    assert [d["trainee"] for d in first_session.details] == ["strong_no", "strong_yes"]


def owes_elsewhere(s: Session) -> tuple[Interview, Interview]:
    """Interview A where TRAINEE shadows, and B on the same candidate loop where they hold a counted
    interviewer seat (B happened earlier; they have not submitted it)."""
    a = make_interview(s)
    b = another(s, a, "interviewer", days=0)
    b.starts_at, b.ends_at = a.starts_at - timedelta(hours=3), a.starts_at - timedelta(hours=2)
    s.flush()
    return a, b


def test_the_card_waits_while_the_trainee_owes_a_counted_scorecard_on_the_loop(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory.begin() as s:
        a, b = owes_elsewhere(s)
        a_id, b_id, cl_id, type_id = a.id, b.id, a.candidate_loop_id, a.interview_type_id
    submit(session_factory, a_id, TRAINEE, form("yes", "no"), AFTER)
    submit(
        session_factory, a_id, QUALIFIED, form("strong_yes", "strong_yes", {"q-build": "LEAD NOTE"}), AFTER
    )
    with session_factory() as s:
        assert not can_see_feedback(s, cl_id, TRAINEE)
        # Nothing recorded, so no number anywhere gives the comparison away: not progress, not the
        # App Home's roster line.
        kind = s.get_one(InterviewType, type_id)
        assert (progress(s, TRAINEE, kind).shadows, progress(s, TRAINEE, kind).compared) == (0, 0)
        mine = my_interviewing(s, TRAINEE, AFTER, DEFAULT_LIMITS)
        assert mine is not None
        assert [(p.shadows, p.compared) for p in mine.training] == [(0, 0)]
    assert sessions(session_factory) == []
    assert rows(session_factory, DeliveryKind.CALIBRATION) == []

    # The trainee submits the interview they owed: the held comparison is recorded and its card sent.
    submit(session_factory, b_id, TRAINEE, form("no", "no"), AFTER + timedelta(hours=1))
    [ts] = sessions(session_factory)
    assert (ts.interview_id, ts.exact, ts.close, ts.compared) == (a_id, 0, 1, 2)
    [card] = rows(session_factory, DeliveryKind.CALIBRATION)
    with session_factory() as s:
        row = s.get_one(Delivery, card.id)
        assert obsolete_reason(s, row) is None
        text = str([blk.to_dict() for blk in render(s, row, AFTER).parts[0].message.blocks])
    assert "LEAD NOTE" in text


def test_a_card_is_held_at_send_time_and_planned_again_once_the_trainee_may_see(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory.begin() as s:
        a = make_interview(s)
        a_id = a.id
    submit(session_factory, a_id, TRAINEE, form("yes", "no"), AFTER)
    submit(session_factory, a_id, QUALIFIED, form("yes", "no"), AFTER)
    with session_factory.begin() as s:  # before the card goes out, they are put on a later interview
        later = another(s, s.get_one(Interview, a_id), "interviewer", days=2)
        later_id = later.id
        [row] = s.scalars(select(Delivery).where(Delivery.kind == DeliveryKind.CALIBRATION))
        assert obsolete_reason(s, row) == HELD
        row.status, row.last_error = DeliveryStatus.CANCELLED, HELD  # what the dispatcher does with it
    submit(session_factory, later_id, TRAINEE, form("no", "no"), AFTER + timedelta(days=2, hours=2))
    [row] = rows(session_factory, DeliveryKind.CALIBRATION)
    assert row.status == DeliveryStatus.PENDING
    with session_factory() as s:
        assert obsolete_reason(s, s.get_one(Delivery, row.id)) is None


def test_a_lead_who_is_no_longer_qualified_is_not_compared_with(
    session_factory: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    with session_factory.begin() as s:
        i = make_interview(s)
        s.scalars(select(Qualification).where(Qualification.user_id == QUALIFIED)).one().state = "trainee"
    submit(session_factory, i.id, TRAINEE, form("yes", "no"), AFTER)
    with caplog.at_level(logging.INFO, logger="loopbot.interviewers"):
        submit(session_factory, i.id, QUALIFIED, form("yes", "no"), AFTER)
    assert sessions(session_factory) == []
    assert "reason=lead_not_qualified" in caplog.text


def test_a_session_with_no_category_compared_does_not_count(session_factory: sessionmaker[Session]) -> None:
    with session_factory.begin() as s:
        i = make_interview(s, training=QUICK)
        type_id = i.interview_type_id
    submit(session_factory, i.id, TRAINEE, form("no_signal", "no_signal"), AFTER)
    submit(session_factory, i.id, QUALIFIED, form("yes", "no"), AFTER)
    [ts] = sessions(session_factory)
    assert ts.compared == 0  # recorded, and the card says it adds nothing
    with session_factory() as s:
        p = progress(s, TRAINEE, s.get_one(InterviewType, type_id))
    assert (p.shadows, p.compared, p.ready) == (0, 0, False)


def test_the_card_shows_ten_notes_at_most_and_neutralises_stars_in_prompts(
    session_factory: sessionmaker[Session],
) -> None:
    many = kit("set-big", [kit_question(f"q{n}", "build", prompt=f"Why *{n}* queues?") for n in range(14)])
    with session_factory.begin() as s:
        i = make_interview(s)
        for seat in i.panel:
            seat.kit = many
    submit(session_factory, i.id, TRAINEE, form("yes", "strong_no"), AFTER)
    submit(
        session_factory, i.id, QUALIFIED, form("yes", "yes", {f"q{n}": f"note {n}" for n in range(14)}), AFTER
    )
    with session_factory() as s:
        [row] = s.scalars(select(Delivery).where(Delivery.kind == DeliveryKind.CALIBRATION))
        text = str([blk.to_dict() for blk in render(s, row, AFTER).parts[0].message.blocks])
    assert "note 9" in text
    assert "note 10" not in text
    assert f"…and 4 more in <@{QUALIFIED}>'s scorecard in the digest." in text
    assert "Why ∗0∗ queues?" in text
    assert "*0*" not in text


@pytest.mark.parametrize("how", ["declines", "cancelled"])
def test_a_held_comparison_goes_ahead_when_the_owed_seat_is_declined_or_cancelled(
    session_factory: sessionmaker[Session], how: str
) -> None:
    with session_factory.begin() as s:
        a = make_interview(s)
        b = another(s, a, "interviewer", days=2)  # still to come: the trainee can decline it
        a_id, b_id = a.id, b.id
    submit(session_factory, a_id, TRAINEE, form("yes", "no"), AFTER)
    submit(session_factory, a_id, QUALIFIED, form("strong_yes", "strong_yes"), AFTER)
    assert sessions(session_factory) == []  # held: the trainee owes B

    with session_factory.begin() as s:
        if how == "declines":
            assert svc.decline(s, b_id, TRAINEE, AFTER + timedelta(hours=1))
        else:
            cancel_interview(s, b_id, load_settings(), AFTER + timedelta(hours=1), actor="U0RECRUIT")
    [ts] = sessions(session_factory)
    assert ts.interview_id == a_id
    assert len(rows(session_factory, DeliveryKind.CALIBRATION)) == 1
