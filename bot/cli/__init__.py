"""The `loopbot` command line."""

from __future__ import annotations

import click
from sqlalchemy.exc import ArgumentError, OperationalError, ProgrammingError

from bot.settings import load_settings


class LoopbotGroup(click.Group):
    """Turns database trouble into one line naming what to do, instead of a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except ArgumentError as exc:
            raise click.ClickException(f"DATABASE_URL is invalid: {exc}") from None
        except (OperationalError, ProgrammingError) as exc:
            text = str(exc.orig)
            if "no such table" in text or "does not exist" in text:
                raise click.ClickException(
                    "the database has no loopbot schema yet: run `loopbot db upgrade` first"
                ) from None
            raise click.ClickException(f"cannot use the database at DATABASE_URL: {text}") from None


@click.group(cls=LoopbotGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
