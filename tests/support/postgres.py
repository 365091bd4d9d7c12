"""A throw-away PostgreSQL server for tests and benchmarks, started from the local installation."""

from __future__ import annotations

import atexit
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(cmd: list[str]) -> list[str]:
    # initdb refuses to run as root; Debian's package creates the `postgres` user.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


class TempPostgres:
    """initdb + pg_ctl in a temporary directory, on a free loopback port; stopped at exit."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.dir = Path(tempfile.mkdtemp(prefix="loopbot-pg-"))
        self.port = _free_port()
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        data = self.dir / "data"
        subprocess.run(
            _as_postgres(
                [str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8"]
            ),
            check=True,
            capture_output=True,
        )
        opts = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        )
        subprocess.run(
            _as_postgres(
                [
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-o",
                    opts,
                    "-w",
                    "-l",
                    str(self.dir / "log"),
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
        )
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        atexit.register(self.stop)

    def stop(self) -> None:
        subprocess.run(
            _as_postgres(
                [str(self.bindir / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate", "stop"]
            ),
            capture_output=True,
        )
        shutil.rmtree(self.dir, ignore_errors=True)


_server: TempPostgres | None = None


def server_url() -> str | None:
    """The URL of a PostgreSQL server to test against: TEST_DATABASE_URL, or a throw-away one, or None."""
    global _server
    if os.environ.get("TEST_DATABASE_URL"):
        return os.environ["TEST_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
    if _server is None:
        bindir = _bindir()
        if bindir is None:
            return None
        _server = TempPostgres(bindir)
    return _server.url


def fresh_database(server: str) -> str:
    """Create an empty database on the server and return its URL."""
    name = f"loopbot_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server.rsplit("/", 1)[0] + "/" + name


def wait_ready(url: str, seconds: float = 10) -> None:
    """Block until the server accepts connections."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            engine = create_engine(url)
            with engine.connect():
                engine.dispose()
                return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
