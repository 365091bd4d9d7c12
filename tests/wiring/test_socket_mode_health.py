"""`loopbot serve --socket-mode` answers GET /healthz on PORT, so the container's HEALTHCHECK works in
both modes: 200 while the database answers, the dispatcher ticks and the WebSocket is connected.

slack_sdk's built-in SocketModeClient reports `is_connected()` as "a current session that is active"
(slack_sdk/socket_mode/builtin/client.py), and bolt-python's SocketModeHandler builds that client with
the app's WebClient (slack_bolt/adapter/socket_mode/builtin/__init__.py, `web_client=app.client`), so
apps.connections.open goes to SLACK_API_URL: here a SocketModeLink in front of the stand-in.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import create_engine

from bot.guard.health import HealthProbe, SocketWatch, TickWatch
from bot.server import health_server
from bot.standin import StandIn
from tests.support.socket_mode_link import SocketModeLink
from tests.support.waiting import eventually
from tests.wiring.test_serve import LOOPBOT, TOKEN, Reply, env_for, free_port, request


@dataclass
class Running:
    proc: subprocess.Popen[bytes]
    base: str
    link: SocketModeLink
    log: Path


def _start(tmp_path: Path, link: SocketModeLink, port: int) -> Running:
    env = env_for(f"sqlite:///{tmp_path / 'loopbot.db'}", link.url, port, SLACK_APP_TOKEN="xapp-1-health")
    env.pop("SLACK_SIGNING_SECRET")  # Socket Mode needs none
    subprocess.run([LOOPBOT, "db", "upgrade"], env=env, cwd=tmp_path, check=True, capture_output=True)
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [LOOPBOT, "serve", "--socket-mode"], env=env, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT
        )
    return Running(proc, f"http://127.0.0.1:{port}", link, log)


def _health(base: str) -> Reply | None:
    try:
        return request(base + "/healthz")
    except OSError:
        return None


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    with StandIn(tokens=[TOKEN]) as standin, SocketModeLink(standin.url) as link:
        started = _start(tmp_path, link, free_port())
        yield started
        if started.proc.poll() is None:
            started.proc.kill()
        started.proc.wait(10)


def test_healthz_is_200_while_connected_and_503_once_the_websocket_drops(running: Running) -> None:
    up = eventually(lambda: (r := _health(running.base)) is not None and r.status == 200, timeout=30)
    assert up, running.log.read_text()
    assert json.loads(request(running.base + "/healthz").body) == {"ok": True}
    assert running.link.connected() == 1
    assert running.link.opened >= 1
    # Only the health check is served: Slack's requests come over the WebSocket.
    assert request(running.base + "/slack/events", b"{}").status == 404

    running.link.drop()  # Slack's Socket Mode is gone, and every reconnection is refused
    down = eventually(lambda: (r := _health(running.base)) is not None and r.status == 503, timeout=30)
    assert down, running.log.read_text()
    assert "health.failing checks=socket_mode" in running.log.read_text()

    running.proc.send_signal(signal.SIGTERM)
    assert running.proc.wait(30) == 0
    assert "server.stopped" in running.log.read_text()


def test_a_port_in_use_leaves_socket_mode_running_without_healthz(tmp_path: Path) -> None:
    with (
        StandIn(tokens=[TOKEN]) as standin,
        SocketModeLink(standin.url) as link,
        socket.create_server(("0.0.0.0", 0)) as taken,
    ):
        port = taken.getsockname()[1]
        started = _start(tmp_path, link, port)
        try:
            connected = eventually(lambda: "server.health_unavailable" in started.log.read_text(), timeout=30)
            assert connected, started.log.read_text()
            assert link.connected() == 1  # the app itself runs: only the health check is off
            assert f"port={port}" in started.log.read_text()
        finally:
            started.proc.send_signal(signal.SIGTERM)
            assert started.proc.wait(30) == 0


class _Session:
    def __init__(self, last_pong: float | None) -> None:
        self.last_ping_pong_time = last_pong


class _Client:
    """The three things SocketWatch reads of slack_sdk's built-in SocketModeClient."""

    def __init__(self, connected: bool, last_pong: float | None, ping_interval: float = 10) -> None:
        self.connected, self.current_session, self.ping_interval = (
            connected,
            _Session(last_pong),
            ping_interval,
        )

    def is_connected(self) -> bool:
        return self.connected


def test_a_websocket_without_pongs_for_four_intervals_is_unhealthy() -> None:
    """A peer that vanishes without a close frame: slack_sdk keeps the socket for about a minute."""
    now = time.time()
    assert SocketWatch(_Client(True, now - 5))()
    assert SocketWatch(_Client(True, None))()  # just connected: the first pong is on its way
    assert not SocketWatch(_Client(True, now - 41))()
    assert not SocketWatch(_Client(False, now))()


def test_the_dispatcher_check_fails_when_no_tick_finishes() -> None:
    scheduler = BackgroundScheduler(timezone="UTC")
    ticks = threading.Event()
    scheduler.add_job(ticks.set, "interval", seconds=0.05, next_run_time=datetime.now(UTC))
    watch = TickWatch(scheduler, stale=0.5)
    assert not watch()  # not running yet
    scheduler.start()
    try:
        assert ticks.wait(5)
        assert eventually(watch, timeout=5)
        scheduler.pause()  # no tick finishes any more
        assert eventually(lambda: not watch(), timeout=5)
    finally:
        scheduler.shutdown(wait=True)
    assert not watch()


def test_an_idle_connection_to_the_health_port_is_dropped(tmp_path: Path) -> None:
    """A client that connects and sends nothing must not hold a health thread for ever."""
    engine = create_engine(f"sqlite:///{tmp_path / 'h.db'}")
    port = free_port()
    with (
        health_server(HealthProbe(engine), "127.0.0.1", port),
        socket.create_connection(("127.0.0.1", port)) as idle,
    ):
        idle.settimeout(30)
        started = time.monotonic()
        assert idle.recv(1) == b""  # closed by the server, not by this timeout
        assert time.monotonic() - started < 15
    engine.dispose()
