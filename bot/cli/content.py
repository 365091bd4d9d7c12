"""CLI commands: `content validate|import|schema|docs` and `schedule`."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click
from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.content.bundle import Bundle
from bot.content.focus import report_lines
from bot.content.loader import load_content, problem_lines
from bot.content.schema import json_schema
from bot.settings import load_settings

if TYPE_CHECKING:
    from bot.content.people import Found, Lookup
    from bot.scheduling import ScheduleRequest
    from bot.scheduling.compare import Change
    from bot.settings import Settings
    from models import CandidateLoop


@click.group()
def content() -> None:
    """Check, import and describe content files (rubrics, questions, sets, interview types, loops)."""


def _report(bundle: Bundle) -> None:
    for line in problem_lines(bundle.problems):
        click.echo(line)


def _summary(bundle: Bundle) -> str:
    counts = [
        (len(bundle.rubrics), "rubric"),
        (len(bundle.questions), "question"),
        (len(bundle.question_sets), "question set"),
        (len(bundle.interview_types), "interview type"),
        (len(bundle.loops), "loop"),
        (len(bundle.pools), "interviewer pool"),
    ]
    return ", ".join(f"{n} {what}{'' if n == 1 else 's'}" for n, what in counts)


@content.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(paths: tuple[Path, ...]) -> None:
    """Check files (or directories, recursively): every problem as file:line: field: message, then what
    each stage of each loop assesses."""
    bundle = load_content(paths)
    _report(bundle)
    if any(p.unread for p in bundle.problems):
        # With items missing, "what each stage assesses" would be wrong, so it waits for a clean read.
        click.echo("what each stage assesses is shown once every file can be read")
    else:
        for line in report_lines(bundle):
            click.echo(line)
    errors, warnings = len(bundle.errors), len(bundle.warnings)
    if errors:
        raise click.ClickException(f"{errors} error(s), {warnings} warning(s)")
    click.echo(f"ok: {_summary(bundle)} ({warnings} warning(s))")


@content.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--if-empty", is_flag=True, help="Import only when the database has no loops yet.")
@click.option(
    "--placeholder-people",
    is_flag=True,
    help="Keep member ids Slack does not know, with a warning (for seeding the bundled examples).",
)
def import_(paths: tuple[Path, ...], if_empty: bool, placeholder_people: bool) -> None:
    """Validate, then upsert everything by slug in one transaction (DATABASE_URL); all or nothing.

    People named by email are looked up in the workspace (SLACK_BOT_TOKEN), and with a token every
    recruiter and hiring manager must be a member: an unknown one is an error at its line.
    """
    from bot.db import opened

    with opened(load_settings().database_url) as factory:
        _import(factory, paths, if_empty, placeholder_people)


def _slack_checks(bundle: Bundle, placeholder_people: bool) -> None:
    """People looked up, and loopbot in every hiring channel (joined if public), when Slack can be asked."""
    from slack_sdk.errors import SlackApiError

    from bot.app import make_client
    from bot.content.people import offline, resolve_people, slack_lookup

    settings = load_settings()
    client = make_client(settings) if settings.slack_bot_token else None
    try:
        resolve_people(
            bundle, slack_lookup(client) if client else offline, unknown_is_warning=placeholder_people
        )
        if client is not None and not bundle.errors:  # joining is a side effect: only for an import
            _channels(client, bundle)
    except (SlackApiError, OSError) as exc:
        reason = exc.response.get("error") if isinstance(exc, SlackApiError) else exc
        raise click.ClickException(f"cannot ask Slack ({reason}); nothing imported") from None


def _channels(client: WebClient, bundle: Bundle) -> None:
    """A warning at each loop whose hiring channel loopbot cannot post in (scheduling refuses it)."""
    from bot.channels.membership import ensure_member

    seen: dict[str, str] = {}
    for item in bundle.loops.values():
        channel = item.model.hiring_channel
        if not channel:
            continue
        if channel not in seen:
            found = ensure_member(client, channel)
            seen[channel] = found.problem
            if found.joined:
                click.echo(
                    f"loopbot joined #{found.name} ({channel}), the hiring channel of {item.model.slug}"
                )
        if seen[channel]:
            bundle.problems.append(item.doc.problem(("hiring_channel",), seen[channel], warning=True))


def _import(
    factory: sessionmaker[Session], paths: tuple[Path, ...], if_empty: bool, placeholder: bool
) -> None:
    from bot.content.importer import ContentImportError, database_has_loops, import_bundle

    if if_empty:
        with factory() as s:
            if database_has_loops(s):
                click.echo("content: the database already has loops; nothing imported (--if-empty)")
                return
    bundle = load_content(paths)
    if not bundle.errors:
        _slack_checks(bundle, placeholder)
    _report(bundle)
    if bundle.errors:
        raise click.ClickException(f"{len(bundle.errors)} error(s); nothing imported")
    try:
        with factory.begin() as s:
            report = import_bundle(s, bundle)
    except ContentImportError as exc:
        raise click.ClickException(f"{exc}; nothing imported") from None
    click.echo(f"imported: {report}")


@content.command("schema")
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write to this file instead of stdout.")
def schema(output: Path | None) -> None:
    """Print the JSON Schema of a content document (for editors)."""
    _write(schema_text(), output)


@content.command("docs")
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write to this file instead of stdout.")
def docs(output: Path | None) -> None:
    """Print the guide to the content format, every field included (examples/content/README.md)."""
    from bot.content.docs import guide

    _write(guide(), output)


def _write(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from exc


def schema_text() -> str:
    """The exported JSON Schema, exactly as committed in examples/content/loopbot.schema.json."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


