"""App Home and the interviewer program: an interviewer's own load and training, a recruiter's pool health."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from blocks import limits
from blocks.home import NO_POOLS, home_view
from bot.home.publish import build_home
from bot.home.queries import HomeData, MyInterviewing, TypeHealth, load_home
from bot.interviewers.load import Limits
from bot.interviewers.progress import Progress
from bot.interviewers.rules import Training
from tests.bot.interviewers.table_data import NOW, kind, pairing_world, pool
from tests.support import factories

LIMITS = Limits(weekly=5, daily=2)


def sections(view: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in view["blocks"] if b["type"] == "section"]


def section(view: dict[str, Any], start: str) -> str:
    return next(t for t in sections(view) if t.startswith(start))


def test_an_interviewer_sees_their_load_and_training_progress(session: Session) -> None:
    pairing_world(session)
    view = build_home(session, "U0TIA", NOW, limits=LIMITS).to_dict()
    assert section(view, "*Your interviewing*") == (
        "*Your interviewing*\n2 interviews this week (limit 5)\n"
        ":mortar_board: Pairing exercise: shadowed 1/2, reverse shadow 1/1, agreement 3 of 4 categories"
    )


def test_over_the_limit_says_so_and_a_qualified_interviewer_sees_only_the_load(session: Session) -> None:
    pairing_world(session)
    view = build_home(session, "U0MAX", NOW, limits=LIMITS).to_dict()
    assert section(view, "*Your interviewing*") == (
        "*Your interviewing*\n:warning: 2 interviews this week (limit 1): "
        "tell your recruiter if that is too many"
    )


def test_someone_outside_every_pool_sees_no_interviewing_section(session: Session) -> None:
    pairing_world(session)
    data = load_home(session, "U0NOBODY", NOW, limits=LIMITS)
    assert (data.interviewing, data.pools) == (None, None)
    assert not any("Your interviewing" in t for t in sections(home_view(data, NOW).to_dict()))


def test_a_recruiter_sees_pool_health_per_type(session: Session) -> None:
    pairing_world(session)
    view = build_home(session, "U0RECRUIT", NOW, limits=LIMITS).to_dict()
    assert section(view, "*Architecture*") == "*Architecture*: 1 qualified lead · 0 trainees"
    assert section(view, "*Pairing exercise*") == (
        "*Pairing exercise*: 2 qualified leads · 1 trainee\n"
        "• <@U0TIA>: shadowed 1/2, reverse shadow 1/1, agreement 3 of 4 categories\n"
        ":warning: Over their weekly limit: <@U0MAX> (2 of 1)"
    )
    assert "`/loop interviewers` shows everyone" in json.dumps(view)


def test_a_recruiter_without_pools_is_told_how_to_add_one(session: Session) -> None:
    factories.candidate_loop(session)  # U0RECRUIT recruits it
    view = build_home(session, "U0RECRUIT", NOW, limits=LIMITS).to_dict()
    assert section(view, "*Interviewer pools*") == f"*Interviewer pools*\n{NO_POOLS}"


def test_a_type_without_a_lead_is_flagged(session: Session) -> None:
    pairing_world(session)
    lonely = kind(session, "values", "Values")
    pool(session, "values", [("U0TIA", lonely, "trainee")])
    view = build_home(session, "U0RECRUIT", NOW, limits=LIMITS).to_dict()
    assert section(view, "*Values*").startswith("*Values*: :warning: no qualified lead · 1 trainee")


def test_many_types_and_trainees_stay_within_the_home_limits() -> None:
    progress = Progress("T", Training(), 1, 0, 1, 1, 2)
    types = [
        TypeHealth(
            f"Type {n}",
            [],
            [(f"U0T{n:02d}{k:03d}", progress) for k in range(40)],
            [(f"U0O{k:04d}", 9, 5) for k in range(40)],
        )  # fmt: skip
        for n in range(30)
    ]
    mine = MyInterviewing(3, 5, [progress] * 30)
    view = home_view(HomeData(user="U1", manages=True, interviewing=mine, pools=types), NOW)
    data = limits.check_view(view)
    text = json.dumps(data, ensure_ascii=False)
    assert "and 34 more trainees" in text
    assert "20 more interview types: `/loop interviewers` shows everyone" in text
