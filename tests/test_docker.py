"""What can be checked of the container setup without a Docker engine."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from ruamel.yaml import YAML
from sqlalchemy import create_engine, inspect

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
    assert app["environment"]["DATABASE_URL"].startswith("postgresql://loopbot:")
    assert "@db:5432/" in app["environment"]["DATABASE_URL"]
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
