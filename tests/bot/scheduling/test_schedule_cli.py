"""`loopbot schedule FILE`: suggested panels with reasons, people by email, load limits, unknown loops,
and lengths over a day, each answered at its line."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner, Result
from sqlalchemy import Engine

from bot.cli import main
from bot.standin import StandIn
from bot.standin.workspace import default_workspace
from tests.support.content_files import EXAMPLES, edit, line_of

SUGGEST = EXAMPLES.parent / "schedule-suggest.yaml"
TOKEN = "xoxb-schedule-test"


def ahead(tmp_path: Path, source: Path = SUGGEST) -> Path:
    """The example with its 2030 dates in a year still ahead (`loopbot schedule` refuses the past)."""
    year = max(2030, datetime.now(UTC).year + 1)
    target = tmp_path / source.name
    target.write_text(source.read_text().replace("start: 2030-", f"start: {year}-"))
    return target


def run(engine: Engine, *args: str, api: str | None = None) -> Result:
    env = {"DATABASE_URL": engine.url.render_as_string(hide_password=False), "SLACK_BOT_TOKEN": ""}
    if api:
        env.update(SLACK_API_URL=api, SLACK_BOT_TOKEN=TOKEN)
    return CliRunner().invoke(main, list(args), env=env)


def imported(engine: Engine) -> None:
    result = run(engine, "content", "import", "--placeholder-people", str(EXAMPLES))
    assert result.exit_code == 0, result.output


def test_suggested_panels_are_printed_with_reasons(fresh_engine: Engine, tmp_path: Path) -> None:
    imported(fresh_engine)
    result = run(fresh_engine, "schedule", str(ahead(tmp_path)))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "  suggested for interviews.1 (system-design):" in out
    assert "    U0ENGLEAD1 as lead: lowest load: 0 this week, 0 that day" in out
    assert "    U0ENGLEAD2 as interviewer: lowest load: 0 this week, 0 that day" in out
    assert "  suggested for interviews.2 (pairing):" in out
    # the system design's people are on this candidate already
    assert "    U0ENGPEER1 as lead: lowest load: 0 this week, 0 that day" in out
    assert "    U0ENGTRAIN as shadow: trainee: shadowed 0/2" in out
    assert "no interviewer of Pairing exercise is free" in out


def test_over_a_limit_the_file_fails_with_the_load(fresh_engine: Engine, tmp_path: Path) -> None:
    imported(fresh_engine)
    first = ahead(tmp_path)
    assert run(fresh_engine, "schedule", str(first)).exit_code == 0
    # U0ENGTRAIN takes one interview a day: another candidate's pairing that day, as a named shadow
    second = tmp_path / "second.yaml"
    named = (
        "T16:00:00+00:00\n    panel:\n      - user: U0ENGPEER1\n        role: lead\n"
        "      - user: U0ENGTRAIN\n        role: shadow"
    )
    second.write_text(
        first.read_text()
        .replace("Grace Hopper", "Alan Turing")
        .replace("T10:00:00", "T08:00:00")
        .replace("T14:00:00+00:00\n    panel: suggest", named)
    )
    result = run(fresh_engine, "schedule", str(second))
    assert result.exit_code == 1
    line = line_of(second, "user: U0ENGTRAIN")
    year = max(2030, datetime.now(UTC).year + 1)
    assert (
        f"{second}:{line}: interviews.2.panel.1.user: U0ENGTRAIN has 1 interview on 12 Mar {year} "
        "(limit 1 a day); this would make 2: choose someone else, or raise their limit in the pool file"
    ) in result.output
    assert "nothing scheduled" in result.output


def test_unknown_loop_lists_the_loops_and_the_closest(fresh_engine: Engine, tmp_path: Path) -> None:
    imported(fresh_engine)
    path = ahead(tmp_path)
    line = edit(path, "loop: software-engineer", "loop: software-enginer")
    result = run(fresh_engine, "schedule", str(path))
    assert result.exit_code == 1
    assert (
        f"{path}:{line}: loop: unknown loop 'software-enginer' (loops: developer-advocate, "
        "infrastructure-manager, software-engineer); did you mean 'software-engineer'?"
    ) in result.output


def test_a_length_over_a_day_is_refused_at_its_line(fresh_engine: Engine, tmp_path: Path) -> None:
    path = ahead(tmp_path)
    line = edit(path, "    panel: suggest\n", "    duration_minutes: 100000\n    panel: suggest\n")
    result = run(fresh_engine, "schedule", str(path))
    assert result.exit_code == 1
    assert (
        f"{path}:{line}: interviews.1.duration_minutes: 100000 minutes is longer than a day: give the "
        "length in minutes, at most 1440"
    ) in result.output


def test_people_by_email_offline_and_through_slack(fresh_engine: Engine, tmp_path: Path) -> None:
    imported(fresh_engine)
    path = ahead(tmp_path)
    edit(path, "      - user: U0HIRINGMGR", "      - user: hugo@example.com")
    recruiter = edit(
        path,
        "loop: software-engineer",
        "loop: software-engineer\nrecruiter: nobody@example.com\nhiring_channel: C0HIRING",
    )
    line = line_of(path, "user: hugo@example.com")
    result = run(fresh_engine, "schedule", str(path))
    assert result.exit_code == 1
    assert (
        f"{path}:{line}: interviews.0.panel.0.user: 'hugo@example.com' is an email: set SLACK_BOT_TOKEN "
        "so loopbot can look it up, or use a member id"
    ) in result.output
    # users.lookupByEmail answers users_not_found for an unknown email
    # (docs.slack.dev/reference/methods/users.lookupByEmail)
    with StandIn(default_workspace(auto_users=True), tokens=[TOKEN]) as slack:
        result = run(fresh_engine, "schedule", str(path), api=slack.url)
        assert result.exit_code == 1
        prefix = f"{path}:{recruiter + 1}: recruiter: no member of the workspace is 'nobody@example.com'"
        assert prefix in result.output
        assert "hugo@example.com" not in result.output  # found
        edit(path, "recruiter: nobody@example.com", "recruiter: rosa@example.com")
        result = run(fresh_engine, "schedule", str(path), api=slack.url)
    assert result.exit_code == 0, result.output
    assert "U0HMANAGE (lead" in result.output
