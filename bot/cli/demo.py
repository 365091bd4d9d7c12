"""CLI commands: demo."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from pathlib import Path

import click

from bot.demo import QUIET_LOGGERS

# Set when `loopbot` loads its commands, so the time printed includes start-up and imports.
LOADED_AT = time.monotonic()
CONNECT = """\
To run loopbot in your own Slack workspace (README, "Connect a Slack workspace"):
  1. api.slack.com/apps -> Create New App -> From an app manifest, and paste manifest.yml.
  2. Socket Mode (a laptop): set socket_mode_enabled: true in the manifest, create an app-level
     token (connections:write) and set SLACK_APP_TOKEN.
     HTTP mode (production): put your host in the manifest's request URLs.
  3. Install the app; set SLACK_BOT_TOKEN (xoxb-...) and SLACK_SIGNING_SECRET, then ./run.sh."""


@click.command("demo")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo-output"),
    show_default=True,
    help="Directory for transcript.html.",
)
@click.option(
    "--start",
    type=click.DateTime(formats=["%Y-%m-%dT%H:%M"]),
    default=None,
    help="Simulated start (UTC, e.g. 2030-03-04T07:00); default: 07:00 next Monday.",
)
@click.option(
    "--content",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Content to import (default: the repository's examples/content).",
)
@click.option("--summary-only", is_flag=True, help="Print who saw what, not every message.")
@click.option("--verbose", is_flag=True, help="Show loopbot's own logs too.")
def demo(
    out_dir: Path, start: datetime | None, content: Path | None, summary_only: bool, verbose: bool
) -> None:
    """Run the whole workflow offline: a local Slack stand-in, temporary SQLite, simulated time.

    A candidate's loop is scheduled from the example content; prep DMs go out, interviews end,
    simulated interviewers submit feedback (one late), and the digest is posted and updated.
    Prints what each person saw and writes the same as an HTML page.
    """
    # Before the imports: alembic logs its plugins at import time, and the transcript is the output.
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO if verbose else logging.ERROR)
    from bot.demo.runner import run_demo
    from bot.demo.workspace import cast
    from bot.demo.world import DemoError

    try:
        result = run_demo(
            start=start.replace(tzinfo=UTC) if start else None, content=content, verbose=verbose
        )
    except DemoError as exc:
        raise click.ClickException(str(exc)) from None
    transcript = result.transcript
    if not summary_only:
        click.echo("loopbot demo: a week of one candidate's interview loop, in simulated time.")
        click.echo("Each message is shown as its reader sees it, with dates in their own time zone.")
        for line in cast():
            click.echo(f"  {line}")
        click.echo("")
        click.echo(transcript.text())
        click.echo("")
    out_dir.mkdir(parents=True, exist_ok=True)
    page = out_dir / "transcript.html"
    page.write_text(transcript.html("loopbot demo: what everyone saw"), encoding="utf-8")
    click.echo("Who saw what:")
    for line in transcript.summary():
        click.echo(line)
    click.echo("")
    click.echo(
        f"Simulated {result.started:%a %d %b %H:%M} to {result.finished:%a %d %b %H:%M} UTC "
        f"in {result.ticks} dispatcher ticks; {len(result.standin.calls)} Web API calls to the stand-in."
    )
    for part in result.missing:
        click.echo(f"Not shown, this build lacks it: {part}")
    click.echo(f"Outbox: {len(result.outbox)} deliveries planned: {result.outbox_summary()}.")
    total = time.monotonic() - LOADED_AT
    click.echo(f"Finished in {total:.1f} s ({result.elapsed:.1f} s for the simulated week). HTML: {page}")
    click.echo("")
    click.echo(CONNECT)


COMMANDS: list[click.Command] = [demo]
