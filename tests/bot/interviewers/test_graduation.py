"""Graduation decisions through the feedback service and graduation.py, on SQLite and PostgreSQL: who
may approve, what an approval too late does, when loopbot asks again, and concurrent submissions."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from blocks.interviewers.graduation import decided
from bot.feedback import service as svc
from bot.interviewers import graduation
from bot.interviewers.graduation import GraduationRefused
from models import (
    Candidate,
    CandidateLoop,
    Feedback,
    GraduationRequest,
    GraduationStatus,
    Interview,
    Qualification,
    TrainingSession,
)
from tests.bot.interviewers.test_calibration import (
    AFTER,
    QUALIFIED,
    QUICK,
    TRAINEE,
    another,
    form,
    make_interview,
    notices,
    qualification,
    requests,
    submit,
    train,
)

MANAGER, RECRUITER, COLLEAGUE = "U0MANAGER", "U0RECRUIT", "U0COLLEAG"


def test_a_trainee_who_is_the_loop_s_hiring_manager_is_not_their_own_approver(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory.begin() as s:
        first = make_interview(s, training=QUICK)
        s.get_one(CandidateLoop, first.candidate_loop_id).hiring_manager = TRAINEE
        second = another(s, first, "reverse_shadow", days=3)
        ids, type_id = [first.id, second.id], first.interview_type_id
    for n, interview_id in enumerate(ids):
        at = AFTER + timedelta(days=3 * n)
        submit(session_factory, interview_id, TRAINEE, form("yes", "no"), at)
        submit(session_factory, interview_id, QUALIFIED, form("yes", "no"), at)
    [request] = requests(session_factory)
    assert request.approver == RECRUITER
    with session_factory.begin() as s, pytest.raises(GraduationRefused) as refused:
        graduation.approve(s, request.id, TRAINEE, AFTER)
    assert "You cannot decide on your own graduation" in refused.value.text
    assert qualification(session_factory, type_id) == ("trainee", "content")


def test_the_trainee_is_refused_even_when_a_request_names_them(
    session_factory: sessionmaker[Session],
) -> None:
    type_id = train(session_factory, QUICK)
    [request] = requests(session_factory)
    with session_factory.begin() as s:
        s.get_one(GraduationRequest, request.id).approver = TRAINEE  # written before the fix
    with session_factory.begin() as s, pytest.raises(GraduationRefused):
        graduation.approve(s, request.id, TRAINEE, AFTER)
    with session_factory.begin() as s, pytest.raises(GraduationRefused):
        graduation.not_yet(s, request.id, TRAINEE, "no", AFTER)
    assert qualification(session_factory, type_id) == ("trainee", "content")


def test_the_approver_falls_back_to_the_lead_when_the_trainee_runs_the_loop(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory.begin() as s:
        first = make_interview(s, training=QUICK)
        cl = s.get_one(CandidateLoop, first.candidate_loop_id)
        cl.hiring_manager = cl.recruiter = TRAINEE
        second = another(s, first, "reverse_shadow", days=3)
        ids = [first.id, second.id]
    for n, interview_id in enumerate(ids):
        at = AFTER + timedelta(days=3 * n)
        submit(session_factory, interview_id, TRAINEE, form("yes", "no"), at)
        submit(session_factory, interview_id, QUALIFIED, form("yes", "no"), at)
    assert [r.approver for r in requests(session_factory)] == [QUALIFIED]


def test_approving_someone_who_is_no_longer_a_trainee_withdraws_the_request(
    session_factory: sessionmaker[Session],
) -> None:
    type_id = train(session_factory, QUICK)
    [request] = requests(session_factory)
    with session_factory.begin() as s:  # an admin makes them an observer meanwhile
        s.scalars(select(Qualification).where(Qualification.user_id == TRAINEE)).one().state = "observer_only"
    with session_factory.begin() as s:
        d = graduation.approve(s, request.id, MANAGER, AFTER)
        assert d.changed
        shown = str(decided(d.request, d.kind.name, "line", []).blocks_dicts())
    assert qualification(session_factory, type_id) == ("observer_only", "content")
    [done] = requests(session_factory)
    assert (done.status, done.decided_by) == (GraduationStatus.WITHDRAWN, MANAGER)
    assert "no longer a trainee (now observer only)" in done.reason
    assert not any("graduated" in key for key in notices(session_factory))
    assert f"Not graduated: when <@{MANAGER}> approved" in shown
    assert "no longer a trainee" in shown
    assert "Approved by" not in shown


def test_approving_a_trainee_who_no_longer_meets_the_numbers_does_not_graduate(
    session_factory: sessionmaker[Session],
) -> None:
    type_id = train(session_factory, QUICK)
    [request] = requests(session_factory)
    first_interview = _interview_ids(session_factory)[0]
    # The lead corrects the first session: the agreement falls to 2 of 4, below 0.75.
    submit(
        session_factory,
        first_interview,
        QUALIFIED,
        form("strong_no", "strong_yes"),
        AFTER + timedelta(days=5),
    )
    with session_factory.begin() as s:
        assert graduation.approve(s, request.id, MANAGER, AFTER + timedelta(days=5)).changed
    assert qualification(session_factory, type_id) == ("trainee", "content")
    [done] = requests(session_factory)
    assert done.status == GraduationStatus.WITHDRAWN
    assert "no longer meeting the requirements" in done.reason


def _interview_ids(factory: sessionmaker[Session]) -> list[int]:
    with factory() as s:
        return sorted({f.interview_id for f in s.scalars(select(Feedback))})


def test_after_not_yet_only_a_new_session_asks_again(session_factory: sessionmaker[Session]) -> None:
    train(session_factory, QUICK)
    [request] = requests(session_factory)
    with session_factory.begin() as s:
        graduation.not_yet(s, request.id, MANAGER, "Probe deeper", AFTER + timedelta(days=4))
    first_interview = _interview_ids(session_factory)[0]
    # The lead edits an old session back and forth: the numbers change, but there is no new evidence.
    submit(session_factory, first_interview, QUALIFIED, form("yes", "strong_yes"), AFTER + timedelta(days=5))
    submit(session_factory, first_interview, QUALIFIED, form("yes", "no"), AFTER + timedelta(days=5, hours=1))
    assert [r.status for r in requests(session_factory)] == [GraduationStatus.NOT_YET]
    with session_factory.begin() as s:  # a new session, compared after the "not yet"
        later_id = another(s, _first_interview(s), "shadow", days=10).id
    at = AFTER + timedelta(days=10)
    submit(session_factory, later_id, TRAINEE, form("yes", "no"), at)
    submit(session_factory, later_id, QUALIFIED, form("yes", "no"), at)
    assert [r.status for r in requests(session_factory)] == [
        GraduationStatus.NOT_YET,
        GraduationStatus.PENDING,
    ]


def _first_interview(s: Session) -> Interview:
    return s.scalars(select(Interview).order_by(Interview.id)).first() or pytest.fail("no interview")


def test_any_qualified_lets_any_qualified_interviewer_decide(session_factory: sessionmaker[Session]) -> None:
    type_id = train(session_factory, {**QUICK, "approver": "any_qualified"})
    [request] = requests(session_factory)
    assert request.approver == QUALIFIED
    with session_factory.begin() as s, pytest.raises(GraduationRefused) as refused:
        graduation.approve(s, request.id, COLLEAGUE, AFTER)  # not qualified for the type
    assert "Only a qualified *Pairing exercise* interviewer can decide" in refused.value.text
    with session_factory.begin() as s:
        s.add(Qualification(user_id=COLLEAGUE, interview_type_id=type_id, state="qualified"))
    with session_factory.begin() as s:
        assert graduation.approve(s, request.id, COLLEAGUE, AFTER).changed
    assert qualification(session_factory, type_id) == ("qualified", "graduated")


def test_only_one_pending_request_per_trainee_and_type(session_factory: sessionmaker[Session]) -> None:
    train(session_factory, QUICK)
    [request] = requests(session_factory)
    with pytest.raises(IntegrityError), session_factory.begin() as s:
        s.add(
            GraduationRequest(
                user_id=TRAINEE,
                interview_type_id=request.interview_type_id,
                approver=MANAGER,
                status=GraduationStatus.PENDING,
                evidence={},
                reason="",
            )
        )
    with session_factory.begin() as s:  # a decided one beside the pending one is fine
        s.add(
            GraduationRequest(
                user_id=TRAINEE,
                interview_type_id=request.interview_type_id,
                approver=MANAGER,
                status=GraduationStatus.NOT_YET,
                evidence={},
                reason="earlier",
            )
        )


def other_candidate(s: Session, first: Interview, name: str) -> CandidateLoop:
    """Another candidate on the same loop as `first`'s, with the same people."""
    cl = first.candidate_loop
    new = CandidateLoop(
        candidate=Candidate(name=name),
        loop_id=cl.loop_id,
        hiring_channel=cl.hiring_channel,
        recruiter=cl.recruiter,
        hiring_manager=cl.hiring_manager,
        rubric=dict(cl.rubric),
    )
    s.add(new)
    s.flush()
    return new


