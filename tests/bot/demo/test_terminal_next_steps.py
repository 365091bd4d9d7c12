"""The demo's closing text points to the README's numbered connect path and to `loopbot doctor`."""

from __future__ import annotations

import io
import re
from pathlib import Path

from bot.demo import terminal

README = Path(__file__).resolve().parents[3] / "README.md"


def _readme_steps() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Connect a Slack workspace") :]
    section = section[: section.index("\n## ", 1)]
    return [title.rstrip(".") for title in re.findall(r"^\d+\. \*\*(.+?)\*\*", section, re.M)]


def test_the_steps_are_the_readmes_in_order() -> None:
    assert _readme_steps() == list(terminal.CONNECT_STEPS)
    doctor = list(terminal.CONNECT_STEPS).index("`loopbot doctor`") + 1
    assert f"`loopbot doctor` (step {doctor})" in terminal.next_steps()


def test_the_closing_text_names_the_section_and_what_doctor_checks() -> None:
    text = terminal.next_steps()
    assert 'README.md, "Connect a Slack workspace"' in text
    assert "every line says ok" in text
    # The old three-step text pointed at ./run.sh without admins, content, channels or doctor.
    assert "./run.sh" not in text
    assert "paste manifest.yml" not in text


def test_piped_the_closing_text_is_plain() -> None:
    out = io.StringIO()
    terminal.print_next_steps(terminal.console(file=out))
    printed = out.getvalue()
    assert "\x1b[" not in printed
    assert "  7. loopbot doctor\n" in printed
    assert printed.splitlines()[0].startswith("To run loopbot in your own Slack workspace, follow README.md")
