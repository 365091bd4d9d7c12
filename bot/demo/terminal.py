"""The demo's terminal transcript through rich: bold, dim and colour on a terminal, plain text when piped.

Content is untrusted, so it is always handed to rich as `Text` (never parsed as rich markup).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import IO

from rich import box
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table
from rich.text import Text

from bot.demo import workspace as ws
from bot.demo.overview import saw
from bot.demo.story import PersonStory, arrange
from bot.demo.transcript import Entry, Transcript

INTRO = (
    "A week of one candidate's interview loop, in simulated time. Each message is shown as its reader "
    "sees it, with dates in their own time zone."
)
# mrkdwn emphasis in the plain lines, and [buttons]: one pattern, so spans never overlap.
_MARK = re.compile(
    r"(?P<code>`[^`\n]+`)|(?<![\w*])(?P<bold>\*(?!\s)[^*\n]+?(?<!\s)\*)(?![\w*])"
    r"|(?<![\w_])(?P<italic>_(?!\s)[^_\n]+?(?<!\s)_)(?![\w_])"
    r"|(?<![\w~])(?P<strike>~(?!\s)[^~\n]+?(?<!\s)~)(?![\w~])|(?P<button>\[[^\]\n]{1,80}\])"
)
STYLES = {"code": "cyan", "bold": "bold", "italic": "italic", "strike": "strike", "button": "bold green"}
PIPE_WIDTH = 120
HEADINGS = {"action": "cyan", "error": "bold red", "modal": "bold magenta", "home": "bold blue"}


def console(stderr: bool = False, file: IO[str] | None = None) -> Console:
    """A console that takes text literally: no rich markup, no auto-highlighting, no emoji codes."""
    out = Console(stderr=stderr, file=file, markup=False, highlight=False, emoji=False)
    if not out.is_terminal:
        out.width = max(out.width, PIPE_WIDTH)  # a file or pipe has no width: keep the table readable
    return out


def styled(line: str) -> Text:
    """One transcript line with its mrkdwn marks as terminal styles (markers dropped, buttons kept)."""
    text = Text()
    at = 0
    for m in _MARK.finditer(line):
        kind = m.lastgroup or "bold"
        text.append(line[at : m.start()])
        inner = m.group(0) if kind == "button" else m.group(0)[1:-1]
        text.append(inner, style=STYLES[kind])
        at = m.end()
    text.append(line[at:])
    if line.strip() == "---":
        return Text(line, style="dim")
    if line.lstrip().startswith("(") and line.rstrip().endswith(")"):
        text.stylize("dim")
    elif line and line == line.upper() and any(c.isalpha() for c in line):
        text.stylize("bold")
    return text


def _entry(e: Entry) -> Iterator[Text]:
    if e.kind == "action":
        yield Text("")
        yield Text(f"  {e.heading()}", style=HEADINGS["action"])
        for line in e.lines:
            yield Text(f"      {line}", style="dim")
        return
    yield Text("")
    yield Text(f"━━ {e.heading()}", style=HEADINGS.get(e.kind, "bold"))
    for line in e.lines:
        yield Text("   ").append_text(styled(line)) if line else Text("")


def transcript_lines(transcript: Transcript) -> Iterator[Text]:
    """Every entry; background App Home refreshes that follow each other become one dim line."""
    run: list[Entry] = []
    for e in [*transcript.entries, None]:
        if e is not None and e.kind == "home-refresh":
            run.append(e)
            continue
        if run:
            names = ", ".join(
                dict.fromkeys(ws.person(r.audience).first for r in run if r.audience in ws.BY_ID)
            )
            yield Text("")
            yield Text(
                f"  {run[0].at:%a %d %b %H:%M} UTC · App Home refreshed in the background for {names}", "dim"
            )
            run = []
        if e is not None:
            yield from _entry(e)


def print_intro(out: Console) -> None:
    out.print(Text("loopbot demo", style="bold"), Text(f": {INTRO}"), sep="")
    for p in ws.PEOPLE:
        out.print(Text("  "), Text(p.name, style="bold"), Text(f": {p.part}, {p.tz}", style="dim"), sep="")
    out.print(
        Text(f"  #{ws.HIRING_CHANNEL_NAME}", style="bold"), Text(": the hiring channel (UTC)", "dim"), sep=""
    )


def print_transcript(out: Console, transcript: Transcript) -> None:
    for line in transcript_lines(transcript):
        out.print(line, soft_wrap=True)


def did(ps: PersonStory) -> str:
    """What one person did, counted: forms submitted (and refused), drafts saved, App Homes opened."""
    titles = [i.entry.title for i in ps.stream if i.entry.kind == "action"]
    refused = sum(1 for i in ps.stream if i.entry.errors)
    parts = [
        (sum("[Submit]" in t for t in titles), "form submitted", f" ({refused} refused)" if refused else ""),
        (sum("[Save for later]" in t for t in titles), "draft saved", ""),
        (sum("App Home" in t and "opens" in t for t in titles), "App Home opened", ""),
        (sum(t.startswith("▶ schedules") for t in titles), "loop scheduled", ""),
        (sum("[Dry run done]" in t for t in titles), "dry run confirmed", ""),
    ]
    return ", ".join(f"{n} {what}{more}" for n, what, more in parts if n) or "-"


def summary_table(transcript: Transcript) -> Table:
    """Per person: what they saw and did, and their scorecards in the digest thread."""
    table = Table(title="Who saw what", box=box.SIMPLE_HEAD, title_justify="left", title_style="bold")
    for column in ("Person", "Part", "Saw", "Did", "Scorecards"):
        table.add_column(column)
    story = arrange(transcript)
    for ps in story.people:
        cards = str(len(ps.scorecards) or "")
        table.add_row(Text(ps.person.name, "bold"), ps.person.part, saw(ps), did(ps), cards)
    posts = len(story.channel) + sum(len(i.replies) for i in story.channel)
    table.add_row(Text(f"#{ws.HIRING_CHANNEL_NAME}", "bold"), "channel", f"{posts} posts", "", "")
    return table


def simulation_progress(out: Console) -> Progress:
    """A transient bar of simulated time; `track` turns it into the runner's progress callback."""
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[clock]}"),
        console=out,
        transient=True,
    )


