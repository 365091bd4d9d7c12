"""Database trouble on demand: SQLite's write lock held by another connection, a PostgreSQL server stopped.

The shared test PostgreSQL (tests/support/postgres.py) serves every other test, so stopping it is not
an option: `StoppablePostgres` is a server of its own, on its own port, that a test stops and starts.
"""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support import postgres


@contextmanager
def sqlite_write_lock(path: Path) -> Iterator[None]:
    """Another process's writer: `BEGIN IMMEDIATE` held on the database file until the block ends."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    try:
        conn.execute("BEGIN IMMEDIATE")
        yield
        conn.execute("ROLLBACK")
    finally:
        conn.close()


class StoppablePostgres(postgres.TempPostgres):
    """A throw-away PostgreSQL server a test may stop and start again (its data is kept)."""

    def _pg_ctl(self, *args: str) -> None:
        data = str(self.dir / "data")
        subprocess.run(
            postgres._as_postgres([str(self.bindir / "pg_ctl"), "-D", data, *args]),
            check=True,
            capture_output=True,
        )

    def halt(self) -> None:
        """Stop the server now: clients see their connections closed and new ones refused."""
        self._pg_ctl("-m", "immediate", "-w", "stop")

    def resume(self) -> None:
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._pg_ctl("-o", opts, "-w", "-l", str(self.dir / "log"), "start")


def stoppable_postgres() -> StoppablePostgres | None:
    """A server of its own, or None where there is no local PostgreSQL installation to start one from."""
    bindir = postgres._bindir()
    return StoppablePostgres(bindir) if bindir is not None else None
