"""`loopbot serve` refuses to start with one line (never a traceback) when Slack, the token, the port or
DATABASE_URL is wrong: the checks run at start, in HTTP and Socket Mode, and in the `--workers` parent."""

from __future__ import annotations

import logging
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import migrate, server
from bot.app import create_app
from bot.db import make_engine, make_session_factory
from bot.settings import Settings
from bot.standin import StandIn
from tests.wiring.test_serve import LOOPBOT, SECRET, TOKEN, env_for, free_port

REFUSED = "loopbot: Slack refused SLACK_BOT_TOKEN (invalid_auth): copy the Bot User OAuth Token from "


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'loopbot.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture
def standin() -> Iterator[StandIn]:
    with StandIn(tokens=[TOKEN]) as running:
        yield running


def settings_for(database: str, api_url: str, **extra: object) -> Settings:
    values: dict[str, object] = {
        "DATABASE_URL": database,
        "SLACK_API_URL": api_url,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_APP_TOKEN": "xapp-1-serve-test",
        "PORT": free_port(),
    }
    values.update(extra)
    return Settings(**values, _env_file=None)  # type: ignore[arg-type]


def unreachable_api() -> str:
    return f"http://127.0.0.1:{free_port()}/api/"


@pytest.mark.parametrize("mode", ["http", "socket", "workers"])
def test_a_token_slack_refuses_stops_the_start(database: str, standin: StandIn, mode: str) -> None:
    settings = settings_for(database, standin.url, SLACK_BOT_TOKEN="xoxb-revoked-long-ago")
    with pytest.raises(SystemExit) as stopped:
        start(settings, mode)
    assert str(stopped.value.code).startswith(REFUSED)
    assert [c.method for c in standin.calls] == ["auth.test"]


@pytest.mark.parametrize("mode", ["http", "socket", "workers"])
def test_a_placeholder_token_stops_the_start_without_asking_slack(
    database: str, standin: StandIn, mode: str
) -> None:
    settings = settings_for(database, standin.url, SLACK_BOT_TOKEN="xoxb-your-bot-token")
    with pytest.raises(SystemExit) as stopped:
        start(settings, mode)
    message = str(stopped.value.code)
    assert message.startswith("loopbot: SLACK_BOT_TOKEN is not a bot token"), message
    assert "copy the Bot User OAuth Token" in message
    assert standin.calls == []


@pytest.mark.parametrize("mode", ["http", "socket", "workers"])
def test_slack_unreachable_stops_the_start(database: str, mode: str) -> None:
    api = unreachable_api()
    with pytest.raises(SystemExit) as stopped:
        start(settings_for(database, api), mode)
    assert str(stopped.value.code).startswith(f"loopbot: cannot reach Slack at SLACK_API_URL ({api}): ")


def test_socket_mode_with_an_app_token_slack_refuses_is_one_line(database: str, standin: StandIn) -> None:
    """The stand-in has no apps.connections.open: Socket Mode's connect fails as a refusal would."""
    with pytest.raises(SystemExit) as stopped:
        server.serve_socket_mode(settings_for(database, standin.url))
    assert str(stopped.value.code).startswith("loopbot: Slack refused SLACK_APP_TOKEN (unknown_method): ")


def test_a_placeholder_app_token_stops_socket_mode(database: str, standin: StandIn) -> None:
    settings = settings_for(database, standin.url, SLACK_APP_TOKEN="xapp-your-app-token")
    with pytest.raises(SystemExit, match="^loopbot: SLACK_APP_TOKEN is not an app-level token"):
        server.serve_socket_mode(settings)


@pytest.mark.parametrize("mode", ["http", "workers"])
def test_a_port_in_use_is_one_line(database: str, standin: StandIn, mode: str) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        settings = settings_for(database, standin.url, PORT=port)
        with pytest.raises(SystemExit) as stopped:
            start(settings, mode, host="127.0.0.1")
    message = str(stopped.value.code)
    assert message.startswith(f"loopbot: cannot listen on 127.0.0.1:{port}: "), message
    assert "PORT or --port" in message


def start(settings: Settings, mode: str, host: str = "127.0.0.1") -> None:
    if mode == "socket":
        server.serve_socket_mode(settings)
    elif mode == "workers":
        server.serve_http_workers(settings, host, 2, 2)  # fails in the parent, before any fork
    else:
        server.serve_http(settings, host=host)


def test_the_real_command_prints_one_line_for_the_env_example_token(database: str, tmp_path: Path) -> None:
    env = env_for(database, unreachable_api(), free_port(), SLACK_BOT_TOKEN="xoxb-your-bot-token")
    done = subprocess.run(
        [LOOPBOT, "serve"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("loopbot: SLACK_BOT_TOKEN is not a bot token")


def test_no_token_will_be_unused_warning_when_the_token_is_in_the_environment(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, standin: StandIn
) -> None:
    """Before: Bolt was given our client and also read SLACK_BOT_TOKEN from the environment itself, so
    every start logged "As you gave `client` as well, `token` will be unused"."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    settings = settings_for("sqlite://", standin.url)
    with caplog.at_level(logging.WARNING):
        app = create_app(
            settings, make_session_factory(make_engine("sqlite://")), process_before_response=True
        )
    assert not [r for r in caplog.records if "will be unused" in r.getMessage()]
    assert (
        app.client.base_url == standin.url.rstrip("/") + "/"
    )  # listeners' clients still go to SLACK_API_URL
    assert app.client.token == TOKEN
