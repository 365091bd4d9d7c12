"""Scheduling a candidate's loop: validation, automatic sets, snapshots, and what changes do to deliveries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.content.importer import import_bundle
from bot.content.loader import load_content
from bot.content.schedule_file import load_schedule
from bot.scheduling import (
    ScheduleRequest,
    SchedulingError,
    cancel_interview,
    move_interview,
    reassign_panelist,
    schedule_loop,
)
from bot.settings import Settings, load_settings
from models import Delivery, DeliveryKind, DeliveryStatus, Interview, InterviewStatus, Question
from tests.support.content_files import EXAMPLES, copy_examples, edit

NOW = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
EXAMPLE_SCHEDULE = EXAMPLES.parent / "schedule.yaml"


@pytest.fixture
def settings() -> Settings:
    return load_settings()


@pytest.fixture
def content(session: Session) -> Session:
    import_bundle(session, load_content([EXAMPLES]))
    return session


def example_request(**changes: Any) -> ScheduleRequest:
    request, _doc, problems = load_schedule(EXAMPLE_SCHEDULE)
    assert request is not None, problems
    return request.model_copy(update=changes)


def pending(session: Session, interview_id: int) -> list[Delivery]:
    return list(
        session.scalars(
            select(Delivery).where(
                Delivery.interview_id == interview_id, Delivery.status == DeliveryStatus.PENDING
            )
        )
    )


def test_schedule_example_builds_rows_snapshots_and_deliveries(content: Session, settings: Settings) -> None:
    cl = schedule_loop(content, example_request(), settings, NOW)
    assert cl.candidate.name == "Ada Lovelace"
    assert (cl.hiring_channel, cl.recruiter, cl.hiring_manager) == ("C0HIRING", "U0RECRUITER", "U0HIRINGMGR")
    assert cl.rubric["slug"] == "infrastructure-manager"
    assert cl.rubric["role"] == "Engineering Manager, Infrastructure"
    assert cl.rubric["loop_name"] == "Infrastructure manager loop"
    assert cl.rubric["no_signal_label"] == "No signal"
    assert [level["key"] for level in cl.rubric["scale"]] == ["strong_no", "no", "yes", "strong_yes"]
    assert [c["key"] for c in cl.rubric["categories"]] == [
        "running-the-team",
        "operations",
        "strategy",
        "team-member",
    ]
    screen, team1, team2, values = cl.interviews
    assert team1.starts_at == datetime(2030, 3, 5, 14, 0, tzinfo=UTC)
    assert team1.ends_at - team1.starts_at == timedelta(minutes=30)
    assert screen.ends_at - screen.starts_at == timedelta(minutes=30)  # the type's duration
    assert team1.recording_consent is True
    assert team1.guidance["type_slug"] == "infra-manager-technical"
    assert set(team1.guidance) == {
        "type_slug", "type_name", "duration_minutes", "candidate_prep", "must_do_before",
        "guidance_during", "look_for", "resources", "panel", "focus", "rubric", "example_questions",
        "lead_drives",
    }  # fmt: skip
    assert [(s.user_id, s.role, s.kit["slug"]) for s in team1.panel + team2.panel] == [
        ("U0ALICE", "lead", "im-set-a"),
        ("U0BOB", "shadow", "im-set-a"),
        ("U0CAROL", "lead", "im-set-b"),
        ("U0DAVE", "interviewer", "im-set-c"),
    ]
    question = team1.panel[0].kit["questions"][0]
    assert question["slug"] == "im-cloud-and-self-hosted"
    assert question["category_key"] == "running-the-team"
    assert question["category_name"] == "World-class at running this team?"
    assert set(question) == {
        "slug", "prompt", "follow_ups", "goal", "category_key", "category_name", "great_signals",
        "negative_signals", "technologies", "is_backup", "backup_when",
    }  # fmt: skip
    assert team1.panel[0].kit["questions"][-1]["is_backup"] is True
    assert values.panel[0].kit == {"slug": "", "name": "", "questions": []}
    preps = {d.recipient for d in pending(content, team2.id) if d.kind == DeliveryKind.PREP}
    assert preps == {"U0CAROL", "U0DAVE"}


def test_same_slot_same_set_for_the_next_candidate(content: Session, settings: Settings) -> None:
    first = schedule_loop(content, example_request(), settings, NOW)
    # The next candidate a week later (the same panel cannot be in two interviews at once).
    later = example_request(candidate="Grace Hopper")
    later = later.model_copy(
        update={
            "interviews": [
                i.model_copy(update={"start": i.start + timedelta(days=7)}) for i in later.interviews
            ]
        }
    )
    second = schedule_loop(content, later, settings, NOW)
    kits = [[[s.kit["slug"] for s in i.panel] for i in cl.interviews] for cl in (first, second)]
    assert kits[0] == kits[1]


def test_reimport_after_an_edit_leaves_scheduled_kits_alone(
    content: Session, settings: Settings, tmp_path: Path
) -> None:
    cl = schedule_loop(content, example_request(), settings, NOW)
    seat = cl.interviews[1].panel[0]
    kit_before = dict(seat.kit)
    root = copy_examples(tmp_path)
    edit(root / "infrastructure-manager" / "questions.yaml", "Take us through a time", "Tell us about a time")
    report = import_bundle(content, load_content([root]))
    assert report.counts["questions"]["updated"] == 1
    content.commit()
    content.expire_all()
    question = content.scalars(select(Question).where(Question.slug == "im-cloud-and-self-hosted")).one()
    assert question.prompt.startswith("Tell us about a time")
    assert seat.kit == kit_before
    assert seat.kit["questions"][0]["prompt"].startswith("Take us through a time")


def test_every_problem_is_reported_at_once(content: Session, settings: Settings) -> None:
    start = datetime(2030, 3, 5, 15, 0, tzinfo=UTC)
    request = ScheduleRequest.model_validate(
        {
            "candidate": "Ada",
            "loop": "infrastructure-manager",
            "interviews": [
                {
                    "stage": "nope",
                    "type": "values-interview",
                    "start": start,
                    "panel": [{"user": "U1X", "role": "lead"}],
                },
                {
                    "stage": "team-interviews",
                    "start": start,
                    "duration_minutes": 0,
                    "panel": [
                        {"user": "U1X", "role": "lead"},
                        {"user": "U2X", "role": "lead", "question_set": "swe-values"},
                    ],
                },
                {
                    "stage": "values",
                    "type": "no-such-type",
                    "start": NOW - timedelta(days=1),
                    "panel": [{"user": "U3X", "role": "lead", "question_set": "missing"}],
                },
                {
                    "stage": "team-interviews",
                    "start": start + timedelta(minutes=15),
                    "panel": [{"user": "U1X", "role": "lead"}],
                },
            ],
        }
    )
    with pytest.raises(SchedulingError) as caught:
        schedule_loop(content, request, settings, NOW)
    assert caught.value.problems == [
        ("interviews.0.stage", "loop 'infrastructure-manager' has no stage 'nope' (one of: recruiter-screen, "
         "hiring-manager-screen, resume-deep-dive, team-interviews, cross-functional, values, leadership, "
         "references)"),
        ("interviews.1.duration_minutes", "the interview must end after it starts"),
        ("interviews.1.panel", "an Infrastructure leadership interview panel needs 1 lead (has 2)"),
        ("interviews.1.panel.1.question_set",
         "question set 'swe-values' is not for this loop's rubric 'infrastructure-manager'"),
        ("interviews.2.type", "unknown interview type 'no-such-type'"),
        ("interviews.2.start", "starts in the past"),
        ("interviews.2.panel.0.question_set", "unknown question set 'missing'"),
        ("interviews.3.panel.0.user", "U1X is already on interviews.0 at that time"),
    ]  # fmt: skip
    assert content.scalars(select(Interview)).all() == []


def test_unknown_loop_and_missing_channel(content: Session, settings: Settings) -> None:
    with pytest.raises(SchedulingError) as caught:
        schedule_loop(content, example_request(loop="nope"), settings, NOW)
    loops = "developer-advocate, infrastructure-manager, software-engineer"
    assert caught.value.problems == [("loop", f"unknown loop 'nope' (loops: {loops})")]
    with pytest.raises(SchedulingError) as caught:
        schedule_loop(content, example_request(loop="infrastructure-manger"), settings, NOW)
    assert caught.value.problems == [
        (
            "loop",
            f"unknown loop 'infrastructure-manger' (loops: {loops}); did you mean 'infrastructure-manager'?",
        )
    ]


def test_move_replans_and_tells_the_panel(content: Session, settings: Settings) -> None:
    data = example_request().model_dump()
    data["interviews"][2]["panel"][0]["user"] = "U0ALICE"  # on both team interviews, an hour apart
    cl = schedule_loop(content, ScheduleRequest.model_validate(data), settings, NOW)
    interview = cl.interviews[1]
    old_keys = {d.dedupe_key for d in pending(content, interview.id)}
    new_start = datetime(2030, 3, 12, 14, 0, tzinfo=UTC)
    move_interview(content, interview.id, new_start, settings, NOW, actor="U0RECRUITER")
    assert (interview.starts_at, interview.ends_at) == (new_start, new_start + timedelta(minutes=30))
    now_pending = pending(content, interview.id)
    assert not old_keys & {d.dedupe_key for d in now_pending}
    notices = {d.recipient for d in now_pending if d.kind == DeliveryKind.NOTICE}
    assert notices == {"U0ALICE", "U0BOB"}
    # Moving onto another interview of the same candidate that shares a panelist is refused.
    clash = f"U0ALICE is already on interview {interview.id} at that time"
    with pytest.raises(SchedulingError, match=clash):
        move_interview(content, cl.interviews[2].id, new_start, settings, NOW, actor="U0RECRUITER")
    with pytest.raises(SchedulingError, match="past"):
        move_interview(content, interview.id, NOW - timedelta(hours=1), settings, NOW, actor="U0RECRUITER")


def test_reassign_keeps_the_seat_and_kit(content: Session, settings: Settings) -> None:
    cl = schedule_loop(content, example_request(), settings, NOW)
    interview = cl.interviews[2]
    kit = interview.panel[1].kit
    reassign_panelist(content, interview.id, "U0DAVE", "U0GRACE", settings, NOW, actor="U0RECRUITER")
    seat = interview.panel[1]
    assert (seat.user_id, seat.role, seat.kit) == ("U0GRACE", "interviewer", kit)
    rows = pending(content, interview.id)
    assert {d.kind for d in rows if d.recipient == "U0DAVE"} == {DeliveryKind.NOTICE}
    assert DeliveryKind.PREP in {d.kind for d in rows if d.recipient == "U0GRACE"}
    with pytest.raises(SchedulingError, match="not on this interview's panel"):
        reassign_panelist(content, interview.id, "U0DAVE", "U0HEIDI", settings, NOW, actor="U0RECRUITER")
    with pytest.raises(SchedulingError, match="already on this interview's panel"):
        reassign_panelist(content, interview.id, "U0GRACE", "U0CAROL", settings, NOW, actor="U0RECRUITER")


def test_cancel_stops_everything_but_the_notices(content: Session, settings: Settings) -> None:
    cl = schedule_loop(content, example_request(), settings, NOW)
    interview = cl.interviews[3]
    cancel_interview(content, interview.id, settings, NOW, actor="U0RECRUITER")
    assert interview.status == InterviewStatus.CANCELLED
    rows = pending(content, interview.id)
    assert {(d.kind, d.recipient) for d in rows} == {
        (DeliveryKind.NOTICE, "U0ERIN"),
        (DeliveryKind.NOTICE, "U0FRANK"),
    }
    assert "cancelled" in rows[0].payload["text"]
    with pytest.raises(SchedulingError, match="is cancelled"):
        cancel_interview(content, interview.id, settings, NOW, actor="U0RECRUITER")
