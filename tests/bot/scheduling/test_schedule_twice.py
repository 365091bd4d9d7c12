"""schedule_loop (the modal's path too) refuses a candidate already on the loop, and busy panelists."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.scheduling import SchedulingError, cancel_interview, schedule_loop
from bot.settings import Settings
from models import CandidateLoop, Delivery
from tests.bot.scheduling.test_service import NOW, content, example_request, settings

__all__ = ["content", "settings"]  # fixtures


def _count(session: Session, model: type[CandidateLoop] | type[Delivery]) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_second_scheduling_is_refused_inline(content: Session, settings: Settings) -> None:
    first = schedule_loop(content, example_request(), settings, NOW)
    deliveries = _count(content, Delivery)
    with pytest.raises(SchedulingError) as refused:
        schedule_loop(content, example_request(candidate=" ada lovelace "), settings, NOW)
    [(path, message)] = refused.value.problems
    assert path == "candidate"
    assert message.startswith(
        f"Ada Lovelace is already scheduled on this loop (candidate loop {first.id}); "
        "change the interviews from /loop status instead"
    )
    assert "would change: nothing" in message
    assert (_count(content, CandidateLoop), _count(content, Delivery)) == (1, deliveries)


def test_refusal_names_what_an_update_would_change(content: Session, settings: Settings) -> None:
    schedule_loop(content, example_request(), settings, NOW)
    moved = example_request()
    moved.interviews[3].start += timedelta(hours=1)
    with pytest.raises(SchedulingError, match=r"would change: values: moves from 2030-03-06T16:00:00\+00:00"):
        schedule_loop(content, moved, settings, NOW)


def test_a_fully_cancelled_loop_can_be_scheduled_again(content: Session, settings: Settings) -> None:
    first = schedule_loop(content, example_request(), settings, NOW)
    for interview in first.interviews:
        cancel_interview(content, interview.id, settings, NOW, actor="U0RECRUITER")
    second = schedule_loop(content, example_request(), settings, NOW)
    assert second.id != first.id


def test_a_panelist_on_another_candidate_at_that_time_is_refused(
    content: Session, settings: Settings
) -> None:
    schedule_loop(content, example_request(), settings, NOW)
    other = example_request(candidate="Grace Hopper")
    for n, interview in enumerate(other.interviews):
        if n != 2:
            interview.start += timedelta(days=1)
    with pytest.raises(SchedulingError) as refused:
        schedule_loop(content, other, settings, NOW)
    assert refused.value.problems == [
        (
            "interviews.2.panel.0.user",
            "U0CAROL is already on Ada Lovelace's team-interviews interview at 2030-03-05T15:00:00+00:00",
        ),
        (
            "interviews.2.panel.1.user",
            "U0DAVE is already on Ada Lovelace's team-interviews interview at 2030-03-05T15:00:00+00:00",
        ),
    ]
    assert _count(content, CandidateLoop) == 1


def test_declined_seats_and_other_times_do_not_clash(content: Session, settings: Settings) -> None:
    first = schedule_loop(content, example_request(), settings, NOW)
    first.interviews[2].panel[0].declined_at = NOW  # U0CAROL declined
    other = example_request(candidate="Grace Hopper")
    for n, interview in enumerate(other.interviews):
        if n != 2:
            interview.start += timedelta(days=1)
    other.interviews[2].panel[1].user = "U0GRACE"  # instead of U0DAVE, who is still on it
    second = schedule_loop(content, other, settings, NOW)
    # The same slot still gets the same question sets for the next candidate of the role.
    kits = [[[s.kit["slug"] for s in i.panel] for i in cl.interviews] for cl in (first, second)]
    assert kits[0] == kits[1]
