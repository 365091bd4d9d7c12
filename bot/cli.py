"""The `loopbot` command line."""

from __future__ import annotations

import logging

import click

from bot.settings import load_settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """loopbot: structured interviewing for hiring teams, in Slack."""
    logging.basicConfig(
        level=load_settings().log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )


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
    migrate.upgrade(engine, revision)
    click.echo(f"database at {engine.url.render_as_string(hide_password=True)} is at {revision}")


def _register() -> None:
    # Each area keeps its commands in its own module; they are attached here.
    from bot import cli_commands

    for command in cli_commands.COMMANDS:
        main.add_command(command)


_register()
