"""The CLI answers database trouble with one line that says what to do, not a traceback."""

from __future__ import annotations

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
