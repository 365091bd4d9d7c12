"""The terminal transcript: rich styles on a terminal, plain text when piped, content never read as markup."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from rich.console import Console
from rich.progress import Progress

from bot.demo import terminal
from bot.demo import workspace as ws
from bot.demo.transcript import Transcript

T0 = datetime(2030, 3, 5, 9, 0, tzinfo=UTC)


def test_mrkdwn_marks_become_styles_and_are_dropped() -> None:
    text = terminal.styled("*Role:* lead, _shadow_ ~old~ `/loop` [Open feedback form] 2*3*4")
    assert text.plain == "Role: lead, shadow old /loop [Open feedback form] 2*3*4"
    styles = {text.plain[s.start : s.end]: str(s.style) for s in text.spans}
    assert styles == {
        "Role:": "bold",
        "shadow": "italic",
        "old": "strike",
        "/loop": "cyan",
        "[Open feedback form]": "bold green",
    }
    assert terminal.styled("HEADER").spans[0].style == "bold"
    assert terminal.styled("  (context)").spans[0].style == "dim"


def _transcript() -> Transcript:
    t = Transcript()
    t.add(T0, ws.KENJI, "dm", "direct message from loopbot", ["*Hi* [bold red]Eve[/bold red] :x:"])
    for user in (ws.KENJI, ws.RECRUITER):
        t.add(T0, user, "home-refresh", "App Home refreshed in the background")
    t.add(T0, ws.KENJI, "action", "▶ clicks [Submit]", ["Summary: fine"])
    return t


def test_piped_output_is_plain_text_and_content_is_never_markup() -> None:
    out = io.StringIO()
    console = terminal.console(file=out)
    terminal.print_transcript(console, _transcript())
    printed = out.getvalue()
    assert "\x1b[" not in printed
    assert "Hi [bold red]Eve[/bold red] :x:" in printed
    assert printed.count("App Home refreshed in the background for Kenji, Rosa") == 1
    assert "Tue 05 Mar 09:00 UTC · Kenji Tanaka ▶ clicks [Submit]" in printed
    assert console.width >= terminal.PIPE_WIDTH


def test_a_terminal_gets_styles() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, color_system="standard", markup=False)
    terminal.print_transcript(console, _transcript())
    assert "\x1b[1mHi\x1b[0m" in out.getvalue()


def test_the_summary_has_a_row_per_person_and_the_channel() -> None:
    out = io.StringIO()
    terminal.console(file=out).print(terminal.summary_table(_transcript()))
    table = out.getvalue()
    assert all(p.name in table for p in ws.PEOPLE)
    assert "1 DM" in table
    assert "1 form submitted" in table
    assert f"#{ws.HIRING_CHANNEL_NAME}" in table


def test_progress_follows_simulated_time() -> None:
    with Progress(console=terminal.console(file=io.StringIO())) as bar:
        track = terminal.SimulationProgress(bar, T0, T0.replace(hour=11))
        track(T0.replace(hour=10), 12)
        task = bar.tasks[0]
        assert (task.completed, task.total) == (3600, 7200)
        assert task.fields["clock"] == "Tue 05 Mar 10:00 UTC · 12 events"
        track(T0.replace(hour=23), 20)
        assert bar.tasks[0].completed == 7200
