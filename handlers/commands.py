"""`/loop`: help, schedule, status <candidate>, feedback, prep <candidate>, interviewers [type].

Replies are ephemeral."""

from __future__ import annotations

import difflib
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from blocks import limits
from blocks.home import pending_forms_message
from blocks.interviewers.roster import roster_message
from blocks.message import Message
from blocks.status import choose_candidate, status_message
from blocks.text import code, esc, flat
from bot.delivery import planner
from bot.deps import Deps
from bot.feedback.blind import can_see_feedback
from bot.feedback.logic import form_is_open, owes_feedback
from bot.guard import inputs
from bot.guard.envelope import COMMAND_TEXT_MAX
from bot.guard.errors import after_ack_safe
from bot.guard.trouble import UNREACHABLE
from bot.home.queries import load_home, load_status, recruits, runs_loops
from bot.interviewers.table import UnknownName, roster
from handlers.replies import (
    REFUSAL,
    after_ack,
    open_schedule_modal,
    read_or,
    reply_to_command,
    slack_response_url,
)
from models import (
    Candidate,
    CandidateLoop,
    FeedbackStatus,
    Interview,
    InterviewStatus,
    PanelSeat,
)

log = logging.getLogger("loopbot.commands")
HELP = esc(
    """*loopbot* runs structured interviews: prep before, feedback after, a fair debrief.
• `/loop feedback`: your feedback forms still to submit
• `/loop prep <candidate>`: your prep for that candidate's next interviews, again
• `/loop schedule [loop]`: schedule a candidate's loop (recruiters, hiring managers, admins)
• `/loop status <candidate>`: interviews, panel and who has submitted (the loop's recruiter,
  hiring manager, admins)
• `/loop interviewers [type]`: the interviewer pools: who is qualified or training, and their load
  this week (recruiters, admins)
• `/loop help`: this message
Your upcoming interviews and pending forms are also on the app's *Home* tab."""
)  # the <candidate> placeholders must not read as links


PREP_WAITING = (
    ":hourglass: loopbot's database is busy or unreachable, so your prep is not queued yet. loopbot keeps "
    "trying for a few minutes and says so here when it is on its way."
)
PREP_GAVE_UP = (
    ":warning: Your prep was not queued: loopbot could not reach its database. "
    "Nothing was sent; try `/loop prep` again in a few minutes."
)


def _text(text: str) -> Message:
    return Message(text=text, blocks=[SectionBlock(text=MarkdownTextObject(text=text))])


def _echo(query: str) -> str:
    """What the user typed, quoted back safely: escaped, one line, short."""
    return limits.truncate(esc(flat(query)), 100)


def find_loops(session: Session, query: str, manager: str | None = None) -> list[CandidateLoop]:
    """Candidate loops whose candidate name contains `query` (case-insensitive), newest first.

    With `manager`, only loops that user recruits or manages: filtered before the limit, so a
    user's own loop is never crowded out by other teams' candidates of the same name.
    """
    stmt = (
        select(CandidateLoop)
        .join(Candidate, CandidateLoop.candidate_id == Candidate.id)
        .where(func.lower(Candidate.name).contains(query.lower(), autoescape=True))
        .order_by(CandidateLoop.created_at.desc(), CandidateLoop.id.desc())
        .limit(20)
    )
    if manager is not None:
        stmt = stmt.where(or_(CandidateLoop.recruiter == manager, CandidateLoop.hiring_manager == manager))
    return list(session.scalars(stmt))


def status_reply(session: Session, user: str, query: str, deps: Deps) -> Message:
    """The status of the one candidate loop matching `query` that the user runs, or why not."""
    if not query:
        return _text("Which candidate? `/loop status &lt;candidate name&gt;`")
    admin = user in deps.settings.admins
    allowed = find_loops(session, query, None if admin else user)
    if not allowed:
        # The same answers whether or not someone else's candidate matches: names are not revealed.
        if not admin and not runs_loops(session, user):
            return _text(REFUSAL)
        return _text(f"No candidate matches “{_echo(query)}”.")
    exact = [cl for cl in allowed if cl.candidate.name.strip().lower() == query.lower()]
    pick = exact or allowed
    if len(pick) > 1:
        return choose_candidate(pick, query)
    item = load_status(session, pick[0].id)
    assert item is not None
    sees = can_see_feedback(session, item.cl.id, user, deps.settings.admins)
    return status_message(item.cl, item.submitted, deps.clock.now(), sees_feedback=sees)


