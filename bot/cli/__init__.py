"""The `loopbot` command line."""

from __future__ import annotations

import sys
from importlib.metadata import version
from typing import IO, Any

import click
from sqlalchemy import exc as sa_exc

from bot.settings import load_settings

PREFIX = "loopbot: "


def prefixed(exc: click.ClickException) -> click.ClickException:
    """Show `exc` as every loopbot error is shown: one line starting `loopbot: ` (click says `Error: `)."""
    if isinstance(exc, click.exceptions.NoArgsIsHelpError):  # that one is the help text, not an error
        return exc

    def show(file: IO[Any] | None = None) -> None:
        out = file or sys.stderr
        if isinstance(exc, click.UsageError) and exc.ctx is not None:
            click.echo(exc.ctx.get_usage(), file=out, color=exc.ctx.color)
            click.echo(f"Try '{exc.ctx.command_path} --help' for help.\n", file=out, color=exc.ctx.color)
        message = exc.format_message()
        click.echo(message if message.startswith(PREFIX) else PREFIX + message, file=out)

    setattr(exc, "show", show)  # noqa: B010 - the instance's own show, not the class's
    return exc


class LoopbotGroup(click.Group):
    """Errors as one `loopbot: ` line, database trouble naming what to do, instead of a traceback."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.ClickException as exc:  # bad options of the group itself
            raise prefixed(exc) from exc.__cause__

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:
            raise prefixed(exc) from exc.__cause__
        except (sa_exc.ArgumentError, sa_exc.OperationalError, sa_exc.ProgrammingError) as exc:
            from bot.db import database_problem

            raise prefixed(click.ClickException(database_problem(exc))) from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Each command's first sentence in full (wrapped), where click would cut it at the width."""
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, cmd.get_short_help_str(limit=1000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(
    cls=LoopbotGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}
)
@click.version_option(
    version("loopbot"), "-V", "--version", prog_name="loopbot", message="%(prog)s %(version)s"
)
def main() -> None:
    """loopbot: structured interviewing for hiring teams, in Slack."""
    from bot.guard.logs import configure

    configure(load_settings().log_level)  # one line per record, whatever a request put in it


@main.group()
def db() -> None:
    """Manage the database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Alembic revision to upgrade to.")
def db_upgrade(revision: str) -> None:
    """Apply database migrations (DATABASE_URL)."""
    from bot import migrate
    from bot.db import make_engine

    engine = make_engine(load_settings().database_url)
    try:
        migrate.upgrade(engine, revision)
    finally:
        engine.dispose()
    click.echo(f"database at {engine.url.render_as_string(hide_password=True)} is at {revision}")


def _register() -> None:
    # Each area keeps its commands in its own module; they are attached here.
    from bot.cli import commands

    for command in commands.COMMANDS:
        main.add_command(command)


_register()
