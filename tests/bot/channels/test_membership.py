"""loopbot makes sure it is in each hiring channel: it joins a public one, and says how to invite it to a
private one (Slack: conversations.join works for public channels only, scope channels:join; a private channel
the app is not in answers channel_not_found). Checked at content import and at scheduling."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.channels.membership import ensure_member
from bot.cli import main
from bot.standin import Channel, StandIn, default_workspace
from tests.support.content_files import EXAMPLES, copy_examples, line_of

TOKEN = "xoxb-channels-test"


@pytest.fixture
def slack() -> Iterator[StandIn]:
    ws = default_workspace(auto_users=True)
    ws.add_channel(Channel("C0HIRINGSWE", "hiring-swe", bot_member=False))
    ws.add_channel(Channel("C0HIRINGDA", "hiring-devrel", is_private=True, bot_member=False))
    ws.add_channel(Channel("C0SECRET", "hiring-secret", is_private=True))
    with StandIn(ws, tokens=[TOKEN]) as server:
        yield server


def client_of(slack: StandIn) -> WebClient:
    return WebClient(token=TOKEN, base_url=slack.url, retry_handlers=[])


def test_a_public_channel_is_joined_once(slack: StandIn) -> None:
    client = client_of(slack)
    first = ensure_member(client, "C0HIRINGSWE")
    assert (first.ok, first.joined, first.name) == (True, True, "hiring-swe")
    again = ensure_member(client, "C0HIRINGSWE")
    assert (again.ok, again.joined) == (True, False)
    assert len(slack.calls_to("conversations.join")) == 1
    assert client.chat_postMessage(channel="C0HIRINGSWE", text="the digest")["ok"]


def test_a_private_channel_needs_an_invitation(slack: StandIn) -> None:
    found = ensure_member(client_of(slack), "C0HIRINGDA")
    assert not found.ok
    assert "it does not exist, or it is private and loopbot is not in it" in found.problem
    assert "`/invite @loopbot`" in found.problem
    assert slack.calls_to("conversations.join") == []
    assert ensure_member(client_of(slack), "C0SECRET").ok  # invited: fine


def test_an_archived_channel_is_refused(slack: StandIn) -> None:
    found = ensure_member(client_of(slack), "C0OLDROLE")
    assert found.problem == "#hiring-old-role is archived: choose a live hiring channel"


def test_content_import_joins_public_channels_and_warns_at_the_loop_for_the_rest(
    slack: StandIn, fresh_engine: Engine, tmp_path: Path
) -> None:
    root = copy_examples(tmp_path)
    env = {
        "DATABASE_URL": fresh_engine.url.render_as_string(hide_password=False),
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_API_URL": slack.url,
    }
    result = CliRunner().invoke(main, ["content", "import", "--placeholder-people", str(root)], env=env)
    assert result.exit_code == 0, result.output
    assert (
        "loopbot joined #hiring-swe (C0HIRINGSWE), the hiring channel of software-engineer" in result.output
    )
    loop = root / "developer-advocate" / "loop.yaml"
    assert (
        f"{loop}:{line_of(loop, 'hiring_channel:')}: warning: hiring_channel: loopbot cannot see C0HIRINGDA"
        in (result.output)
    )


def test_scheduling_from_a_file_refuses_a_channel_loopbot_cannot_post_in(
    slack: StandIn, fresh_engine: Engine, tmp_path: Path
) -> None:
    env = {
        "DATABASE_URL": fresh_engine.url.render_as_string(hide_password=False),
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_API_URL": slack.url,
    }
    runner = CliRunner()
    imported = runner.invoke(main, ["content", "import", "--placeholder-people", str(EXAMPLES)], env=env)
    assert imported.exit_code == 0, imported.output
    schedule = tmp_path / "schedule.yaml"
    text = (EXAMPLES.parent / "schedule.yaml").read_text().replace("C0HIRING", "C0HIRINGDA")
    schedule.write_text(text.replace("2030-", f"{datetime.now(UTC).year + 3}-"))
    result = runner.invoke(main, ["schedule", str(schedule)], env=env)
    assert result.exit_code == 1
    line = line_of(schedule, "hiring_channel:")
    assert f"{schedule}:{line}: hiring_channel: loopbot cannot see C0HIRINGDA" in result.output
    assert "`/invite @loopbot`" in result.output
    assert "nothing scheduled" in result.output
