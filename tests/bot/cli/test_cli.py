"""The CLI answers database trouble with one line that says what to do, not a traceback."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///{tmp}/empty.db", "no loopbot schema yet: run `loopbot db upgrade` first"),
        ("not a url", "DATABASE_URL is invalid"),
        ("sqlite:////nonexistent-dir/x.db", "cannot use the database at DATABASE_URL"),
    ],
)
def test_database_trouble_is_one_line(tmp_path: Path, url: str, expected: str) -> None:
    result = CliRunner().invoke(main, ["deliveries"], env={"DATABASE_URL": url.format(tmp=tmp_path)})
    assert result.exit_code == 1
    assert expected in result.output
    assert "Traceback" not in result.output


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(main, ["--help"])
    for command in ("db", "content", "schedule", "serve", "deliveries", "demo"):
        assert f"  {command} " in result.output


def test_version_is_the_package_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"loopbot {version('loopbot')}\n"


def test_help_does_not_cut_command_descriptions() -> None:
    """Before: click cut each description at ~45 characters ("Run the whole workflow offline: a...")."""
    result = CliRunner().invoke(main, ["--help"], terminal_width=80)
    commands = result.output.split("Commands:")[1]
    assert "..." not in commands
    flat = " ".join(result.output.split())
    assert "a local Slack stand-in, temporary SQLite, simulated time." in flat
    assert "every loop's channel and people." in flat


@pytest.mark.parametrize(
    "args", [["no-such-command"], ["--no-such-option"], ["db", "upgrade", "--nope"], ["serve", "--port", "x"]]
)
def test_every_error_line_starts_with_loopbot(args: list[str]) -> None:
    result = CliRunner().invoke(main, args, env={"DATABASE_URL": "sqlite://"})
    assert result.exit_code == 2
    assert "Error:" not in result.output
    assert result.output.strip().splitlines()[-1].startswith("loopbot: ")


def run(args: list[str], url: str) -> str:
    env = {"DATABASE_URL": url, "SLACK_BOT_TOKEN": "xoxb-x", "SLACK_SIGNING_SECRET": "s"}
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result.output.strip().splitlines()[-1]


@pytest.mark.parametrize("url", ["mysql://u:secret@db/loopbot", "postgresql+psycopg2://u:secret@db/loopbot"])
def test_an_unsupported_driver_says_what_is_supported_alike_in_serve_and_db_upgrade(url: str) -> None:
    upgrade, serve = run(["db", "upgrade"], url), run(["serve"], url)
    assert upgrade == serve
    assert upgrade.startswith("loopbot: DATABASE_URL is invalid: ")
    assert "is not supported" in upgrade
    assert "sqlite" in upgrade
    assert "psycopg 3" in upgrade
    assert "secret" not in upgrade


def test_an_unusable_database_is_worded_alike_in_serve_and_db_upgrade() -> None:
    """Before: serve said "cannot read the database schema version (OperationalError: ...)" and db upgrade
    "Error: cannot use the database at DATABASE_URL: ..."."""
    url = "sqlite:////nonexistent-dir/x.db"
    upgrade, serve = run(["db", "upgrade"], url), run(["serve"], url)
    assert upgrade == serve
    assert upgrade == "loopbot: cannot use the database at DATABASE_URL: unable to open database file"
