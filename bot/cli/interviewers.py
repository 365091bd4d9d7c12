"""CLI commands: `loopbot interviewers` (the roster), `interviewers qualify|unqualify USER TYPE --reason`."""

from __future__ import annotations

import getpass
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import click
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.interviewers.table import Roster, RosterRow, UnknownName, roster, unknown
from bot.settings import load_settings
from models import InterviewType, MemberState

COLUMNS = ("person", "type", "state", "pools", "sessions", "agreement", "load this week")
NO_POOLS = (
    "No interviewer pools yet: add a `kind: interviewer_pool` file (see examples/content/README.md) "
    "and run loopbot content import"
)


@contextmanager
def _database() -> Iterator[sessionmaker[Session]]:
    from bot.db import opened

    with opened(load_settings().database_url) as factory:
        yield factory


def state_text(row: RosterRow) -> str:
    """`qualified`, `trainee (override)`: the source is shown when it is not the pool file."""
    state = str(row.state).replace("_", " ")
    return state if row.source == "content" else f"{state} ({row.source})"


def cells(row: RosterRow) -> tuple[str, ...]:
    load = row.load_text() + (" (over)" if row.over_limit else "")
    pools = ", ".join(row.pools) or "-"
    return (row.user, row.type_slug, state_text(row), pools, row.sessions(), row.agreement(), load)


def plain_table(rows: Sequence[Sequence[str]]) -> str:
    """A left-aligned text table with a header, for pipes and files."""
    widths = [max(len(r[i]) for r in [COLUMNS, *rows]) for i in range(len(COLUMNS))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in [COLUMNS, *rows]
    )


def _rich_table(rows: Sequence[Sequence[str]]) -> Table:
    table = Table(box=box.SIMPLE_HEAD)
    for name in COLUMNS:
        table.add_column(name)
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))  # content is untrusted: never rich markup
    return table


def _week(found: Roster) -> str:
    start = found.week[0]
    return f"load: interviews in the week of {start:%Y-%m-%d} (Monday to Sunday, UTC)"


@click.group("interviewers", invoke_without_command=True)
@click.option("--pool", help="Only this pool (its slug).")
@click.option("--type", "type_slug", help="Only this interview type (its slug).")
@click.pass_context
def interviewers(ctx: click.Context, pool: str | None, type_slug: str | None) -> None:
    """Show the interviewer pools: state, training and agreement per interview type, and this week's load."""
    if ctx.invoked_subcommand is not None:
        # A qualification is per person and type, in every pool: filters would only seem to narrow it.
        given = [f for f, v in (("--pool", pool), ("--type", type_slug)) if v]
        if given:
            verb = "filters" if len(given) == 1 else "filter"
            command = ctx.invoked_subcommand
            raise click.ClickException(
                f"{' and '.join(given)} only {verb} the table; `{command}` changes USER for TYPE in every "
                f"pool: nothing changed. Run `loopbot interviewers {command} USER TYPE "
                "--reason ...` without them."
            )
        return
    from bot.clock import SystemClock

    settings = load_settings()
    with _database() as factory, factory() as s:
        try:
            now = SystemClock().now()
            found = roster(s, now, settings.weekly_limit, settings.daily_limit, pool, type_slug)
        except UnknownName as exc:
            raise click.ClickException(str(exc)) from None
    if not found.pools and not found.rows:
        click.echo(NO_POOLS)
        return
    if not found.rows:
        where = " and ".join(x for x in (pool and f"pool {pool}", type_slug and f"type {type_slug}") if x)
        click.echo(f"nobody in {where or 'any pool'} yet")
        return
    rows = [cells(r) for r in found.rows]
    out = Console(markup=False, highlight=False, emoji=False)
    if out.is_terminal:
        out.print(_rich_table(rows))
        out.print(Text(_week(found), style="dim"))
    else:
        click.echo(plain_table(rows))
        click.echo(_week(found))


def _resolve_user(who: str) -> str:
    """A member id as given (checked with Slack when it can be asked), or an email looked up."""
    from slack_sdk.errors import SlackApiError

    from bot.app import make_client
    from bot.content.people import is_email, offline, slack_lookup
    from bot.guard.inputs import is_user_id

    settings = load_settings()
    if not settings.slack_bot_token:
        found = offline(who)
        if not found.problem and not is_user_id(found.user_id):
            raise click.ClickException(f"{who!r} is not a member id (like U0123ABCD) or an email")
    else:
        try:
            found = slack_lookup(make_client(settings))(who)
        except (SlackApiError, OSError) as exc:
            reason = exc.response.get("error") if isinstance(exc, SlackApiError) else exc
            raise click.ClickException(
                f"cannot ask Slack about {who!r} ({reason}); nothing changed"
            ) from None
    if found.problem:
        raise click.ClickException(found.problem if is_email(who) else f"{found.problem}; nothing changed")
    return found.user_id


def _override(who: str, type_slug: str, reason: str, state: MemberState) -> None:
    from bot.clock import SystemClock
    from bot.interviewers.override import override

    if not reason.strip():
        raise click.ClickException("--reason is empty: say why, it is recorded with the change")
    user = _resolve_user(who)
    by = f"cli:{getpass.getuser()}"
    with _database() as factory, factory.begin() as s:
        kinds = {t.slug: t for t in s.scalars(select(InterviewType))}
        kind = kinds.get(type_slug)
        if kind is None:
            raise click.ClickException(str(unknown("interview type", type_slug, kinds)))
        done = override(s, user, kind, state, by, reason.strip(), SystemClock().now())
    before = f"was {done.before.replace('_', ' ')}" if done.before else "had no state before"
    click.echo(f"{user} is now {done.after} for {done.type_name} ({before}); recorded as an override by {by}")


@interviewers.command("qualify")
@click.argument("user")
@click.argument("type_slug", metavar="TYPE")
@click.option("--reason", required=True, help="Why (recorded with the change).")
def qualify(user: str, type_slug: str, reason: str) -> None:
    """Qualify USER (member id or email) for interview type TYPE, overriding training; recorded with why."""
    _override(user, type_slug, reason, MemberState.QUALIFIED)


@interviewers.command("unqualify")
@click.argument("user")
@click.argument("type_slug", metavar="TYPE")
@click.option("--reason", required=True, help="Why (recorded with the change).")
def unqualify(user: str, type_slug: str, reason: str) -> None:
    """Make USER (member id or email) a trainee again for interview type TYPE; recorded with why."""
    _override(user, type_slug, reason, MemberState.TRAINEE)


COMMANDS: list[click.Command] = [interviewers]
