"""CLI command: `loopbot doctor`, a line per check of this installation against the real workspace."""

from __future__ import annotations

import click

from bot.settings import load_settings


@click.command("doctor")
def doctor() -> None:
    """Check the token, its scopes, the clock, the database and every loop's channel and people."""
    from bot.app import make_client
    from bot.db import make_engine
    from bot.doctor.run import run

    settings = load_settings()
    engine = make_engine(settings.database_url)
    try:
        report = run(make_client(settings), settings.slack_bot_token, engine)
    finally:
        engine.dispose()
    for check in report:
        mark = click.style("ok  ", fg="green") if check.ok else click.style("FAIL", fg="red", bold=True)
        click.echo(f"{mark} {check.name}: {check.detail}")
        if not check.ok and check.fix:
            click.echo(f"     -> {check.fix}")
    failed = sum(not c.ok for c in report)
    if failed:
        raise click.ClickException(
            f"{failed} of {len(report)} checks failed; fix them and run `loopbot doctor` again"
        )
    click.echo(f"all {len(report)} checks passed: loopbot is ready for this workspace")


COMMANDS: list[click.Command] = [doctor]
