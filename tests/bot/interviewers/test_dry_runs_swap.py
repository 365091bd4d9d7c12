"""The recruiter's swap: whom it suggests (within limits), which buttons it refuses, and what it says
when the suggested lead no longer fits."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from blocks.ids import ActionId
from bot.interviewers import dry_run_swap, dry_runs
from bot.interviewers.load import Limits
from bot.settings import Settings
from models import DryRun, InterviewerPool, InterviewType, PoolMember
from tests.support.dry_run_content import led, other_loop, pairing_type, qualify
from tests.support.factories import candidate_loop

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday
START = NOW + timedelta(days=7)
LEAD, MANAGER, RECRUITER = "U0NEWLEAD", "U0MANAGER", "U0RECRUIT"
OVER, FINE = "U0AAOVER1", "U0ZZFINE1"


def settings(weekly: int = 5) -> Settings:
    return Settings(
        SLACK_SIGNING_SECRET="x", SLACK_BOT_TOKEN="xoxb-x", LOOPBOT_WEEKLY_LIMIT=weekly, _env_file=None
    )


def capped(
    s: Session, kind: InterviewType, user: str, weekly: int | None = None, daily: int | None = None
) -> None:
    pool = InterviewerPool(slug=f"pool-{user.lower()}", name="Pool")
    s.add(pool)
    s.flush()
    s.add(
        PoolMember(
            pool_id=pool.id,
            user_id=user,
            interview_type_id=kind.id,
            state="qualified",
            weekly_limit=weekly,
            daily_limit=daily,
        )
    )
    s.flush()


def test_someone_at_their_weekly_limit_is_not_suggested(session: Session) -> None:
    kind = pairing_type(session)
    qualify(session, kind, OVER, FINE)
    capped(session, kind, OVER, weekly=1)
    interview = led(session, candidate_loop(session), kind, [(LEAD, "lead")], START)
    [row] = dry_runs.plan_for_interview(session, interview, NOW)
    # One interview each in the interview's week: OVER is at their limit of 1, FINE is not.
    led(session, other_loop(session, "G", 2), kind, [(OVER, "shadow")], START + timedelta(days=1))
    led(session, other_loop(session, "H", 3), kind, [(FINE, "shadow")], START + timedelta(days=1))
    assert dry_run_swap.candidates(session, interview, LEAD) == [FINE]
    done = dry_run_swap.swap_lead(session, interview.id, row.id, FINE, RECRUITER, settings(), NOW)
    assert done.done, done.text


def test_someone_at_their_daily_limit_that_day_is_not_suggested(session: Session) -> None:
    kind = pairing_type(session)
    qualify(session, kind, OVER, FINE)
    interview = led(session, candidate_loop(session), kind, [(LEAD, "lead")], START)
    dry_runs.plan_for_interview(session, interview, NOW)
    for n in range(2):  # the default daily limit is 2: OVER is full on the interview's day, not before
        led(
            session,
            other_loop(session, f"D{n}", 4 + n),
            kind,
            [(OVER, "shadow")],
            START + timedelta(hours=2 + n),
        )
    assert dry_run_swap.candidates(session, interview, LEAD) == [FINE]
    roomier = dry_run_swap.candidates(session, interview, LEAD, Limits(weekly=5, daily=3))
    assert roomier == [FINE, OVER]  # within a daily limit of 3; the less loaded first


def test_a_suggested_lead_who_no_longer_fits_is_not_swapped_in_and_a_fresh_one_is_offered(
    session: Session,
) -> None:
    kind = pairing_type(session)
    qualify(session, kind, OVER, FINE)
    interview = led(session, candidate_loop(session), kind, [(LEAD, "lead")], START)
    [row] = dry_runs.plan_for_interview(session, interview, NOW)
    suggested = dry_run_swap.suggestion(session, interview, LEAD)
    assert suggested == dry_run_swap.Suggestion(OVER, needs_dry_run=True)
    # Since the warning, OVER took another interview at the same time.
    led(session, other_loop(session, "G", 2), kind, [(OVER, "shadow")], START + timedelta(minutes=30))
    result = dry_run_swap.swap_lead(session, interview.id, row.id, OVER, RECRUITER, settings(), NOW)
    assert not result.done
    assert "<@U0AAOVER1> can no longer take it" in result.text
    assert "now suggests <@U0ZZFINE1>" in result.text
    assert [s.user_id for s in interview.panel] == [LEAD]
    assert result.fresh is not None
    fresh = json.dumps(result.fresh.blocks_dicts())
    assert "Suggested lead: <@U0ZZFINE1> (needs a dry run too)" in fresh
    assert f'"{interview.id}:{row.id}:{FINE}"' in fresh
    # Nobody left: the fresh message has no button and says what to do.
    led(session, other_loop(session, "H", 3), kind, [(FINE, "shadow")], START)
    nobody = dry_run_swap.swap_lead(session, interview.id, row.id, FINE, RECRUITER, settings(), NOW)
    assert not nobody.done
    assert "nobody else qualified" in nobody.text
    assert nobody.fresh is not None
    assert ActionId.SWAP_LEAD not in json.dumps(nobody.fresh.blocks_dicts())


def test_a_suggested_lead_who_has_rehearsed_is_not_said_to_need_a_dry_run(session: Session) -> None:
    kind = pairing_type(session)
    qualify(session, kind, FINE)
    session.add(DryRun(user_id=FINE, interview_type_id=kind.id, partner=MANAGER, status="done", done_at=NOW))
    interview = led(session, candidate_loop(session), kind, [(LEAD, "lead")], START)
    dry_runs.plan_for_interview(session, interview, NOW)
    assert dry_run_swap.suggestion(session, interview, LEAD) == dry_run_swap.Suggestion(FINE, False)


def test_a_dry_run_of_another_type_exercise_or_interview_does_not_swap_this_lead(session: Session) -> None:
    pairing = pairing_type(session)
    design = pairing_type(session, slug="design")
    qualify(session, design, FINE)
    qualify(session, pairing, FINE)
    [pairing_row] = dry_runs.plan_for_interview(
        session, led(session, candidate_loop(session), pairing, [(LEAD, "lead")], START), NOW
    )
    other = led(session, other_loop(session, "Z", 5), design, [(LEAD, "lead")], START + timedelta(days=1))
    session.add(
        DryRun(user_id=LEAD, interview_type_id=design.id, partner=MANAGER, status="done", done_at=NOW)
    )
    session.flush()
    result = dry_run_swap.swap_lead(session, other.id, pairing_row.id, FINE, RECRUITER, settings(), NOW)
    assert not result.done
    assert "not about the lead of the" in result.text
    assert [s.user_id for s in other.panel] == [LEAD]

    # Same type, but the button's dry run was planned for another interview of the lead.
    per_set = pairing_type(
        session, {"before_first_lead": True, "with": "hiring_manager", "per": "question_set"}, slug="sets"
    )
    qualify(session, per_set, FINE)
    set_a = led(session, other_loop(session, "A", 6), per_set, [(LEAD, "lead")], START, exercise="set-a")
    set_b = led(session, other_loop(session, "B", 7), per_set, [(LEAD, "lead")], START, exercise="set-b")
    [row_a] = dry_runs.plan_for_interview(session, set_a, NOW)
    dry_runs.plan_for_interview(session, set_b, NOW)
    crossed = dry_run_swap.swap_lead(session, set_b.id, row_a.id, FINE, RECRUITER, settings(), NOW)
    assert not crossed.done
    assert "not about the lead of the" in crossed.text
    # The exercise must match too, even when the row names the interview.
    row_a.interview_id = set_b.id
    assert (
        "not about the lead"
        in dry_run_swap.swap_lead(session, set_b.id, row_a.id, FINE, RECRUITER, settings(), NOW).text
    )


def test_the_workspace_limits_are_checked_at_the_click(session: Session) -> None:
    kind = pairing_type(session)
    qualify(session, kind, FINE)
    interview = led(session, candidate_loop(session), kind, [(LEAD, "lead")], START)
    [row] = dry_runs.plan_for_interview(session, interview, NOW)
    led(session, other_loop(session, "G", 2), kind, [(FINE, "shadow")], START + timedelta(days=1))
    # The warning was made with the default limits; this workspace allows one interview a week.
    one_a_week = settings(weekly=1)
    result = dry_run_swap.swap_lead(session, interview.id, row.id, FINE, RECRUITER, one_a_week, NOW)
    assert not result.done
    assert "<@U0ZZFINE1> can no longer take it" in result.text
    assert [s.user_id for s in interview.panel] == [LEAD]


def test_a_scheduling_refusal_names_people_with_mentions() -> None:
    raw = "U0ZZFINE1 has 5 interviews in the week of 30 Nov 2026 (limit 5 a week); U0ZZFINE10 <is> fine"
    shown = dry_run_swap.with_mentions(raw, [FINE, LEAD])
    assert shown.startswith("<@U0ZZFINE1> has 5 interviews")
    assert "U0ZZFINE10 &lt;is&gt; fine" in shown


def test_ids_out_of_range_are_refused_before_the_database_is_asked(session: Session) -> None:
    for interview_id, dry_run_id in ((999_999_999_999, 1), (1, 2**31), (0, 1)):
        result = dry_run_swap.swap_lead(session, interview_id, dry_run_id, "", RECRUITER, settings(), NOW)
        assert (result.done, result.text) == (False, "That button is not one loopbot made: nothing changed.")
