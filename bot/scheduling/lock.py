"""One scheduling write at a time, so checks that read other candidates' panels (double bookings, load
limits) hold when two recruiters schedule at once.

SQLite's write transactions already run one at a time (BEGIN IMMEDIATE, bot/db.py). On PostgreSQL a
transaction-level advisory lock does the same for every replica; it is released at commit or rollback.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

# An arbitrary constant that names "scheduling" among the app's advisory locks.
SCHEDULING_LOCK = 0x6C6F6F70  # "loop"


def hold_scheduling_lock(session: Session) -> None:
    """Wait for, then hold until the transaction ends, the right to change panels."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEDULING_LOCK})