def _lead_submits_at_once(factory: sessionmaker[Session], interview_ids: list[int]) -> None:
    """The lead submits several interviews in concurrent transactions, each past writing its new
    training session before either considers graduation (the barrier): without graduation's lock each
    would see only its own session."""
    barrier = threading.Barrier(len(interview_ids), timeout=20)
    errors: list[BaseException] = []

    def go(interview_id: int) -> None:
        try:
            with factory.begin() as s:
                waited: list[bool] = []

                @event.listens_for(s, "after_flush")
                def both_written(session: Session, _ctx: Any) -> None:
                    if not waited and any(isinstance(o, TrainingSession) for o in session.new):
                        waited.append(True)
                        barrier.wait()

                svc.submit(s, interview_id, QUALIFIED, form("yes", "no"), AFTER + timedelta(days=10))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=go, args=(i,)) for i in interview_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []


@pytest.mark.parametrize("case", ["each_needs_the_other", "each_completes_alone"])
def test_concurrent_submissions_ask_exactly_once(
    backend: str, fresh_session_factory: sessionmaker[Session], case: str
) -> None:
    if backend == "sqlite":
        pytest.skip("SQLite takes its one write lock at BEGIN IMMEDIATE: the two cannot overlap")
    factory = fresh_session_factory
    with factory.begin() as s:  # three candidates: no interview lock is shared by the racing two
        a = make_interview(s, training=QUICK)
        b = another(s, a, "reverse_shadow", days=3, cl=other_candidate(s, a, "Grace Hopper"))
        c = another(s, a, "reverse_shadow", days=6, cl=other_candidate(s, a, "Katherine Johnson"))
        ids = [a.id, b.id, c.id]
    for interview_id in ids:
        submit(factory, interview_id, TRAINEE, form("yes", "no"), AFTER + timedelta(days=9))
    if case == "each_needs_the_other":  # the shadow and a reverse shadow: ready only with both
        racing = ids[:2]
    else:  # the shadow is in: each reverse shadow makes the trainee ready on its own
        submit(factory, ids[0], QUALIFIED, form("yes", "no"), AFTER + timedelta(days=9))
        racing = ids[1:]
    _lead_submits_at_once(factory, racing)
    assert [r.status for r in requests(factory)] == [GraduationStatus.PENDING]
