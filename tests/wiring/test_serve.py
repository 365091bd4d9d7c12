"""The real `loopbot serve` process: health, signature checks through the HTTP server, clean SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest
from slack_bolt import App
from slack_sdk import WebClient

from bot import server
from bot.db import make_engine, make_session_factory
from bot.delivery import planner
from bot.settings import Settings, SettingsError
from bot.standin import StandIn, signing
from models import utcnow
from tests.support.db_trouble import sqlite_write_lock

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
    log: Path
    db: Path


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
        yield Serving(proc, base, standin, tmp / "serve.log", tmp / "loopbot.db")
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


def rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))


def raw_post(serving: Serving, head: bytes, body_chunks: Iterator[bytes]) -> bytes:
    """Send a request by hand (a declared length urllib would refuse to lie about); the reply's head."""
    port = int(serving.base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head)
        try:
            for chunk in body_chunks:
                sock.sendall(chunk)
        except OSError:
            pass  # the server answered and closed without reading the rest: what is wanted
        return sock.recv(4096)


def test_a_huge_body_is_refused_by_waitress_before_it_is_buffered(serving: Serving) -> None:
    """Before: waitress accepted up to 1 GiB and Bolt decoded it whole (a 300 MB unsigned body peaked
    at 736 MB). waitress now refuses a declared length over the cap as soon as it has the headers
    (waitress.parser: `content_length >= max_request_body_size` -> RequestEntityTooLarge), and a
    chunked body once the count passes it."""
    before = rss_kib(serving.proc.pid)
    head = b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 314572800\r\n\r\n"
    reply = raw_post(serving, head, iter([b"x" * 65536] * 160))  # 10 MiB of the 300 MB
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
    chunked = b"POST /slack/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    chunk = b"%x\r\n%s\r\n" % (65536, b"y" * 65536)
    reply = raw_post(serving, chunked, iter([chunk] * 64))  # 4 MiB, over the 1 MiB cap
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
    assert rss_kib(serving.proc.pid) - before < 8 * 1024  # KiB: nowhere near the bodies' size


def test_unsigned_bodies_leave_one_info_line_and_never_the_body(serving: Serving) -> None:
    """Before: Bolt logged each rejected body in full at INFO (750 MB of log from three requests), and
    a newline in it started a line of its own that looked like a real record."""
    forged = "2026-01-01 00:00:00,000 ERROR loopbot.server forged"
    body = f"payload=SERVE-MARKER\n{forged}".encode() * 200
    headers = {"X-Slack-Request-Timestamp": "not-a-number", "X-Slack-Signature": "v0=x"}
    assert slash(body, headers, serving).status == 401
    assert slash(body, signing.signed_headers("not-the-secret", body), serving).status == 401
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and serving.log.read_text().count("request.refused status=401") < 2:
        time.sleep(0.05)
    log = serving.log.read_text()
    assert log.count("request.refused status=401") >= 2
    assert "SERVE-MARKER" not in log
    assert not any(line.startswith(forged[:10]) for line in log.splitlines())
    assert "Traceback" not in log


def test_healthz_and_a_read_only_command_do_not_wait_for_a_held_write_lock(serving: Serving) -> None:
    """Before: /healthz ran `BEGIN IMMEDIATE; SELECT 1`, so while another process held SQLite's write
    lock every probe hung ~20 s and a read-only `/loop status` took 19.6 s to be answered."""
    with sqlite_write_lock(serving.db):
        began = time.monotonic()
        assert request(serving.base + "/healthz").status == 200
        assert time.monotonic() - began < 1.0
        before = len(serving.standin.ephemerals("U0ENGLEAD"))
        body = signing.slash_command_body("status nobody", user="U0ENGLEAD")
        began = time.monotonic()
        assert slash(body, signing.signed_headers(SECRET, body), serving).status == 200
        while time.monotonic() - began < 3 and len(serving.standin.ephemerals("U0ENGLEAD")) == before:
            time.sleep(0.02)
        assert len(serving.standin.ephemerals("U0ENGLEAD")) == before + 1
        assert time.monotonic() - began < 3


def test_start_logs_no_unused_token_warning(serving: Serving) -> None:
    """SLACK_BOT_TOKEN is in this process's environment: Bolt used to warn "`token` will be unused"."""
    assert "will be unused" not in serving.log.read_text()


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


def test_healthz_answers_503_within_a_second_and_holds_one_probe_thread(tmp_path: Path) -> None:
    """A database that does not answer (here: a probe stuck for 5 s) costs each request at most a
    second, and however many requests come, one probe runs at a time."""
    engine = make_engine(f"sqlite:///{tmp_path / 'h.db'}")
    app = App(client=WebClient(token=TOKEN), signing_secret=SECRET, token_verification_enabled=False)
    wsgi = server.wsgi_app(app, engine)
    probes: list[float] = []
    gate = threading.Event()

    def stuck(*_args: object, **_kwargs: object) -> bool:
        probes.append(time.monotonic())
        gate.wait(5)
        return True

    with mock.patch("bot.guard.health.ping", stuck):
        statuses: list[str] = []
        began = time.monotonic()
        threads = [
            threading.Thread(
                target=lambda: b"".join(
                    wsgi({"PATH_INFO": "/healthz", "REQUEST_METHOD": "GET"}, lambda s, _h: statuses.append(s))
                )
            )  # fmt: skip
            for _ in range(8)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - began
        gate.set()
    engine.dispose()
    assert statuses == ["503 Service Unavailable"] * 8
    assert elapsed < 1.5
    assert len(probes) == 1


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
