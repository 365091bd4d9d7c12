"""The server does not trust the modal: only the form's own categories, signals and notes are kept, and
texts over the modal's max_length are refused (submit) or cut (draft). On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from bot.feedback import service as svc
from bot.feedback.logic import TEXT_MAX_CHARS, FeedbackForm
from models import Feedback
from tests.support.factories import EMPTY_KIT, focus_guidance, snapshot_interview, with_stages
from tests.support.slack_payloads import START

AFTER = START + timedelta(hours=2)
SUMMARY = "Concrete stories about fixing what nobody owned, and candid with their manager."


def values_interview(factory: sessionmaker[Session]) -> int:
    """A values interview without questions: its type's rubric, focus and checklist."""
    with factory.begin() as s:
        i = snapshot_interview(s, [("U1", "lead"), ("U2", "interviewer")], starts_at=START)
        i.guidance = focus_guidance()
        i.stage_key = "values"
        i.candidate_loop.rubric = with_stages(i.candidate_loop.rubric, {"team": None, "values": None})
        for seat in i.panel:
            seat.kit = dict(EMPTY_KIT)
        return i.id


def stored(factory: sessionmaker[Session], interview_id: int, user: str) -> Feedback:
    with factory() as s:
        return s.scalars(
            select(Feedback)
            .where(Feedback.interview_id == interview_id, Feedback.interviewer == user)
            .options(selectinload(Feedback.revisions))
        ).one()


def submit(factory: sessionmaker[Session], interview_id: int, form: FeedbackForm, minutes: int = 0) -> bool:
    with factory.begin() as s:
        return svc.submit(s, interview_id, "U1", form, AFTER + timedelta(minutes=minutes)).changed


def test_the_form_rates_the_focus_and_offers_its_checklist(session_factory: sessionmaker[Session]) -> None:
    i = values_interview(session_factory)
    with session_factory() as s:
        ctx = svc.load_form(s, i, "U1", AFTER)
        assert [c.key for c in ctx.categories] == ["initiative", "candor"]
        ids = [item.id for item in ctx.checklist]
    assert ids == ["look:0", "attr:initiative:0", "attr:candor:0", "attr:candor:1"]


def test_ratings_signals_and_notes_the_form_does_not_show_are_never_stored(
    session_factory: sessionmaker[Session],
) -> None:
    i = values_interview(session_factory)
    form = FeedbackForm(
        ratings={"initiative": "yes", "candor": "no_signal", "operations": "strong_no", "learn": "yes"},
        signals=["look:0", "attr:candor:1", "great:forged:0", "look:7"],
        question_notes={"forged": "not a question of this form"},
        recommendation="yes",
        summary=SUMMARY,
    )
    assert submit(session_factory, i, form)
    row = stored(session_factory, i, "U1")
    assert row.ratings == {"candor": "no_signal", "initiative": "yes"}
    assert row.signals == ["attr:candor:1", "look:0"]
    assert row.question_notes == {}
    assert row.revisions[-1].data["ratings"] == {"candor": "no_signal", "initiative": "yes"}
    # Sending the forged keys again is the same submission, not an edit.
    assert submit(session_factory, i, form, minutes=1) is False


def test_a_missing_focus_rating_is_still_an_error(session_factory: sessionmaker[Session]) -> None:
    i = values_interview(session_factory)
    form = FeedbackForm(
        ratings={"initiative": "yes", "operations": "yes"}, recommendation="yes", summary=SUMMARY
    )
    with pytest.raises(svc.FeedbackInvalid) as caught:
        submit(session_factory, i, form)
    assert set(caught.value.errors.ratings) == {"candor"}


@pytest.mark.parametrize("field", ["summary", "private_note"])
def test_a_text_over_the_modals_max_length_is_refused(
    session_factory: sessionmaker[Session], field: str
) -> None:
    i = values_interview(session_factory)
    form = FeedbackForm(ratings={"initiative": "yes", "candor": "yes"}, recommendation="yes", summary=SUMMARY)
    setattr(form, field, "z" * (TEXT_MAX_CHARS + 1))
    with pytest.raises(svc.FeedbackInvalid) as caught:
        submit(session_factory, i, form)
    assert getattr(caught.value.errors, field) is not None
    assert not caught.value.errors.ratings
    with session_factory() as s:
        assert s.scalars(select(Feedback)).all() == []


def test_a_draft_keeps_only_the_forms_fields_cut_to_the_max_length(
    session_factory: sessionmaker[Session],
) -> None:
    i = values_interview(session_factory)
    draft = FeedbackForm(ratings={"initiative": "no", "strategy": "yes"}, summary="d" * (TEXT_MAX_CHARS + 9))
    with session_factory.begin() as s:
        assert svc.save_draft(s, i, "U2", draft, AFTER) is not None
    row = stored(session_factory, i, "U2")
    assert row.ratings == {"initiative": "no"}
    assert len(row.summary) == TEXT_MAX_CHARS
