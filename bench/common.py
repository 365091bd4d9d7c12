"""What every benchmark shares: the machine line, throw-away databases, a statement counter, percentiles."""

from __future__ import annotations

import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy
from sqlalchemy import Engine, event, text

from bot import migrate
from bot.db import make_engine
from tests.support import postgres

ROOT = Path(__file__).resolve().parent.parent
LOOPBOT = str(Path(sys.executable).parent / "loopbot")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return 0.0


def machine_line(engines: list[Engine] | tuple[Engine, ...] = ()) -> str:
    """CPU model, cores, RAM, Python and database versions, on one line."""
    parts = [
        f"CPU {_cpu_model()}",
        f"{os.cpu_count()} cores",
        f"RAM {_ram_gib():.1f} GiB",
        f"Python {platform.python_version()}",
        f"SQLAlchemy {sqlalchemy.__version__}",
        f"SQLite {sqlite3.sqlite_version}",
    ]
    for engine in engines:
        if engine.dialect.name == "postgresql":
            with engine.connect() as conn:
                version = conn.execute(text("SHOW server_version")).scalar()
                fsync = conn.execute(text("SHOW fsync")).scalar()
            parts.append(f"PostgreSQL {version} (fsync={fsync})")
            break
    return " | ".join(parts)


def banner(title: str, engines: list[Engine] | tuple[Engine, ...] = ()) -> None:
    """Print what ran, when, and on which machine."""
    print(f"# {title}")
    print(f"# date {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}")
    print(f"# command {' '.join([Path(sys.argv[0]).name if sys.argv[0] else 'python', *sys.argv[1:]])}")
    print(f"# machine {machine_line(engines)}")
    print(
        f"# load average at start {Path('/proc/loadavg').read_text().split()[:3]} (other work on the machine)"
    )
    sys.stdout.flush()


_tmp = Path(tempfile.mkdtemp(prefix="loopbot-bench-"))


def database_url(backend: str) -> str:
    """A new empty database: a SQLite file in a temp dir, or a database on a throw-away PostgreSQL."""
    if backend == "sqlite":
        path = Path(tempfile.mkdtemp(prefix="db-", dir=_tmp)) / "loopbot.db"
        return f"sqlite:///{path}"
    server = postgres.server_url()
    if server is None:
        raise SystemExit("no PostgreSQL: install it (initdb on PATH) or set TEST_DATABASE_URL")
    return postgres.fresh_database(server)


def migrated_engine(backend: str, **kwargs: Any) -> Engine:
    """An engine on a fresh database migrated to head (the way `loopbot db upgrade` does it)."""
    engine = make_engine(database_url(backend), **kwargs)
    migrate.upgrade(engine)
    return engine


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


@dataclass
class StatementCounter:
    """The SQL statements sent on an instrumented engine while a `counting()` block was open."""

    statements: list[str] = field(default_factory=list)
    raw: list[tuple[str, Any]] = field(default_factory=list)
    ms: list[float] = field(default_factory=list)  # each statement's time, driver call to result

    def __len__(self) -> int:
        return len(self.statements)


_active: list[StatementCounter] = []
_lock = threading.Lock()


def install_counter(engine: Engine) -> None:
    """Attach a SQLAlchemy `before_cursor_execute` listener; it records only inside `counting()`."""

    @event.listens_for(engine, "before_cursor_execute")
    def _count(conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        conn.info["bench_t0"] = time.perf_counter()
        with _lock:
            for counter in _active:
                counter.statements.append(" ".join(statement.split())[:160])
                counter.raw.append((statement, parameters))

    @event.listens_for(engine, "after_cursor_execute")
    def _timed(conn: Any, *_args: Any) -> None:
        took = (time.perf_counter() - conn.info.pop("bench_t0", time.perf_counter())) * 1000
        with _lock:
            for counter in _active:
                counter.ms.append(took)


@contextmanager
def counting() -> Iterator[StatementCounter]:
    """Record every statement (from any thread) sent while inside the block."""
    counter = StatementCounter()
    with _lock:
        _active.append(counter)
    try:
        yield counter
    finally:
        with _lock:
            _active.remove(counter)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def median(values: list[float]) -> float:
    return statistics.median(values)


class Stopwatch:
    """`with Stopwatch() as sw: ...; sw.ms`"""

    def __enter__(self) -> Stopwatch:
        self._t0 = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._t0

    @property
    def ms(self) -> float:
        return self.seconds * 1000


def verdict(ok: bool) -> str:
    return "MET" if ok else "MISSED"


def _stat(pid: int | str) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _ticks(pid: int | str) -> int:
    fields = _stat(pid)
    return int(fields[11]) + int(fields[12])  # utime + stime (fields 14 and 15 of stat)


def postmaster_pid() -> int | None:
    """The pid of the throw-away PostgreSQL server this process started, if any."""
    server = postgres._server
    if server is None:
        return None
    pidfile = server.dir / "data" / "postmaster.pid"
    return int(pidfile.read_text().split()[0]) if pidfile.exists() else None


def _pg_ticks() -> dict[int, int]:
    root = postmaster_pid()
    if root is None:
        return {}
    found: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = _stat(entry.name)
            except OSError:
                continue
            if int(entry.name) == root or int(fields[1]) == root:
                found[int(entry.name)] = int(fields[11]) + int(fields[12])
    return found


@dataclass
class CpuSnapshot:
    groups: dict[str, int]
    postgres: dict[int, int]
    machine: int
    at: float


def cpu_snapshot(pids: dict[str, list[int]]) -> CpuSnapshot:
    """CPU ticks so far: each group of processes, our PostgreSQL server's processes, the machine."""
    groups = {name: sum(_ticks(p) for p in group) for name, group in pids.items()}
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    busy = sum(values) - values[3] - values[4]  # all but idle and iowait
    return CpuSnapshot(groups, _pg_ticks(), busy, time.monotonic())


def cpu_used(before: CpuSnapshot, after: CpuSnapshot) -> dict[str, float]:
    """CPU seconds per group between two snapshots, PostgreSQL, anything else on the machine, and busy %."""
    hz = os.sysconf("SC_CLK_TCK")
    out = {k: (after.groups[k] - before.groups[k]) / hz for k in before.groups}
    out["postgres"] = sum(t - before.postgres.get(pid, 0) for pid, t in after.postgres.items()) / hz
    machine = (after.machine - before.machine) / hz
    out["other processes"] = max(0.0, machine - sum(out.values()))
    out = {k: round(v, 1) for k, v in out.items()}
    out["machine busy %"] = round(100 * machine / ((after.at - before.at) * (os.cpu_count() or 1)))
    return out