def resend_prep(session: Session, user: str, query: str, deps: Deps) -> Message:
    """Queue the user's prep for the matching candidate's upcoming interviews (through the planner)."""
    if not query:
        return _text("Whose prep? `/loop prep &lt;candidate name&gt;`")
    now = deps.clock.now()
    seats = session.execute(
        select(Interview, PanelSeat)
        .join(PanelSeat, PanelSeat.interview_id == Interview.id)
        .join(CandidateLoop, Interview.candidate_loop_id == CandidateLoop.id)
        .join(Candidate, CandidateLoop.candidate_id == Candidate.id)
        .where(
            PanelSeat.user_id == user,
            PanelSeat.declined_at.is_(None),
            Interview.status == InterviewStatus.SCHEDULED,
            Interview.starts_at > now,
            func.lower(Candidate.name).contains(query.lower(), autoescape=True),
        )
        .order_by(Interview.starts_at)
        .limit(5)
    ).all()
    if not seats:
        return _text(f"You have no upcoming interview with a candidate matching “{_echo(query)}”.")
    for interview, _seat in seats:
        planner.plan_prep_resend(session, interview, user, now)
    n = len(seats)
    return _text(f":incoming_envelope: Your prep for {n} interview{'s' * (n != 1)} is on its way to your DM.")


def _feedback(session: Session, user: str, _query: str, deps: Deps) -> Message:
    now = deps.clock.now()
    home = load_home(session, user, now, deps.settings.admins)
    # The form opens when the interview starts (as on App Home), not when it ends.
    under_way = [
        item
        for item in home.upcoming
        if form_is_open(item.interview.starts_at, now)
        and owes_feedback(item.seat.role, declined=False)
        and (item.feedback is None or item.feedback.status != FeedbackStatus.SUBMITTED)
    ]
    return pending_forms_message(under_way + home.due, now, deps.settings.feedback_sla)


ROSTER_REFUSAL = (
    ":lock: Only recruiters (of a loop or a candidate's loop) and loopbot admins can see the interviewer "
    "roster. Ask your recruiting team, or a loopbot admin, for what you need to know."
)


def interviewers_reply(session: Session, user: str, query: str, deps: Deps) -> Message:
    """The interviewer roster (of one type when named), for recruiters and admins."""
    if not recruits(session, user, deps.settings.admins):
        return _text(ROSTER_REFUSAL)
    type_slug = query.split()[0].lower()[:100] if query.split() else None
    try:
        found = roster(
            session, deps.clock.now(), deps.settings.weekly_limit, deps.settings.daily_limit,
            type_slug=type_slug,
        )  # fmt: skip
    except UnknownName as exc:
        why = limits.truncate(esc(str(exc)), limits.SECTION_TEXT - 100)
        return _text(f"{why[:1].upper()}{why[1:]}. Try `/loop interviewers` for every type.")
    name = found.rows[0].type_name if type_slug and found.rows else type_slug or ""
    return roster_message(found, name)


REPLIES: dict[str, tuple[Callable[[Session, str, str, Deps], Message], bool]] = {
    "status": (status_reply, False),
    "feedback": (_feedback, False),
    "interviewers": (interviewers_reply, False),
    "prep": (resend_prep, True),  # writes to the outbox
}


def unknown_subcommand(sub: str) -> str:
    """What to say about `/loop <sub>` that is not a command: the closest one, if any is close."""
    known = ["schedule", *REPLIES, "help"]
    close = difflib.get_close_matches(sub, known, n=1, cutoff=0.6)
    hint = f" Did you mean `/loop {close[0]}`?" if close else ""
    return f":grey_question: {code('/loop ' + sub[:40])} is not a loopbot command.{hint}"


def handle_loop_command(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond | None = None
) -> None:
    """Route `/loop <sub> [args]`; help and unknown input are answered in the acknowledgement itself."""
    sub, _, rest = inputs.text(body.get("text"), COMMAND_TEXT_MAX, "command text").strip().partition(" ")
    sub = sub.lower()
    if sub != "schedule" and sub not in REPLIES:
        text = HELP if sub in ("", "help") else f"{unknown_subcommand(sub)}\n\n{HELP}"
        ack(text="loopbot: /loop help", blocks=_text(text).blocks_dicts(), response_type="ephemeral")
        return
    ack()
    deps: Deps = context["deps"]
    user = inputs.user_id(body.get("user_id"))
    channel = inputs.channel_id(body.get("channel_id"))
    log.info("command.loop sub=%s user=%s", sub, user)
    answer = (
        respond
        if slack_response_url(str(body.get("response_url") or ""), deps.settings.slack_api_url)
        else None
    )
    if sub == "schedule":
        note = open_schedule_modal(client, body, deps, user, rest)
        if note:
            reply_to_command(answer, client, channel, user, note, [])
        return
    build, writes = REPLIES[sub]
    query = rest.strip()

    def reply(message: Message) -> None:
        reply_to_command(answer, client, channel, user, message.text, message.blocks_dicts())

    def tell(text: str) -> None:
        reply_to_command(answer, client, channel, user, text, [])

    if not writes:
        reply(read_or(deps, lambda s: build(s, user, query, deps), _text(UNREACHABLE)))
        return
    retry = after_ack(context)

    def attempt() -> Message:
        with retry.sessions(deps.session_factory).begin() as s:
            return build(s, user, query, deps)

    retry.run(
        f"loop_{sub}", attempt, reply, waiting=lambda: tell(PREP_WAITING), gave_up=lambda: tell(PREP_GAVE_UP)
    )


def register(app: App) -> None:
    """Attach this surface's listeners to the app."""
    app.command("/loop")(after_ack_safe(handle_loop_command))
