"""The story: Ada Lovelace's infrastructure-manager loop, from scheduling to the updated digest.

All times are relative to the simulated "now" (a Monday 07:00 UTC): the hiring manager confirms the
dry runs of the two first-time leads on Monday, interviews on Tuesday and Wednesday (a trainee in the
shadow seat of one), the digest at the deadline on Friday, one interviewer's late scorecard after it,
and with it the trainee's calibration card.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from blocks.ids import ActionId
from bot.demo.forms import Scorecard
from bot.demo.workspace import DIEGO, HIRING_MANAGER, KENJI, MARCUS, PRIYA, RECRUITER, SOFIA, person
from bot.demo.world import World
from bot.scheduling import InterviewIn, PanelistIn, ScheduleRequest, schedule_loop
from bot.settings import Settings
from models import CandidateLoop, PanelRole

CANDIDATE = "Ada Lovelace"
LOOP = "infrastructure-manager"
LATE = MARCUS
TRAINEE = DIEGO  # a trainee for the team interview (the demo's pool, bot/demo/pool.py)


@dataclass(frozen=True)
class Slot:
    """One interview of the story: stage, start (hours after Monday 00:00 UTC) and panel."""

    stage: str
    hours: float
    panel: tuple[tuple[str, PanelRole], ...]
    recording_consent: bool = False


SLOTS = (
    Slot("team-interviews", 24 + 9, ((KENJI, PanelRole.LEAD), (PRIYA, PanelRole.INTERVIEWER),
                                      (SOFIA, PanelRole.SHADOW)), recording_consent=True),
    Slot("team-interviews", 24 + 15, ((MARCUS, PanelRole.LEAD), (TRAINEE, PanelRole.SHADOW))),
    Slot("values", 48 + 9.5, ((PRIYA, PanelRole.LEAD), (KENJI, PanelRole.INTERVIEWER))),
    Slot("cross-functional", 48 + 15, ((DIEGO, PanelRole.LEAD), (SOFIA, PanelRole.INTERVIEWER))),
)  # fmt: skip

# Marcus's notes on the questions of his set (im-set-c) where the trainee will differ from him.
MARCUS_NOTES = {
    "im-cross-team-changes": "Told the other teams about the new deploy flow the week it shipped: no early "
    "consultation, no migration plan. Asked twice how the teams took it; nothing concrete.",
    "im-multitenant-releases": "A solid release cadence for the hosted service, but self-hosted upgrades "
    "were handled case by case, mostly by her alone.",
}
CARDS = {
    KENJI: Scorecard("yes", "Clear, concrete examples of running release infrastructure; strong on "
                     "strategy, a little thin on incident handling.", lean=2, ratings={"operations": 1}),
    PRIYA: Scorecard("strong_yes", "Outstanding on operations: automated away most of a team's toil and "
                     "measured it. Grew two engineers into leads.", lean=3),
    SOFIA: Scorecard("yes", "Listened well, asked good questions back, explained trade-offs to a "
                     "non-specialist audience without jargon.", lean=2),
    DIEGO: Scorecard("yes", "Worked through a disagreement with product calmly and kept the partner "
                     "team informed at every step.", lean=2, ratings={"strategy": "no_signal"}),
    MARCUS: Scorecard("no", "Deep hands-on knowledge, but described doing everything personally; little "
                      "evidence of growing the team or delegating.", lean=1, negative=True,
                      ratings={"running-the-team": 1, "operations": 2}, notes=MARCUS_NOTES),
}  # fmt: skip
# Diego's blind scorecard from the shadow seat of Marcus's interview: the same as Marcus on two
# categories, one step apart on operations, two on team member (the calibration card shows which).
TRAINEE_CARD = Scorecard("yes", "Real numbers on the infrastructure-as-code migration and calm, structured "
                         "answers; worked with the security team on the pipeline change.", lean=1,
                         ratings={"operations": 3, "team-member": 3})  # fmt: skip
# Priya's first try: no summary, no recommendation and one rating left out.
INCOMPLETE = Scorecard(None, "Great", lean=3, ratings={"strategy": ""})


def monday(start: datetime) -> datetime:
    """Midnight UTC of the simulated Monday."""
    return start.replace(hour=0, minute=0, second=0, microsecond=0)


def expected_end(start: datetime, digest_deadline: timedelta = timedelta(hours=48)) -> datetime:
    """About when the story ends (for a progress bar): the digest deadline after the last interview."""
    last = max(slot.hours for slot in SLOTS) + 1
    return monday(start) + timedelta(hours=last) + digest_deadline + timedelta(hours=1)


def schedule(world: World, settings: Settings) -> CandidateLoop:
    """The recruiter schedules the loop, with times relative to the simulated now."""
    base = monday(world.now())
    request = ScheduleRequest(
        candidate=CANDIDATE,
        loop=LOOP,
        recruiter=RECRUITER,
        hiring_manager=HIRING_MANAGER,
        interviews=[
            InterviewIn(
                stage=slot.stage,
                start=base + timedelta(hours=slot.hours),
                recording_consent=slot.recording_consent,
                panel=[PanelistIn(user=u, role=role) for u, role in slot.panel],
            )
            for slot in SLOTS
        ],
    )
    with world.session_factory.begin() as s:
        cl = schedule_loop(s, request, settings, world.now())
        lines = [
            f"{i.guidance.get('type_name')}: {i.starts_at:%a %d %b %H:%M} UTC, "
            + ", ".join(
                f"{person(p.user_id).name} ({p.role}, {p.kit.get('slug') or 'no set'})" for p in i.panel
            )
            for i in cl.interviews
        ]
    what = f"▶ schedules {CANDIDATE}'s {LOOP} loop ({len(lines)} interviews)"
    world.transcript.add(world.now(), RECRUITER, "action", what, lines)
    world.tick()
    return cl


def give_feedback(world: World, user: str, interview_id: int, card: Scorecard) -> None:
    view = world.open_feedback(user, interview_id)
    reply = world.submit(user, view, card)
    if (reply or {}).get("response_action") == "errors":
        raise RuntimeError(f"{person(user).name}'s feedback was refused: {reply}")


def run(world: World, settings: Settings) -> int:
    """Play the whole story; returns the candidate loop id."""
    base = monday(world.now())
    cl = schedule(world, settings)
    ids = [i.id for i in cl.interviews]
    ends = [i.ends_at for i in cl.interviews]
    at = base.__add__

    # Monday: Kenji and Marcus lead the team interview for the first time; the type asks for a dry run
    # with the hiring manager first, and Hugo confirms each one after rehearsing.
    world.run_until(at(timedelta(hours=10, minutes=30)))
    world.press(HIRING_MANAGER, ActionId.DRY_RUN_DONE, "Dry run done", about=KENJI)
    world.run_until(at(timedelta(hours=14, minutes=30)))
    world.press(HIRING_MANAGER, ActionId.DRY_RUN_DONE, "Dry run done", about=MARCUS)

    # Tuesday: the first team interview. Everyone gets prep (24h, 1h) then a feedback request.
    world.run_until(ends[0] + timedelta(minutes=10))
    give_feedback(world, KENJI, ids[0], CARDS[KENJI])
    world.run_until(ends[0] + timedelta(minutes=25))
    view = world.open_feedback(PRIYA, ids[0])
    world.submit(PRIYA, view, INCOMPLETE)  # inline errors; the modal stays open with what she typed
    world.run_until(ends[0] + timedelta(minutes=28))
    if (world.submit(PRIYA, view, CARDS[PRIYA]) or {}).get("response_action") == "errors":
        raise RuntimeError("Priya's corrected feedback was refused")
    world.run_until(ends[0] + timedelta(hours=1, minutes=30))
    give_feedback(world, SOFIA, ids[0], CARDS[SOFIA])  # a shadow: optional, and welcome

    # Marcus leads the second one and does not submit: reminders, then the escalation on Wednesday.
    # Diego, a trainee in its shadow seat, submits his blind scorecard; no calibration yet.
    world.run_until(ends[1] + timedelta(hours=1))
    give_feedback(world, TRAINEE, ids[1], TRAINEE_CARD)
    world.run_until(at(timedelta(hours=48 + 10, minutes=20)))
    give_feedback(world, PRIYA, ids[2], CARDS[PRIYA])
    world.run_until(at(timedelta(hours=48 + 10, minutes=35)))
    give_feedback(world, KENJI, ids[2], CARDS[KENJI])
    world.run_until(ends[3] + timedelta(minutes=15))
    give_feedback(world, SOFIA, ids[3], CARDS[SOFIA])
    world.run_until(ends[3] + timedelta(minutes=40))
    give_feedback(world, DIEGO, ids[3], CARDS[DIEGO])
    world.run_until(ends[3] + timedelta(minutes=50))
    if world.open_home(HIRING_MANAGER):  # after the escalation: the loop, and whose feedback is missing
        world.click(HIRING_MANAGER, ActionId.SHOW_STATUS, "Status", None, via_home=True)
        world.dismiss(HIRING_MANAGER)

    # Thursday: Marcus starts his scorecard and saves it for later.
    world.run_until(at(timedelta(hours=72 + 14)))
    home = world.open_home(LATE)  # what is due, overdue first
    view = world.open_feedback(LATE, ids[1], via_home=home)
    world.close(LATE, view, Scorecard(None, "Deep hands-on knowledge, but", lean=1, ratings={"strategy": ""}))

    # Friday: the deadline digest goes to the hiring channel, then Marcus's late scorecard updates it
    # and, now that both are in, Diego gets his calibration card.
    deadline = max(ends) + settings.digest_deadline
    world.run_until(deadline + timedelta(minutes=45))
    give_feedback(world, LATE, ids[1], CARDS[LATE])
    world.run_until(deadline + timedelta(hours=1))
    world.open_home(LATE)  # nothing due any more
    return cl.id
