"""Engine and session factory; SQLite gets WAL, a busy timeout and enforced foreign keys."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_MS = 30_000  # how long a SQLite writer waits for the lock, unless told otherwise
# How long a new PostgreSQL connection may take (libpq's minimum is 2 s): an unreachable server is then
# an error a request can report, not a wait longer than Slack's 3 seconds.
CONNECT_TIMEOUT_S = 2


# The databases loopbot ships a driver for (pyproject.toml): SQLite, and PostgreSQL through psycopg 3.
SUPPORTED_DRIVERS = ("sqlite", "sqlite+pysqlite", "postgresql", "postgresql+psycopg")
SUPPORTED = "sqlite:///path/to/loopbot.db, or postgresql://user:password@host/db (PostgreSQL via psycopg 3)"


def normalise_url(url: str) -> str:
    """DATABASE_URL as loopbot uses it: `postgres://` (Heroku-style) is PostgreSQL; other drivers are refused.

    Raises ValueError with a message naming what is supported (never the URL itself: it may hold a password).
    """
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    try:
        driver = make_url(url).drivername
    except sa_exc.ArgumentError:
        raise ValueError(f"not a database URL; use {SUPPORTED}") from None
    if driver not in SUPPORTED_DRIVERS:
        raise ValueError(f"{driver}:// is not supported; use {SUPPORTED}")
    return url


def database_problem(exc: BaseException) -> str:
    """One line (with the `loopbot: ` prefix) saying what is wrong with the database and what to do.

    `loopbot serve`, `loopbot db upgrade` and every other command word the same trouble the same way.
    """
    if isinstance(exc, sa_exc.ArgumentError | ValueError):
        return f"loopbot: DATABASE_URL is invalid: {exc}"
    if isinstance(exc, sa_exc.OperationalError | sa_exc.ProgrammingError):
        text_ = str(exc.orig)
        if "no such table" in text_ or ("relation" in text_ and "does not exist" in text_):
            return "loopbot: the database has no loopbot schema yet: run `loopbot db upgrade` first"
        return f"loopbot: cannot use the database at DATABASE_URL: {text_.strip().splitlines()[0]}"
    if isinstance(exc, sa_exc.DBAPIError):
        return f"loopbot: cannot use the database at DATABASE_URL: {str(exc.orig).strip()}"
    return f"loopbot: cannot use the database at DATABASE_URL ({type(exc).__name__}: {exc})"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine configured for loopbot's use of the given database (see `normalise_url`)."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        _configure_sqlite(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    kwargs.setdefault("pool_pre_ping", True)
    if url.startswith("postgresql"):
        kwargs["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT_S, **kwargs.get("connect_args", {})}
    return create_engine(url, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, emit BEGIN, so BEGIN IMMEDIATE is possible (see the dispatcher).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            # Safe with WAL (no corruption on a crash); a lost "sent" mark is recovered by the
            # dispatcher's history check, so the cheaper commit is worth it.
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # IMMEDIATE by default: a deferred transaction that reads and then writes cannot wait for
        # the write lock (SQLite answers "database is locked" at once, ignoring busy_timeout), and
        # the dispatcher takes that lock for every claim. Transactions here are short, so holding
        # the write lock from the start costs little on a single host.
        options = conn.get_execution_options()
        # How long BEGIN IMMEDIATE may wait for another writer: a request that must answer Slack
        # within 3 s waits less than a background job (`sqlite_busy_ms`, see bot/feedback/service.py).
        busy_ms = int(options.get("sqlite_busy_ms", BUSY_TIMEOUT_MS))
        if conn.info.get("busy_ms", BUSY_TIMEOUT_MS) != busy_ms:
            conn.exec_driver_sql(f"PRAGMA busy_timeout={busy_ms}")
            conn.info["busy_ms"] = busy_ms
        conn.exec_driver_sql(options.get("sqlite_begin", "BEGIN IMMEDIATE"))


# For sessions that only read: on SQLite they then share the database with writers instead of
# queueing for the write lock (WAL readers never block); ignored by PostgreSQL.
READ_ONLY = {"sqlite_begin": "BEGIN DEFERRED"}
# Writers say it explicitly where it matters (it is also the default): the write lock from the start.
IMMEDIATE = {"sqlite_begin": "BEGIN IMMEDIATE"}


@contextmanager
def reading(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that only reads (App Home, a modal about to open): no write lock on SQLite."""
    with factory() as session:
        session.connection(execution_options=READ_ONLY)
        yield session


def is_locked(exc: Exception) -> bool:
    """SQLite gave up waiting for another writer ("database is locked")."""
    return "database is locked" in str(getattr(exc, "orig", exc))


def unavailable(exc: BaseException) -> bool:
    """The database could not do the work now (locked, unreachable, out of connections): try later.

    Not a bug and not bad input: the request was fine, and the same request can succeed in a minute.
    """
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError | sa_exc.TimeoutError)


def impatient(factory: sessionmaker[Session], busy_ms: int) -> sessionmaker[Session]:
    """The same sessions, but a SQLite writer waits at most `busy_ms` for the write lock.

    For work a request must finish (or report) soon. Sessions bound to a connection rather than an
    engine (tests' savepoint sessions) are returned as they are.
    """
    bind = factory.kw.get("bind")
    if not isinstance(bind, Engine) or bind.dialect.name != "sqlite":
        return factory
    return sessionmaker(
        class_=factory.class_, **{**factory.kw, "bind": bind.execution_options(sqlite_busy_ms=busy_ms)}
    )


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """The one session factory; handlers and jobs open a session per unit of work."""
    return sessionmaker(engine, expire_on_commit=False)


def ping(engine: Engine, timeout_ms: int = 1000) -> bool:
    """True when the database answers a read; never takes SQLite's write lock, waits at most ~timeout."""
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(**READ_ONLY, sqlite_busy_ms=timeout_ms)
            if engine.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SET LOCAL statement_timeout = {int(timeout_ms)}")
            conn.execute(text("SELECT 1"))
            conn.rollback()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        return False


@contextmanager
def opened(url: str) -> Iterator[sessionmaker[Session]]:
    """A session factory on a new engine for one command; its connections are closed on the way out."""
    engine = make_engine(url)
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()