class SimulationProgress:
    """The runner's progress callback, drawn as a bar from `start` to `end` in simulated time."""

    def __init__(self, progress: Progress, start: datetime, end: datetime) -> None:
        self.progress, self.start = progress, start
        total = max((end - start).total_seconds(), 1.0)
        self.task = progress.add_task("Simulating the week", total=total, clock=f"{start:%a %H:%M} UTC")

    def __call__(self, now: datetime, entries: int) -> None:
        done = min((now - self.start) / timedelta(seconds=1), self.progress.tasks[0].total or 0)
        clock = f"{now:%a %d %b %H:%M} UTC · {entries} events"
        self.progress.update(self.task, completed=done, clock=clock)


# The README's "Connect a Slack workspace" steps, by their titles (a test keeps them in step with it).
CONNECT_STEPS = (
    "Create the app",
    "Install it",
    "Name the admins",
    "Make the content yours",
    "Invite loopbot to each hiring channel",
    "Create the database and import",
    "`loopbot doctor`",
    "Run it",
    "Schedule a candidate",
)


def next_steps() -> str:
    """The closing text: where the path to a real workspace is, and the command that checks it."""
    steps = "\n".join(f"  {n}. {title}" for n, title in enumerate(CONNECT_STEPS, 1))
    return (
        'To run loopbot in your own Slack workspace, follow README.md, "Connect a Slack workspace":\n'
        f"{steps}\n"
        "`loopbot doctor` (step 7) checks the token, scopes, clock, database and each loop's channel and "
        "people, one line each with what to do; go on when every line says ok."
    )


def print_next_steps(out: Console) -> None:
    """The closing text, with `code` styled as in the transcript (plain text when piped)."""
    for line in next_steps().splitlines():
        out.print(styled(line), soft_wrap=True)
