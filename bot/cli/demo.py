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
    from rich.text import Text

    from bot.demo import script, terminal
    from bot.demo.page import PageFacts, build_page
    from bot.demo.runner import next_monday, run_demo
    from bot.demo.world import DemoError

    out, err = terminal.console(), terminal.console(stderr=True)
    begin = start.replace(tzinfo=UTC) if start else next_monday(datetime.now(UTC))
    try:
        # The bar goes to stderr, and only on a terminal: piped output stays the transcript alone.
        with terminal.simulation_progress(err) as bar:
            track = terminal.SimulationProgress(bar, begin, script.expected_end(begin))
            result = run_demo(start=begin, content=content, verbose=verbose, progress=track)
    except DemoError as exc:
        raise click.ClickException(str(exc)) from None
    transcript = result.transcript
    if not summary_only:
        terminal.print_intro(out)
        terminal.print_transcript(out, transcript)
        out.print("")
    out_dir.mkdir(parents=True, exist_ok=True)
    page = out_dir / "transcript.html"
    facts = PageFacts(
        started=result.started,
        finished=result.finished,
        ticks=result.ticks,
        calls=len(result.standin.calls),
        outbox=f"{len(result.outbox)} deliveries planned: {result.outbox_summary()}",
        missing=result.missing,
    )
    page.write_text(build_page(transcript, facts), encoding="utf-8")
    out.print(terminal.summary_table(transcript))
    out.print(
        f"Simulated {result.started:%a %d %b %H:%M} to {result.finished:%a %d %b %H:%M} UTC "
        f"in {result.ticks} dispatcher ticks; {len(result.standin.calls)} Web API calls to the stand-in."
    )
    for part in result.missing:
        out.print(Text(f"Not shown, this build lacks it: {part}", style="yellow"))
    out.print(f"Outbox: {facts.outbox}.")
    total = time.monotonic() - LOADED_AT
    out.print(
        Text(f"Finished in {total:.1f} s ({result.elapsed:.1f} s for the simulated week). HTML: ").append(
            str(page), style="bold"
        )
    )
    out.print("")
    terminal.print_next_steps(out)


COMMANDS: list[click.Command] = [demo]
