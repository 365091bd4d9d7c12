"""Pool rules and load limits at scheduling, moving and reassigning."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy.orm import Session

from bot.scheduling import SchedulingError, move_interview, reassign_panelist, schedule_loop
from bot.settings import Settings, load_settings
from models import Qualification
from tests.support.pool_content import MONDAY, NOW, hours, import_pool_content, interview, request


@pytest.fixture
def settings() -> Settings:
    return load_settings()


@pytest.fixture
def pools(session: Session, tmp_path: Path) -> Session:
    import_pool_content(session, tmp_path)
    return session


def refused(session: Session, settings: Settings, *interviews: dict[str, object]) -> SchedulingError:
    with pytest.raises(SchedulingError) as caught:
        schedule_loop(session, request("Ada Lovelace", *interviews), settings, NOW)
    return caught.value


def test_each_seat_fits_the_persons_state(pools: Session, settings: Settings) -> None:
    error = refused(
        pools,
        settings,
        interview("pairing", MONDAY, ("U0TRAINEE", "lead"), ("U0LEADONLY", "interviewer")),
        interview("system-design", MONDAY + hours(2), ("U0STRANGER", "lead")),
        interview("pairing", MONDAY + hours(4), ("U0ALICE", "lead"), ("U0BOB", "reverse_shadow")),
        interview("pairing", MONDAY + hours(6), ("U0OBSERVER", "lead")),
    )
    assert error.problems == [
        ("interviews.0.panel.0.user", "U0TRAINEE is a trainee for Pairing exercise and cannot sit as lead: "
         "seat them as shadow or reverse shadow, or choose someone else"),
        ("interviews.0.panel.1.user", "U0LEADONLY is lead only for Pairing exercise and cannot sit as "
         "interviewer: make them the lead, or choose someone else"),
        ("interviews.1.panel.0.user", "U0STRANGER is not in the System design pool: choose someone from it, "
         "or add them to the pool file and import it"),
        ("interviews.2.panel.1.user", "U0BOB is qualified for Pairing exercise and cannot sit as reverse "
         "shadow: seat them as lead or interviewer (the reverse shadow seat is a trainee's), or choose "
         "someone else"),
        ("interviews.3.panel.0.user", "U0OBSERVER is an observer only for Pairing exercise and cannot sit "
         "as lead: seat them as shadow, or choose someone else"),
    ]  # fmt: skip
    assert not error.over_limit


def test_allowed_seats_and_types_without_a_pool(pools: Session, settings: Settings) -> None:
    cl = schedule_loop(
        pools,
        request(
            "Ada Lovelace",
            interview("pairing", MONDAY, ("U0LEADONLY", "lead"), ("U0TRAINEE", "reverse_shadow")),
            interview("pairing", MONDAY + hours(2), ("U0ALICE", "lead"), ("U0OBSERVER", "shadow")),
            # the values interview has no pool: anyone may sit
            interview("values", MONDAY + hours(4), ("U0ANYONE", "lead")),
        ),
        settings,
        NOW,
    )
    assert [[(s.user_id, s.role) for s in i.panel] for i in cl.interviews] == [
        [("U0LEADONLY", "lead"), ("U0TRAINEE", "reverse_shadow")],
        [("U0ALICE", "lead"), ("U0OBSERVER", "shadow")],
        [("U0ANYONE", "lead")],
    ]


def test_the_live_state_counts_not_the_file(pools: Session, settings: Settings) -> None:
    row = pools.query(Qualification).filter_by(user_id="U0TRAINEE").first()
    assert row is not None
    pools.query(Qualification).filter_by(user_id="U0TRAINEE").update({"state": "qualified"})
    cl = schedule_loop(
        pools, request("Ada Lovelace", interview("pairing", MONDAY, ("U0TRAINEE", "lead"))), settings, NOW
    )
    assert cl.interviews[0].panel[0].user_id == "U0TRAINEE"


def test_a_reverse_shadow_needs_a_lead(pools: Session, settings: Settings) -> None:
    error = refused(pools, settings, interview("pairing", MONDAY, ("U0TRAINEE", "reverse_shadow")))
    assert (
        "interviews.0.panel",
        "a reverse shadow on a Pairing exercise panel needs a qualified lead to observe them; add a lead",
    ) in error.problems


def test_over_the_weekly_limit_is_refused_with_the_load_then_confirmed(
    pools: Session, settings: Settings
) -> None:
    schedule_loop(
        pools, request("Ada Lovelace", interview("pairing", MONDAY, ("U0BUSY", "lead"))), settings, NOW
    )
    second = request("Grace Hopper", interview("pairing", MONDAY + hours(48), ("U0BUSY", "lead")))
    with pytest.raises(SchedulingError) as caught:
        schedule_loop(pools, second, settings, NOW)
    assert caught.value.over_limit
    assert caught.value.problems == [
        ("interviews.0.panel.0.user", "U0BUSY has 1 interview in the week of 4 Mar 2030 (limit 1 a week); "
         "this would make 2: choose someone else, or raise their limit in the pool file"),
    ]  # fmt: skip
    cl = schedule_loop(pools, second, settings, NOW, allow_over_limit=True)
    assert cl.interviews[0].panel[0].user_id == "U0BUSY"


def test_the_requests_own_interviews_count(pools: Session, settings: Settings) -> None:
    # LOOPBOT_DAILY_LIMIT is 2: a third interview the same day is one too many
    error = refused(
        pools,
        settings,
        interview("pairing", MONDAY, ("U0ALICE", "lead")),
        interview("system-design", MONDAY + hours(2), ("U0ALICE", "lead")),
        interview("values", MONDAY + hours(4), ("U0ALICE", "lead")),
    )
    assert error.over_limit
    assert error.problems == [
        ("interviews.2.panel.0.user", "U0ALICE has 0 interviews on 4 Mar 2030 (limit 2 a day); this would "
         "make 3: choose someone else, or raise their limit in the pool file"),
    ]  # fmt: skip


def test_move_and_reassign_keep_to_pools_and_limits(pools: Session, settings: Settings) -> None:
    def one(candidate: str, at: int, lead: str) -> int:
        pairing = interview("pairing", MONDAY + hours(at), (lead, "lead"))
        return schedule_loop(pools, request(candidate, pairing), settings, NOW).interviews[0].id

    ada, grace, alan = one("Ada", 0, "U0BUSY"), one("Grace", 168, "U0ALICE"), one("Alan", 4, "U0BOB")
    with pytest.raises(SchedulingError) as caught:
        reassign_panelist(pools, grace, "U0ALICE", "U0TRAINEE", settings, NOW, actor="U0RECRUITER")
    [(path, message)] = caught.value.problems
    assert path == "new_user"
    assert message.startswith("U0TRAINEE is a trainee for Pairing exercise and cannot sit as lead")
    # U0BUSY takes one interview a week and has Ada's: Alan's, the same week, is one too many
    with pytest.raises(SchedulingError) as caught:
        reassign_panelist(pools, alan, "U0BOB", "U0BUSY", settings, NOW, actor="U0RECRUITER")
    assert caught.value.over_limit
    assert caught.value.problems[0][1].startswith("U0BUSY has 1 interview in the week of 4 Mar 2030")
    # Grace's, a week later, is within the limit; moving it into Ada's week is not
    reassign_panelist(pools, grace, "U0ALICE", "U0BUSY", settings, NOW, actor="U0RECRUITER")
    with pytest.raises(SchedulingError) as caught:
        move_interview(pools, grace, MONDAY + hours(50), settings, NOW, actor="U0RECRUITER")
    assert caught.value.over_limit
    assert caught.value.problems == [
        ("start", "U0BUSY has 1 interview in the week of 4 Mar 2030 (limit 1 a week); this would make 2: "
         "choose someone else, or raise their limit in the pool file"),
    ]  # fmt: skip
    # moving within its own week counts the interview once, not twice
    move_interview(pools, grace, MONDAY + hours(170), settings, NOW, actor="U0RECRUITER")
    moved = move_interview(
        pools, grace, MONDAY + hours(50), settings, NOW, actor="U0RECRUITER", allow_over_limit=True
    )
    assert moved.starts_at == MONDAY + hours(50)
    assert ada


def test_a_length_over_a_day_is_refused_and_a_move_keeps_the_length(
    pools: Session, settings: Settings
) -> None:
    with pytest.raises(ValidationError) as caught:
        request("Ada", interview("values", MONDAY, ("U0ANYONE", "lead"), minutes=100_000))
    [error] = caught.value.errors()
    assert error["loc"] == ("interviews", 0, "duration_minutes")
    assert "100000 minutes is longer than a day" in error["msg"]
    cl = schedule_loop(
        pools, request("Ada", interview("values", MONDAY, ("U0ANYONE", "lead"), minutes=1440)), settings, NOW
    )
    moved = move_interview(pools, cl.interviews[0].id, MONDAY + hours(48), settings, NOW, actor="U0RECRUITER")
    assert moved.ends_at - moved.starts_at == hours(24)
