"""What can be checked of the container setup without a Docker engine."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def test_dockerfile_is_multi_stage_non_root_with_healthcheck() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert len(re.findall(r"^FROM python:3\.1\d-slim", text, re.M)) == 2
    assert re.search(r"^USER loopbot$", text, re.M)
    assert re.search(r"^HEALTHCHECK .*\n.*/healthz", text, re.M)
    assert "--require-hashes" in text
    for source in re.findall(r"^COPY (?!--from)(\S+)", text, re.M):
        assert (ROOT / source).exists(), f"Dockerfile copies missing {source}"


def test_compose_file_parses_and_wires_postgres() -> None:
    compose = YAML(typ="safe").load((ROOT / "docker-compose.yml").read_text())
    assert set(compose["services"]) == {"db", "loopbot"}
    app = compose["services"]["loopbot"]
    assert app["env_file"] == ".env"
    assert app["environment"]["POSTGRES_HOST"] == "db"
    assert "DATABASE_URL" not in app["environment"]  # built by the entrypoint, percent-encoded
    # PORT is the host's port: the container's own is pinned, so the mapping always reaches it
    assert app["environment"]["PORT"] == "3000"
    assert app["ports"] == ["${PORT:-3000}:3000"]
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    assert "pgdata" in compose["volumes"]


def test_env_example_names_only_known_settings() -> None:
    known = {field.alias for field in Settings.model_fields.values()} | {
        "POSTGRES_PASSWORD",
        "LOOPBOT_CONTENT_DIR",
    }
    names = re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M)
    assert names
    assert set(names) <= known


def test_entrypoint_migrates_then_runs_the_command(tmp_path: Path) -> None:
    db = tmp_path / "entry.db"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    env.pop("LOOPBOT_CONTENT_DIR", None)
    result = subprocess.run(
        [str(ROOT / "scripts/docker-entrypoint.sh"), "--help"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Usage: loopbot" in result.stdout
    assert "deliveries" in inspect(create_engine(f"sqlite:///{db}")).get_table_names()


def _entrypoint(tmp_path: Path, args: list[str], **env_vars: str) -> subprocess.CompletedProcess[str]:
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "LOOPBOT_CONTENT_DIR")},
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        **env_vars,
    }
    return subprocess.run(
        [str(ROOT / "scripts/docker-entrypoint.sh"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )


def test_entrypoint_percent_encodes_a_password_with_url_characters() -> None:
    """Compose used to interpolate POSTGRES_PASSWORD into the URL, so `p@ss/w#rd%` broke it."""
    script = (ROOT / "scripts/docker-entrypoint.sh").read_text().split("loopbot db upgrade")[0]
    done = subprocess.run(
        ["sh", "-c", script + 'echo "$DATABASE_URL"'],
        env={
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
            "POSTGRES_HOST": "db",
            "POSTGRES_PASSWORD": "p@ss/w#rd%41 x",
            "DATABASE_URL": "",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    url = make_url(done.stdout.strip())
    assert (url.username, url.password, url.host, url.port, url.database) == (
        "loopbot",
        "p@ss/w#rd%41 x",
        "db",
        5432,
        "loopbot",
    )


def test_entrypoint_seeds_from_the_examples_only_when_the_database_is_empty(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'seed.db'}"
    fake = tmp_path / "bin"  # the image keeps the examples at /app/examples: a stand-in `loopbot` records
    fake.mkdir()
    log = tmp_path / "calls.txt"
    (fake / "loopbot").write_text(f'#!/bin/sh\necho "$*" >> {log}\n')
    (fake / "loopbot").chmod(0o755)
    for content in ("/app/examples/content", "/app/content"):
        result = _entrypoint(tmp_path, ["serve"], PATH=f"{fake}:{os.environ['PATH']}", DATABASE_URL=db,
                             LOOPBOT_CONTENT_DIR=content)  # fmt: skip
        assert result.returncode == 0, result.stderr
    assert log.read_text().splitlines() == [
        "db upgrade",
        "content import --if-empty --placeholder-people /app/examples/content",
        "serve",
        "db upgrade",
        "content import /app/content",
        "serve",
    ]


def _healthcheck_command() -> str:
    """The shell command of the Dockerfile's HEALTHCHECK (`CMD` form, continued lines joined)."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    found = re.search(r"^HEALTHCHECK .*? CMD (.+)$", text, re.M)
    assert found, "no HEALTHCHECK ... CMD line"
    return found.group(1).strip()


@contextmanager
def _answering(status: int) -> Iterator[int]:
    """A local /healthz that answers `status`; yields its port."""

    class Health(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            body = b'{"ok": true}' if status == 200 else b'{"ok": false}'
            self.send_response(status if self.path == "/healthz" else 404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Health)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()


def _run_healthcheck(port: int) -> int:
    env = {**os.environ, "PORT": str(port), "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    return subprocess.run(
        ["sh", "-c", _healthcheck_command()], env=env, capture_output=True, timeout=30
    ).returncode


def test_the_healthcheck_passes_on_200_and_fails_on_503_or_silence() -> None:
    """Run the HEALTHCHECK's own command against a /healthz on PORT, as Docker runs it in the container."""
    with _answering(200) as port:
        assert _run_healthcheck(port) == 0
    with _answering(503) as port:  # e.g. Socket Mode with the WebSocket down
        assert _run_healthcheck(port) != 0
    assert _run_healthcheck(port) != 0  # nothing listening any more


def test_socket_mode_in_the_container_is_documented_and_health_checked_the_same_way() -> None:
    """Socket Mode serves GET /healthz on PORT too (bot/server.py `health_server`), so one HEALTHCHECK fits
    both modes; compose shows the command that selects it."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'CMD ["serve"]' in dockerfile
    command = _healthcheck_command()
    assert "PORT" in command
    assert "/healthz" in command
    compose = (ROOT / "docker-compose.yml").read_text()
    assert '# command: ["serve", "--socket-mode"]' in compose
    readme = (ROOT / "README.md").read_text()
    docker = readme[readme.index("## Deploying with Docker") : readme.index("## Running several replicas")]
    for needed in ("serve --socket-mode", "SLACK_APP_TOKEN", "/healthz"):
        assert needed in docker
