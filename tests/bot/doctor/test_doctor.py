"""`loopbot doctor` against the stand-in: a line per check, what to do for each failure, exit 1 if any."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session

from bot.cli import main
from bot.doctor import checks
from bot.doctor.run import manifest_scopes
from bot.standin import Channel, StandIn, default_workspace
from models import Loop
from tests.support import factories
from tests.support.databases import new_database_url

TOKEN = "xoxb-doctor-test"


def add_loop(engine: Engine, slug: str, channel: str, recruiter: str, manager: str) -> None:
    with engine.begin() as conn, Session(bind=conn) as s:
        r = factories.rubric(s, slug=f"r-{slug}")
        s.add(
            Loop(
                slug=slug,
                name=slug,
                role=slug,
                rubric=r,
                hiring_channel=channel,
                recruiter=recruiter,
                hiring_manager=manager,
            )
        )
        s.commit()


def doctor(engine: Engine, api: str, token: str = TOKEN) -> Result:
    env = {
        "DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "SLACK_API_URL": api,
        "SLACK_BOT_TOKEN": token,
    }
    return CliRunner().invoke(main, ["doctor"], env=env)


def test_all_green_for_a_ready_workspace(fresh_engine: Engine) -> None:
    add_loop(fresh_engine, "infra", "C0HIRING", "U0RECRUIT", "U0HMANAGE")
    with StandIn(tokens=[TOKEN]) as slack:
        result = doctor(fresh_engine, slack.url)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[-1] == "all 7 checks passed: loopbot is ready for this workspace"
    assert all(line.startswith("ok") for line in lines[:-1]), result.output
    assert any("hiring channel C0HIRING (infra): #hiring-infra-manager" in line for line in lines)


def test_each_problem_gets_its_own_line_and_what_to_do(fresh_engine: Engine) -> None:
    add_loop(fresh_engine, "swe", "C0NOTHERE", "U0NOBODY", "U0GONEAWAY")
    add_loop(fresh_engine, "devrel", "C0OUTSIDE", "U0RECRUIT", "U0HMANAGE")
    ws = default_workspace()
    ws.add_channel(Channel("C0OUTSIDE", "hiring-devrel", bot_member=False))
    with StandIn(ws, tokens=[TOKEN], scopes=manifest_scopes() - {"groups:read"}) as slack:
        result = doctor(fresh_engine, slack.url)
    assert result.exit_code == 1
    out = result.output
    assert "FAIL scopes: the token lacks groups:read" in out
    assert "FAIL hiring channel C0NOTHERE (swe): not found (channel_not_found)" in out
    assert "/invite @loopbot" in out
    assert "FAIL hiring channel C0OUTSIDE (devrel): loopbot is not in #hiring-devrel" in out
    assert "FAIL recruiter of swe U0NOBODY: no such member (user_not_found)" in out
    assert "FAIL hiring manager of swe U0GONEAWAY: Former Employee is deactivated" in out
    assert "ok   recruiter of devrel U0RECRUIT" in out
    assert "checks failed; fix them and run `loopbot doctor` again" in out


@pytest.mark.parametrize(
    ("token", "said"),
    [
        ("", "SLACK_BOT_TOKEN is not set"),
        ("xoxb-your-bot-token", "SLACK_BOT_TOKEN is not a bot token"),
        ("xapp-1-A0-123", "SLACK_BOT_TOKEN is not a bot token"),
        ("xoxb-revoked", "Slack refused the token: invalid_auth"),
    ],
)
def test_a_bad_token_stops_the_slack_checks(fresh_engine: Engine, token: str, said: str) -> None:
    with StandIn(tokens=[TOKEN]) as slack:
        result = doctor(fresh_engine, slack.url, token)
    assert result.exit_code == 1
    assert f"FAIL token: {said}" in result.output
    assert "scopes" not in result.output


def test_slack_unreachable_is_one_line(fresh_engine: Engine) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens there once the socket closes
    result = doctor(fresh_engine, f"http://127.0.0.1:{port}/api/")
    assert result.exit_code == 1
    assert "FAIL token: cannot reach Slack" in result.output
    assert "Traceback" not in result.output


def test_an_unmigrated_database_is_reported(tmp_path: Path) -> None:
    engine = create_engine(new_database_url("sqlite", tmp_path))
    with StandIn(tokens=[TOKEN]) as slack:
        result = doctor(engine, slack.url)
    engine.dispose()
    assert result.exit_code == 1
    assert "FAIL database: the database schema is not at head (at empty)" in result.output
    assert "-> run `loopbot db upgrade`" in result.output


def test_the_clock_is_compared_with_slacks_date_header() -> None:
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    assert checks.clock({"Date": format_datetime(now - timedelta(seconds=3), usegmt=True)}, now).ok
    late = checks.clock({"Date": format_datetime(now - timedelta(seconds=42), usegmt=True)}, now)
    assert not late.ok
    assert late.detail == "this machine's clock is +42 s off Slack's"
