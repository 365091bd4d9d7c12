"""In the offline demo every interviewer rates only what their interview assesses, no lead is sent to a
lead's plan, and the digest shows which rubric each rating belongs to."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.content import focus
from bot.content.loader import load_content
from bot.demo import script
from bot.demo.runner import DemoResult, example_content, run_demo
from bot.demo.workspace import PRIYA
from bot.standin import dm_id

START = datetime(2030, 3, 4, 7, 0, tzinfo=UTC)
FOLLOW = "follow the lead's plan"


@pytest.fixture(scope="module")
def result() -> DemoResult:
    return run_demo(start=START)


@pytest.fixture(scope="module")
def assessed() -> dict[str, tuple[str, ...]]:
    """Interview type name -> what its stage of the demo's loop assesses, read from the content."""
    bundle = load_content([example_content()])
    loop = bundle.loops[script.LOOP].model
    names = {slug: item.model.name for slug, item in bundle.interview_types.items()}
    return {names[str(a.stage.interview_type)]: a.keys for a in focus.loop_report(bundle, loop) if a.keys}


def feedback_views(result: DemoResult) -> list[dict[str, Any]]:
    views = []
    for call in result.standin.calls_to("views.open"):
        view = call.args.get("view")
        view = json.loads(view) if isinstance(view, str) else view
        if isinstance(view, dict) and view.get("callback_id") == "feedback_modal":
            views.append(view)
    return views


def type_of(view: dict[str, Any]) -> str:
    header = next(b for b in view["blocks"] if b.get("block_id") == "feedback_header")
    return str(header["text"]["text"]).split("*")[1].split(" with ")[0]


def test_no_interviewer_is_asked_to_rate_what_their_interview_does_not_assess(
    result: DemoResult, assessed: dict[str, tuple[str, ...]]
) -> None:
    views = feedback_views(result)
    kinds = {type_of(v) for v in views}
    assert kinds == {
        "Infrastructure leadership interview",
        "Values interview",
        "Cross-functional collaboration",
    }
    for view in views:
        rated = [
            b["block_id"].removeprefix("rating__")
            for b in view["blocks"]
            if "rating__" in b.get("block_id", "")
        ]
        assert rated, type_of(view)
        assert set(rated) <= set(assessed[type_of(view)]), (type_of(view), rated)
    values = next(v for v in views if type_of(v) == "Values interview")
    assert "World-class" not in json.dumps(values)
    assert "Outstanding operationally" not in json.dumps(values)


def test_no_lead_is_told_to_follow_a_leads_plan(result: DemoResult) -> None:
    bundle = load_content([example_content()])
    loop = bundle.loops[script.LOOP].model
    names = {
        s.key: bundle.interview_types[str(s.interview_type)].model.name
        for s in loop.stages
        if s.interview_type
    }
    leads = [
        (user, names[slot.stage]) for slot in script.SLOTS for user, role in slot.panel if role == "lead"
    ]
    assert len(leads) == len(script.SLOTS)
    for user, kind in leads:
        title = f"Interview prep: {kind} with {script.CANDIDATE}"
        preps = [m for m in result.standin.messages(dm_id(user)) if m["text"].startswith(title)]
        assert preps, (user, kind)
        assert all(FOLLOW not in json.dumps(m["blocks"], ensure_ascii=False) for m in preps), (user, kind)
    values_prep = next(
        m for m in result.standin.messages(dm_id(PRIYA)) if m["text"].startswith("Interview prep: Values")
    )
    text = json.dumps(values_prep["blocks"], ensure_ascii=False)
    assert "*Your plan: Values interview*" in text
    assert "Keep the last five minutes" in text
    assert "10 minutes" not in text


def test_the_digest_matrix_groups_ratings_by_rubric(result: DemoResult) -> None:
    channel = result.standin.messages("C0HIRING")
    [main] = [m for m in channel if m.get("thread_ts") in (None, m["ts"])]
    matrix = next(b["text"]["text"] for b in main["blocks"] if "```" in b.get("text", {}).get("text", ""))
    for heading in ("Infrastructure manager", "Collaboration", "Company values"):
        assert f"\n{heading}\n" in matrix
    assert "Cross-functional" in matrix
