"""Every example loop, every stage scheduled: each panelist rates only what their interview assesses, and
no lead is told to follow a lead's plan. Scheduled interviews keep their focus when content changes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from blocks.prep import prep_messages
from bot.content import focus
from bot.content.bundle import Bundle
from bot.content.importer import import_bundle
from bot.content.loader import load_content
from bot.feedback.focus_logic import follows_lead, form_categories
from bot.scheduling import InterviewIn, PanelistIn, ScheduleRequest, schedule_loop
from bot.settings import load_settings
from models import CandidateLoop, Interview, PanelSeat
from tests.support.content_files import EXAMPLES, copy_examples, edit

NOW = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
FOLLOW = "follow the lead's plan"
LOOPS = ["developer-advocate", "infrastructure-manager", "software-engineer"]


def schedule_every_stage(
    session: Session, root: Path, loop_slug: str, candidate: str = "Ada", week: int = 0
) -> CandidateLoop:
    """One interview per stage that has a type, with every role its panel allows (`week`s later)."""
    bundle = load_content([root])
    loop = bundle.loops[loop_slug].model
    interviews = []
    for n, stage in enumerate(s for s in loop.stages if s.interview_type):
        shape = bundle.interview_types[str(stage.interview_type)].model.panel
        panel = [PanelistIn(user=f"U{n}{shape_n}X", role=p.role) for shape_n, p in enumerate(shape)]
        start = datetime(2030, 3, 4, 9, tzinfo=UTC) + timedelta(hours=2 * n, weeks=week)
        interviews.append(InterviewIn(stage=stage.key, start=start, panel=panel))
    request = ScheduleRequest(candidate=candidate, loop=loop_slug, interviews=interviews)
    return schedule_loop(session, request, load_settings(), NOW)


def rated(interview: Interview, seat: PanelSeat) -> list[str]:
    cl = interview.candidate_loop
    return [c.key for c in form_categories(seat.kit, cl.rubric, interview.guidance, interview.stage_key)]


def prep_text(interview: Interview, seat: PanelSeat) -> str:
    return json.dumps([m.blocks_dicts() for m in prep_messages(interview, seat, NOW)], ensure_ascii=False)


def without_pools(root: Path) -> Bundle:
    """The content without its interviewer pools: these tests seat made-up people on every role of
    every type, which the pools' seat rules (tests/bot/scheduling/test_pool_rules.py) would refuse."""
    bundle = load_content([root])
    bundle.pools.clear()
    return bundle


@pytest.fixture
def examples(session: Session) -> Session:
    import_bundle(session, without_pools(EXAMPLES))
    return session


@pytest.mark.parametrize("loop_slug", LOOPS)
def test_every_panelist_rates_only_what_their_stage_assesses(examples: Session, loop_slug: str) -> None:
    bundle = load_content([EXAMPLES])
    expected = {a.stage.key: a.keys for a in focus.loop_report(bundle, bundle.loops[loop_slug].model)}
    cl = schedule_every_stage(examples, EXAMPLES, loop_slug)
    assert cl.interviews
    for interview in cl.interviews:
        for seat in interview.panel:
            keys = rated(interview, seat)
            assert keys, (interview.stage_key, seat.role)
            assert set(keys) <= set(expected[interview.stage_key]), (interview.stage_key, seat.role, keys)
            if not seat.kit["questions"]:  # without questions exactly the focus is rated
                assert tuple(keys) == expected[interview.stage_key]


@pytest.mark.parametrize("loop_slug", LOOPS)
def test_no_lead_is_told_to_follow_a_leads_plan(examples: Session, loop_slug: str) -> None:
    cl = schedule_every_stage(examples, EXAMPLES, loop_slug)
    followers = 0
    for interview in cl.interviews:
        for seat in interview.panel:
            text = prep_text(interview, seat)
            assert "last 10 minutes" not in text or "10 minutes" in json.dumps(interview.guidance)
            if follows_lead(seat.role, interview.guidance):
                # A shadow handed the lead's question set reads it; one without is sent to the lead's plan.
                followers += 1
                assert (FOLLOW in text) == (not seat.kit["questions"]), (interview.stage_key, seat.role)
            else:
                assert FOLLOW not in text, (interview.stage_key, seat.role)
    assert followers  # shadows (and the pairing observer) do follow


def test_the_pairing_observer_follows_the_lead_and_the_values_interviewer_does_not(examples: Session) -> None:
    cl = schedule_every_stage(examples, EXAMPLES, "software-engineer")
    by_stage = {i.stage_key: i for i in cl.interviews}
    pairing, values = by_stage["pairing"], by_stage["values"]
    [observer] = [s for s in pairing.panel if s.role == "interviewer"]
    assert FOLLOW in prep_text(pairing, observer)
    assert rated(pairing, observer) == ["learn-and-teach", "collaboration"]
    [second] = [s for s in values.panel if s.role == "interviewer"]
    assert FOLLOW not in prep_text(values, second)
    assert rated(values, second) == ["initiative", "candor", "team-first", "growth"]


def test_snapshots_hold_the_stage_and_type_focus(examples: Session) -> None:
    cl = schedule_every_stage(examples, EXAMPLES, "infrastructure-manager")
    stages = {s["key"]: s for s in cl.rubric["stages"]}
    assert list(stages)[:4] == [
        "recruiter-screen",
        "hiring-manager-screen",
        "resume-deep-dive",
        "team-interviews",
    ]
    assert stages["leadership"]["required"] is False
    assert cl.rubric["categories"][0]["short"] == "Running the team"
    values = next(i for i in cl.interviews if i.stage_key == "values")
    assert values.guidance["focus"] == ["initiative", "candor", "team-first", "growth"]
    assert values.guidance["rubric"]["slug"] == "company-values"
    assert values.guidance["example_questions"]
    screen = next(i for i in cl.interviews if i.stage_key == "hiring-manager-screen")
    assert rated(screen, screen.panel[0]) == ["motivation", "role-fit"]


def test_a_scheduled_interview_keeps_its_focus_when_the_content_changes(
    session: Session, tmp_path: Path
) -> None:
    root = copy_examples(tmp_path)
    import_bundle(session, without_pools(root))
    cl = schedule_every_stage(session, root, "infrastructure-manager")
    values = next(i for i in cl.interviews if i.stage_key == "values")
    before = rated(values, values.panel[0])
    edit(
        root / "universal" / "interview-types.yaml",
        "rubric: company-values\n",
        "rubric: company-values\nfocus: [candor]\n",
    )
    import_bundle(session, without_pools(root))
    session.flush()
    session.expire_all()
    again = session.get_one(Interview, values.id)
    assert rated(again, again.panel[0]) == before == ["initiative", "candor", "team-first", "growth"]
    later = schedule_every_stage(session, root, "infrastructure-manager", candidate="Grace", week=1)
    new_values = next(i for i in later.interviews if i.stage_key == "values")
    assert rated(new_values, new_values.panel[0]) == ["candor"]
