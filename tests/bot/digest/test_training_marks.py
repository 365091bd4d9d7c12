"""Trainee scorecards in the digest: shown in the thread marked as training, never counted.

A reverse shadow's scorecard is always a training scorecard; a shadow's is when its author is a trainee
for the interview's type (else it is observer feedback). Neither changes the tally, the matrix or the
flags, even when its ratings would.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk.models.blocks import SectionBlock
from sqlalchemy.orm import Session

from blocks.digest import digest_message, scorecard_reply
from blocks.message import Message
from bot.digest import logic as dl
from bot.digest.service import training_seats
from models import Feedback, Interview, InterviewType, Qualification
from tests.bot.interviewers.table_data import trained
from tests.support import factories
from tests.support.factories import RUBRIC_SNAPSHOT, memory_interview

START = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
END = START + timedelta(hours=1)
NOW = END + timedelta(hours=30)
PANEL = [("U1", "lead"), ("U2", "interviewer"), ("U3", "shadow"), ("U4", "reverse_shadow"), ("U5", "shadow")]


def fb(interview: Interview, user: str, rec: str, **ratings: str) -> Feedback:
    return Feedback(
        id=len(user) * 100 + int(user[1:]),
        interview_id=interview.id,
        interviewer=user,
        status="submitted",
        ratings=ratings,
        signals=[],
        question_notes={},
        recommendation=rec,
        summary="",
        private_note="",
        version=1,
        submitted_at=END + timedelta(hours=1),
    )


def texts(message: Message) -> str:
    return "\n".join(
        b.text.text if isinstance(b, SectionBlock) and b.text else json.dumps(b.to_dict())
        for b in message.blocks
    )


def loop() -> tuple[Interview, list[Feedback]]:
    """Two counted yeses; a trainee shadow (U3), a reverse shadow (U4) and an observer (U5) say strong no."""
    i = memory_interview(PANEL)
    cards = [
        fb(i, "U1", "yes", learn="yes", build="yes"),
        fb(i, "U2", "yes", learn="yes", build="yes"),
        fb(i, "U3", "strong_no", learn="strong_no", build="strong_no", team="no"),
        fb(i, "U4", "strong_no", learn="strong_no", build="no", team="no"),
        fb(i, "U5", "no", learn="no", team="no"),
    ]
    return i, cards


def card(user: str, role: str, rec: str, trainee: bool = False, **ratings: str) -> dl.Card:
    return dl.Card(dl.Seat(1, user, role, "Pairing exercise", END), rec, ratings, END, None, trainee)


def test_training_and_observer_cards_never_reach_the_tally_matrix_or_flags() -> None:
    cards = [
        card("U1", "lead", "yes", learn="yes"),
        card("U3", "shadow", "strong_no", trainee=True, learn="strong_no", team="no"),
        card("U4", "reverse_shadow", "strong_no", learn="strong_no", team="no"),
        card("U5", "shadow", "no", team="no"),
    ]
    facts = dl.summarize(RUBRIC_SNAPSHOT, [], cards, NOW)
    assert [c.card.seat.user for c in facts.columns] == ["U1"]
    assert {k: n for k, _, n in facts.tally} == {"strong_yes": 0, "yes": 1, "no": 0, "strong_no": 0}
    assert not facts.strong_no
    assert not facts.split
    assert "Effective team member" in facts.unassessed  # only the uncounted rated it
    assert [c.seat.user for c in facts.training] == ["U3", "U4"]
    assert [c.seat.user for c in facts.observers] == ["U5"]
    assert [r.cells for r in facts.rows] == [["Y"], ["·"], ["·"]]  # one column: U1's


def test_the_digest_says_exactly_who_was_not_counted_and_why() -> None:
    i, feedback = loop()
    body = texts(digest_message(i.candidate_loop, feedback, NOW, trainees={(i.id, "U3")}))
    assert "Strong Yes: *0* · Yes: *2* · No: *0* · Strong No: *0*" in body
    assert "Strong no" not in body
    assert "Split decision" not in body
    assert "`A` <@U1>" in body
    assert "`B` <@U2>" in body
    assert "`C`" not in body
    assert (
        "Not counted in the tally or the matrix: <@U3> (Architecture, shadow): training scorecard; "
        "<@U4> (Architecture, reverse shadow): training scorecard; "
        "<@U5> (Architecture, shadow): observer feedback."
    ) in body
    assert "Observer feedback (not counted)" not in body  # the old wording, which named trainees observers


def test_a_panelist_who_scores_is_never_named_as_not_counted() -> None:
    i, feedback = loop()
    body = texts(digest_message(i.candidate_loop, feedback[:2], NOW))
    assert "Not counted" not in body
    assert "observer" not in body.lower()


def reply(i: Interview, feedback: Feedback, trainee: bool = False) -> str:
    return texts(scorecard_reply(i.candidate_loop, i, feedback, trainee=trainee))


def test_each_thread_reply_is_marked_by_what_it_is() -> None:
    i, feedback = loop()
    lead, _, shadow, reverse, observer = feedback
    assert reply(i, shadow, trainee=True).startswith(
        ":mortar_board: *Training scorecard: not counted* in the tally or the ratings matrix. It is "
        "compared with the qualified interviewer's for <@U3>'s training (trainee shadow)."
    )
    assert reply(i, reverse).startswith(":mortar_board: *Training scorecard: not counted*")
    assert "(reverse shadow)." in reply(i, reverse)
    observed = "_Observer feedback: shown for context, not counted in the tally._"
    assert observed in reply(i, observer)
    assert observed in reply(i, shadow)  # not known as a trainee
    assert "Training scorecard" not in reply(i, shadow)
    assert observed not in reply(i, reverse)
    assert "not counted" not in reply(i, lead)


def _stored(s: Session) -> tuple[Interview, Interview]:
    cl = factories.candidate_loop(s)
    first = factories.interview(s, cl, ["U1", "U3", "U4", "U5"], type_slug="pairing")
    second = factories.interview(s, cl, ["U1", "U6"], starts_at=START + timedelta(days=1), type_slug="arch")
    for seat, role in zip(first.panel, ["lead", "shadow", "reverse_shadow", "shadow"], strict=True):
        seat.role = role
    second.panel[1].role = "shadow"
    return first, second


def test_training_seats_are_trainee_shadows_and_compared_sessions(session: Session) -> None:
    first, second = _stored(session)
    pairing, arch = first.interview_type_id, second.interview_type_id
    rows: list[Any] = [
        Qualification(user_id="U3", interview_type_id=pairing, state="trainee"),
        Qualification(user_id="U5", interview_type_id=pairing, state="observer_only"),
        Qualification(user_id="U5", interview_type_id=arch, state="trainee"),  # another type
        Qualification(user_id="U6", interview_type_id=arch, state="qualified"),  # graduated since
    ]
    session.add_all(rows)
    session.flush()
    trained(session, second, session.get_one(InterviewType, arch), "U6", "shadow", 1, 2)
    assert training_seats(session, first.candidate_loop) == {(first.id, "U3"), (second.id, "U6")}