@click.command("schedule")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option(
    "--update",
    is_flag=True,
    help="If the candidate is already scheduled on the loop, apply the file's moves and reassignments.",
)
def schedule(file: Path, update: bool) -> None:
    """Schedule a candidate's loop from a YAML file (DATABASE_URL); see examples/schedule.yaml.

    Scheduling the same candidate on the same loop again changes nothing: the differences are shown,
    and `--update` applies them (moves and reassignments; anything else goes through /loop status).
    People may be named by email when SLACK_BOT_TOKEN is set; `panel: suggest` lets loopbot choose
    an interview's panel from its type's pool, and says who and why.
    """
    from bot.clock import SystemClock
    from bot.content.schedule_file import load_schedule, locate
    from bot.db import opened
    from bot.scheduling import SchedulingError
    from bot.scheduling.create import existing_schedule
    from bot.scheduling.lock import hold_scheduling_lock

    settings = load_settings()
    request, doc, problems = load_schedule(file, _people_lookup(settings))
    for problem in problems:
        click.echo(str(problem))
    if request is None or doc is None:
        raise click.ClickException(f"{len(problems)} error(s); nothing scheduled")
    now = SystemClock().now()
    refused = _channel_refusal(settings, request)
    if refused:
        click.echo(str(doc.problem(("hiring_channel",), refused)))
        raise click.ClickException("1 error(s); nothing scheduled")
    found = None
    try:
        with opened(settings.database_url) as factory, factory.begin() as s:
            hold_scheduling_lock(s)  # before anything reads panels (bot/scheduling/lock.py)
            found = existing_schedule(s, request)
            if found is not None:
                lines = _update(s, *found, request, update, settings, now)
            else:
                lines = _schedule_new(s, request, settings, now)
    except SchedulingError as exc:
        for problem in locate(doc, exc.problems):
            click.echo(str(problem))
        what = "nothing updated" if found is not None else "nothing scheduled"
        raise click.ClickException(f"{len(exc.problems)} error(s); {what}") from None
    for line in lines:
        click.echo(line)


def _people_lookup(settings: Settings) -> Lookup:
    """Who a schedule file names, looked up in Slack when it can be asked (emails need it)."""
    from slack_sdk.errors import SlackApiError

    from bot.app import make_client
    from bot.content.people import offline, slack_lookup

    if not settings.slack_bot_token:
        return offline
    ask = slack_lookup(make_client(settings))

    def lookup(who: str) -> Found:
        try:
            return ask(who)
        except (SlackApiError, OSError) as exc:
            reason = exc.response.get("error") if isinstance(exc, SlackApiError) else exc
            raise click.ClickException(
                f"cannot ask Slack about {who} ({reason}); nothing scheduled"
            ) from None

    return lookup


