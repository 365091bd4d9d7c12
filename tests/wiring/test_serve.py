"""The real `loopbot serve` process: health, signature checks through the HTTP server, clean SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from slack_bolt import App
from slack_sdk import WebClient

from bot import server
from bot.db import make_engine, make_session_factory
from bot.delivery import planner
from bot.settings import Settings, SettingsError
from bot.standin import StandIn, signing
from models import utcnow

ROOT = Path(__file__).resolve().parent.parent
LOOPBOT = str(Path(sys.executable).parent / "loopbot")
SECRET = "serve-test-signing-secret"
TOKEN = "xoxb-serve-test"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def env_for(database_url: str, api_url: str, port: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "LOOPBOT_", "DATABASE_"))}
    env.update(
        DATABASE_URL=database_url,
        SLACK_API_URL=api_url,
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        PORT=str(port),
        LOOPBOT_TICK_SECONDS="1",
    )
    env.update(extra)
    return env


@dataclass
class Reply:
    status: int
    body: bytes


def request(url: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> Reply:
    req = urllib.request.Request(url, data=body, headers=headers or {}, method="POST" if body else "GET")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return Reply(resp.status, resp.read())
    except urllib.error.HTTPError as err:
        return Reply(err.code, err.read())


@dataclass
class Serving:
    proc: subprocess.Popen[bytes]
    base: str
    standin: StandIn


@pytest.fixture(scope="module")
def serving(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Serving]:
    """One `loopbot serve` on a migrated SQLite DB, its Web API at a stand-in; the last test stops it."""
    tmp = tmp_path_factory.mktemp("serve")
    port = free_port()
    with StandIn(tokens=[TOKEN]) as standin:
        env = env_for(f"sqlite:///{tmp / 'loopbot.db'}", standin.url, port)
        subprocess.run([LOOPBOT, "db", "upgrade"], env=env, cwd=tmp, check=True, capture_output=True)
        queue_notice(env["DATABASE_URL"])
        log = (tmp / "serve.log").open("wb")
        proc = subprocess.Popen([LOOPBOT, "serve"], env=env, cwd=tmp, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if request(base + "/healthz").status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            proc.kill()
            pytest.fail(f"loopbot serve did not come up:\n{(tmp / 'serve.log').read_text()}")
        yield Serving(proc, base, standin)
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        log.close()


def queue_notice(database_url: str) -> None:
    """A message already due in the outbox: the in-process dispatcher must send it."""
    engine = make_engine(database_url)
    with make_session_factory(engine).begin() as s:
        planner.notify(s, recipient="U0ENGLEAD", candidate_loop_id=None, interview_id=None,
                       notice="The serve test says hello", key="serve-test-notice", now=utcnow())  # fmt: skip
    engine.dispose()


def slash(body: bytes, headers: dict[str, str], serving: Serving) -> Reply:
    return request(serving.base + "/slack/events", body, headers)


def test_healthz_is_ok_when_the_database_answers(serving: Serving) -> None:
    reply = request(serving.base + "/healthz")
    assert reply.status == 200
    assert json.loads(reply.body) == {"ok": True}


def test_bad_signature_is_401(serving: Serving) -> None:
    body = signing.slash_command_body("help")
    reply = slash(body, signing.signed_headers("not-the-secret", body), serving)
    assert reply.status == 401


def test_stale_timestamp_is_401(serving: Serving) -> None:
    body = signing.slash_command_body("help")
    reply = slash(
        body, signing.signed_headers(SECRET, body, timestamp=int(time.time()) - 5 * 60 - 5), serving
    )
    assert reply.status == 401


def test_signed_loop_help_is_answered(serving: Serving) -> None:
    body = signing.slash_command_body("help")
    began = time.monotonic()
    reply = slash(body, signing.signed_headers(SECRET, body), serving)
    assert reply.status != 401  # the signature was accepted by the real server
    assert time.monotonic() - began < 3  # Slack's acknowledgement window
    assert reply.status == 200
    assert b"/loop schedule" in reply.body  # the help text, in the acknowledgement itself


def test_the_dispatcher_runs_in_the_serving_process(serving: Serving) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not serving.standin.messages("U0ENGLEAD"):
        time.sleep(0.1)
    [message] = serving.standin.messages("U0ENGLEAD")
    assert "The serve test says hello" in json.dumps(message)


def test_unknown_path_is_404(serving: Serving) -> None:
    assert request(serving.base + "/nope").status == 404


def test_sigterm_exits_cleanly(serving: Serving) -> None:
    """Runs last in this module: it stops the shared server."""
    serving.proc.send_signal(signal.SIGTERM)
    assert serving.proc.wait(timeout=10) == 0


def test_missing_setting_fails_at_start_with_one_line(tmp_path: Path) -> None:
    env = env_for(
        f"sqlite:///{tmp_path / 'x.db'}", "http://127.0.0.1:9/api/", free_port(), SLACK_SIGNING_SECRET=""
    )
    done = subprocess.run(
        [LOOPBOT, "serve"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last == "loopbot: SLACK_SIGNING_SECRET is not set; set it in the environment or in .env"


def test_socket_mode_needs_the_app_token() -> None:
    settings = Settings(SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SECRET, _env_file=None)
    with pytest.raises(SettingsError, match="SLACK_APP_TOKEN is not set"):
        server.serve_socket_mode(settings)


def test_schema_not_at_head_is_refused(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    problem = server.schema_problem(engine)
    assert problem is not None
    assert "loopbot db upgrade" in problem
    settings = Settings(
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.db'}",
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        _env_file=None,
    )
    with pytest.raises(SystemExit, match="not at head"):
        server.build(settings)


def test_healthz_is_503_when_the_database_does_not_answer() -> None:
    engine = make_engine(
        f"postgresql://nobody@127.0.0.1:{free_port()}/none", connect_args={"connect_timeout": 2}
    )
    app = App(client=WebClient(token=TOKEN), signing_secret=SECRET, token_verification_enabled=False)
    wsgi = server.wsgi_app(app, engine)
    statuses: list[str] = []
    environ = {"PATH_INFO": "/healthz", "REQUEST_METHOD": "GET"}
    body = b"".join(wsgi(environ, lambda status, _headers: statuses.append(status)))
    assert statuses == ["503 Service Unavailable"]
    assert json.loads(body) == {"ok": False}


def start_workers(tmp: Path, standin: StandIn, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = env_for(f"sqlite:///{tmp / 'loopbot.db'}", standin.url, port)
    subprocess.run([LOOPBOT, "db", "upgrade"], env=env, cwd=tmp, check=True, capture_output=True)
    log = (tmp / "serve.log").open("wb")
    cmd = [LOOPBOT, "serve", "--host", "127.0.0.1", "--workers", str(workers)]
    proc = subprocess.Popen(
        cmd, env=env, cwd=tmp, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    log.close()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        listening = (tmp / "serve.log").read_text().count("server.listening")
        if listening == workers and request(base + "/healthz").status == 200:
            return proc, base
        time.sleep(0.1)
    proc.kill()
    pytest.fail(f"loopbot serve --workers did not come up:\n{(tmp / 'serve.log').read_text()}")


def children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def gone(pid: int) -> bool:
    return not Path(f"/proc/{pid}").exists()


def test_workers_share_the_port_and_stop_together_on_sigterm(tmp_path: Path) -> None:
    with StandIn(tokens=[TOKEN]) as standin:
        proc, base = start_workers(tmp_path, standin, workers=2)
        workers = children(proc.pid)
        assert len(set(workers)) == 2
        body = b'{"type": "event_callback"}'
        forged = signing.signed_headers("not-the-secret", body)
        assert [request(base + "/slack/events", body, forged).status for _ in range(6)] == [401] * 6
        assert [request(base + "/healthz").status for _ in range(6)] == [200] * 6
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
        assert all(gone(pid) for pid in workers)
    log = (tmp_path / "serve.log").read_text()
    assert log.count("server.stopped") == 2, log
    assert "server.workers_stopped code=0" in log, log


def test_a_worker_that_dies_stops_the_others_and_fails_the_command(tmp_path: Path) -> None:
    with StandIn(tokens=[TOKEN]) as standin:
        proc, _ = start_workers(tmp_path, standin, workers=2)
        first, second = children(proc.pid)
        os.kill(first, signal.SIGKILL)
        assert proc.wait(timeout=20) != 0  # the supervisor (Docker, systemd) restarts the whole set
        assert gone(second)
    assert "server.worker_exited" in (tmp_path / "serve.log").read_text()


def test_workers_on_a_database_without_schema_say_why_in_one_line(tmp_path: Path) -> None:
    env = env_for(f"sqlite:///{tmp_path / 'empty.db'}", "http://127.0.0.1:9/api/", free_port())
    done = subprocess.run(
        [LOOPBOT, "serve", "--workers", "2"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    reasons = [line for line in done.stderr.splitlines() if line.startswith("loopbot: ")]
    assert reasons
    assert "loopbot db upgrade" in reasons[0]


def test_ctrl_c_to_the_whole_group_stops_each_worker_once_and_cleanly(tmp_path: Path) -> None:
    with StandIn(tokens=[TOKEN]) as standin:
        proc, _ = start_workers(tmp_path, standin, workers=2)
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: every process gets it
        assert proc.wait(timeout=20) == 0
    log = (tmp_path / "serve.log").read_text()
    assert log.count("server.stopping signal=") == 2  # a later signal never restarts the shutdown