def _schedule_new(s: Session, request: ScheduleRequest, settings: Settings, now: datetime) -> list[str]:
    """Schedule a new candidate loop (suggested panels filled first); what `schedule` prints."""
    from bot.scheduling import SchedulingError, schedule_loop
    from bot.scheduling.create import fill_suggested

    filled = fill_suggested(s, request, settings)
    if filled.problems:
        raise SchedulingError(filled.problems)
    cl = schedule_loop(s, filled.request, settings, now)
    lines = [f"scheduled {request.candidate} ({request.loop}): candidate loop {cl.id}"]
    lines += [
        f"  {i.stage_key}: {i.guidance['type_name']} at {i.starts_at.isoformat()} - "
        + ", ".join(f"{seat.user_id} ({seat.role}, {seat.kit['slug'] or 'no kit'})" for seat in i.panel)
        for i in cl.interviews
    ]
    for n, suggestion in filled.suggested:
        lines.append(f"  suggested for interviews.{n} ({request.interviews[n].stage}):")
        lines += [f"    {p.user} as {p.role.replace('_', ' ')}: {p.reason}" for p in suggestion.picks]
        lines += [f"    {note}" for note in suggestion.notes]
    return lines


def _channel_refusal(settings: Settings, request: ScheduleRequest) -> str:
    """Why loopbot could not post this loop's digest (it joins a public channel); "" without a token."""
    from slack_sdk.errors import SlackApiError

    from bot.app import make_client
    from bot.channels.membership import ensure_member
    from bot.db import opened
    from models import Loop

    if not settings.slack_bot_token:
        return ""
    channel = request.hiring_channel
    if not channel:
        with opened(settings.database_url) as factory, factory() as s:
            channel = s.scalar(select(Loop.hiring_channel).where(Loop.slug == request.loop)) or ""
    if not channel:
        return ""
    try:
        found = ensure_member(make_client(settings), channel)
    except (SlackApiError, OSError) as exc:
        reason = exc.response.get("error") if isinstance(exc, SlackApiError) else exc
        raise click.ClickException(
            f"cannot ask Slack about the hiring channel ({reason}); nothing scheduled"
        ) from None
    if found.joined:
        click.echo(f"loopbot joined #{found.name} ({channel}), the hiring channel")
    return found.problem


def _update(
    s: Session,
    cl: CandidateLoop,
    changes: list[Change],
    request: ScheduleRequest,
    update: bool,
    settings: Settings,
    now: datetime,
) -> list[str]:
    """What `schedule` says (and, with --update, does) when the candidate's loop already exists."""
    from bot.scheduling import SchedulingError, move_interview, reassign_panelist
    from bot.scheduling.create import scheduled_interviews, update_clashes

    head = f"{cl.candidate.name} is already scheduled on this loop (candidate loop {cl.id})"
    if not changes:
        return [f"{head}; nothing would change"]
    click.echo(f"{head}; the file differs:")
    for change in changes:
        click.echo(f"  {change.text}")
    if not update:
        raise click.ClickException(
            f"already scheduled; run with --update to apply the {len(changes)} changes above"
        )
    manual = [c for c in changes if not c.applicable]
    if manual:
        raise click.ClickException(
            f"{len(manual)} of these changes cannot be applied from a file (adding or removing interviews or "
            "panelists, changing a length); make them from /loop status; nothing updated"
        )
    clashes = update_clashes(s, cl, request)
    if clashes:
        raise SchedulingError(clashes)
    interviews = scheduled_interviews(cl)
    done = []
    for change in changes:
        assert change.index is not None  # moves and reassignments are of a scheduled interview
        interview = interviews[change.index]
        try:
            if change.kind == "move":
                assert change.start is not None
                move_interview(s, interview.id, change.start, settings, now, actor=cl.recruiter)
            else:
                reassign_panelist(
                    s, interview.id, change.old_user, change.new_user, settings, now, actor=cl.recruiter
                )
        except SchedulingError as exc:
            raise click.ClickException(f"{change.text}: {exc}; nothing updated") from None
        done.append(f"  {change.text}")
    return [f"updated candidate loop {cl.id}: {len(done)} change(s) applied", *done]


COMMANDS: list[click.Command] = [content, schedule]
