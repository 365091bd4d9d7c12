"""What `loopbot serve` runs: Bolt at POST /slack/events and GET /healthz on waitress, plus the dispatcher.

Requests to /slack/events pass bot/guard/wsgi.py first (body cap, signature, parse, shape) and reach
Bolt only when they are Slack's; waitress itself refuses a body over the same cap before buffering it.
"""

from __future__ import annotations

import json
import logging
import signal
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from socketserver import ThreadingMixIn
from types import FrameType
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine

from bot import migrate
from bot.app import after_ack_of, create_app, deps_of, make_client
from bot.db import database_problem, make_engine, make_session_factory
from bot.deps import Deps
from bot.doctor import checks
from bot.guard.health import HealthProbe, SocketWatch, TickWatch
from bot.guard.wsgi import MAX_BODY, slack_endpoint
from bot.settings import Settings

log = logging.getLogger("loopbot.server")
EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"

Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def schema_problem(engine: Engine) -> str | None:
    """A one-line message when the database is not migrated to head, else None."""
    script = ScriptDirectory.from_config(migrate.alembic_config(engine.url.render_as_string(False)))
    heads = set(script.get_heads())
    try:
        with engine.connect() as conn:
            current = set(MigrationContext.configure(conn).get_current_heads())
    except Exception as exc:  # noqa: BLE001 - any failure to read the version is reported as such
        return database_problem(exc)  # worded as `loopbot db upgrade` words it
    if current != heads:
        at = ", ".join(sorted(current)) or "empty"
        return f"loopbot: the database schema is not at head (at {at}); run `loopbot db upgrade` first"
    return None


TOKEN_PAGE = "your app's OAuth & Permissions page (https://api.slack.com/apps)"
APP_TOKEN_PAGE = "your app's Basic Information page, App-Level Tokens (scope connections:write)"


def unreachable(settings: Settings, exc: object) -> str:
    return f"loopbot: cannot reach Slack at SLACK_API_URL ({settings.slack_api_url}): {exc}"


def token_problem(client: WebClient, settings: Settings) -> str | None:
    """One line when SLACK_BOT_TOKEN is a placeholder, Slack refuses it (auth.test) or cannot be reached."""
    found, _ = checks.token(client, settings.slack_bot_token)
    if found.ok:
        return None
    refused = found.detail.removeprefix("Slack refused the token: ")
    if refused != found.detail:
        what = "copy the Bot User OAuth Token from"
        return f"loopbot: Slack refused SLACK_BOT_TOKEN ({refused}): {what} {TOKEN_PAGE}"
    cause = found.detail.removeprefix("cannot reach Slack: ")
    if cause != found.detail:
        return unreachable(settings, cause)
    return f"loopbot: {found.detail}: copy the Bot User OAuth Token from {TOKEN_PAGE}"


def wsgi_app(
    app: App,
    engine: Engine,
    signing_secret: str | None = None,
    max_body: int = MAX_BODY,
    health: HealthProbe | None = None,
) -> Wsgi:
    """Slack's requests go through the gate to Bolt; /healthz answers 200 when the database does (read
    only, within a second) and every check of `health` passes, 503 otherwise; anything else is 404."""
    # Bolt keeps the secret it was built with privately; a caller that has the settings passes it.
    secret = signing_secret or str(getattr(app, "_signing_secret", "") or "")
    slack = slack_endpoint(app, secret, max_body)
    return _routes(health or HealthProbe(engine), slack)


def health_app(health: HealthProbe) -> Wsgi:
    """Only GET /healthz (Socket Mode: Slack's requests come over the WebSocket); anything else is 404."""
    return _routes(health, None)


def _routes(health: HealthProbe, slack: Wsgi | None) -> Wsgi:
    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO")
        if path == HEALTH_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            healthy = health.healthy()
            body = json.dumps({"ok": healthy}).encode()
            status = "200 OK" if healthy else "503 Service Unavailable"
            start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        if path == EVENTS_PATH and slack is not None:
            return slack(environ, start_response)
        body = b"Not Found"
        start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
        return [body]

    return application


def watch_dispatcher(health: HealthProbe, scheduler: Any, settings: Settings) -> None:
    """/healthz fails once no tick has finished for ten intervals (five minutes at least)."""
    health.checks["dispatcher"] = TickWatch(scheduler, stale=max(10 * settings.tick_seconds, 300.0))


@dataclass
class Runtime:
    engine: Engine
    deps: Deps
    app: App


def preflight(settings: Settings, engine: Engine, client: WebClient) -> None:
    """Stop with one line unless the schema is at head and Slack accepts SLACK_BOT_TOKEN (auth.test)."""
    problem = schema_problem(engine) or token_problem(client, settings)
    if problem:
        raise SystemExit(problem)


def build(settings: Settings, checked: bool = False) -> Runtime:
    """Engine (schema checked, never migrated here), Bolt app and the Deps the dispatcher shares.

    `checked`: `preflight` has already passed (in the parent of `serve --workers`).
    """
    engine = make_engine(settings.database_url)
    client = make_client(settings)
    if not checked:
        try:
            preflight(settings, engine, client)
        except SystemExit:
            engine.dispose()
            raise
    session_factory = make_session_factory(engine)
    deps = Deps(settings=settings, session_factory=session_factory, client=client)
    return Runtime(engine, deps, create_app(settings, session_factory, client=client))


@contextmanager
def background_work(rt: Runtime) -> Iterator[Any]:
    """The dispatcher (its scheduler is yielded) and the home refresher; on the way out both stop (a
    running tick finishes)."""
    from bot.delivery.tick import start_dispatcher  # imported lazily: heavy, and only serve needs it

    scheduler = start_dispatcher(rt.deps)
    try:
        yield scheduler
    finally:
        scheduler.shutdown(wait=True)
        after_ack_of(rt.app).close()  # writes still unrecorded are given up: their users are told
        homes = deps_of(rt.app).homes
        if homes is not None:
            homes.close()


@contextmanager
def stop_on_signals(stop: Callable[[], None]) -> Iterator[None]:
    """Run `stop` on SIGTERM/SIGINT while inside the block; restore the previous handlers after."""

    stopping = False

    def handler(signum: int, _frame: FrameType | None) -> None:
        # Once: a second signal (Ctrl-C reaches every process of the group, and `serve --workers`
        # forwards one more) must not interrupt the shutdown the first one started.
        nonlocal stopping
        if stopping:
            log.info("server.already_stopping signal=%s", signal.Signals(signum).name)
            return
        stopping = True
        log.info("server.stopping signal=%s", signal.Signals(signum).name)
        stop()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def port_in_use(host: str, port: int, exc: OSError) -> SystemExit:
    return SystemExit(
        f"loopbot: cannot listen on {host}:{port}: {exc.strerror or exc}; stop what is using it"
        " (another loopbot?) or choose another port with PORT or --port"
    )


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def serve_http(
    settings: Settings, host: str = "0.0.0.0", threads: int = 8, sock: socket.socket | None = None
) -> None:
    """HTTP mode: serve until SIGTERM, then stop the dispatcher (waiting for it) and the server.

    `sock` is a listening socket shared with other worker processes (`serve --workers`), whose parent
    has run the preflight checks already.
    """
    from waitress import create_server

    settings.require("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
    rt = build(settings, checked=sock is not None)
    health = HealthProbe(rt.engine)
    wsgi = wsgi_app(rt.app, rt.engine, settings.slack_signing_secret, health=health)
    if sock is None:  # bound here, not by waitress: a port in use is then one line (and no leaked socket)
        try:
            sock = socket.create_server((host, settings.port), family=_family(host), backlog=1024)
        except OSError as exc:
            rt.engine.dispose()
            raise port_in_use(host, settings.port, exc) from None
    # waitress refuses a larger body itself (413) as soon as it reads the headers (or, chunked, as the
    # count passes it): it never buffers more. It refuses lengths >= the limit, hence the + 1.
    server = create_server(wsgi, threads=threads, max_request_body_size=MAX_BODY + 1, sockets=[sock])

    def interrupt() -> None:
        # Raised inside waitress's loop, which catches it and shuts its worker threads down.
        raise SystemExit(0)

    try:
        with (
            stop_on_signals(interrupt),
            background_work(rt) as scheduler,
        ):  # handler kept until the work stops
            watch_dispatcher(health, scheduler, settings)
            log.info("server.listening url=http://%s:%s%s", host, settings.port, EVENTS_PATH)
            server.run()
    finally:
        server.close()
        rt.engine.dispose()
        log.info("server.stopped")


def serve_http_workers(settings: Settings, host: str, threads: int, workers: int) -> int:
    """HTTP mode in `workers` processes sharing one socket; returns the exit code for the command."""
    from bot.workers import listening_socket, run_workers

    settings.require("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
    # Checked once here, not in every worker (which would each print the same line); the engine is
    # disposed before the fork, so no worker inherits a connection.
    engine = make_engine(settings.database_url)
    try:
        preflight(settings, engine, make_client(settings))
    finally:
        engine.dispose()
    try:
        sock = listening_socket(host, settings.port)
    except OSError as exc:
        raise port_in_use(host, settings.port, exc) from None
    return run_workers(workers, lambda: serve_http(settings, host, threads, sock))


def serve_socket_mode(settings: Settings, host: str = "0.0.0.0") -> None:
    """Socket Mode: the same app over a WebSocket (no public URL), until SIGTERM.

    GET /healthz is served on PORT as well (nothing else is), so a container's health check works in
    both modes: healthy while the database answers, the dispatcher ticks and the WebSocket is connected.
    """
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    settings.require("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")
    if not settings.slack_app_token.startswith("xapp-") or "your" in settings.slack_app_token:
        raise SystemExit(
            "loopbot: SLACK_APP_TOKEN is not an app-level token (it should start with xapp-, not be a"
            f" placeholder): copy it from {APP_TOKEN_PAGE}"
        )
    rt = build(settings)
    handler = SocketModeHandler(rt.app, settings.slack_app_token)
    stopped = threading.Event()
    try:
        with stop_on_signals(stopped.set), background_work(rt) as scheduler:
            connect(handler, settings)
            log.info("server.socket_mode_connected")
            health = HealthProbe(rt.engine)
            watch_dispatcher(health, scheduler, settings)
            # Connected and answering pings (slack_sdk reconnects by itself; until then: unhealthy).
            health.checks["socket_mode"] = SocketWatch(handler.client)
            with health_server(health, host, settings.port):
                while not stopped.wait(0.5):
                    pass
    finally:
        handler.close()  # type: ignore[no-untyped-call]  # slack_bolt leaves it unannotated
        rt.engine.dispose()
        log.info("server.stopped")


def connect(handler: Any, settings: Settings) -> None:
    """Open the Socket Mode connection; a refused app token or an unreachable Slack is one line."""
    try:
        handler.connect()
    except SlackApiError as exc:
        error = exc.response.get("error") or exc
        raise SystemExit(
            f"loopbot: Slack refused SLACK_APP_TOKEN ({error}): copy the App-Level Token"
            f" from {APP_TOKEN_PAGE}"
        ) from None
    except OSError as exc:
        raise SystemExit(unreachable(settings, exc)) from None


class _QuietHandler(WSGIRequestHandler):
    # A connection that sends nothing is dropped after this many seconds, instead of holding its
    # thread for ever (socketserver.StreamRequestHandler.timeout).
    timeout = 5

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        """Health checks come every few seconds: no access log line for each."""


@contextmanager
def health_server(health: HealthProbe, host: str, port: int) -> Iterator[None]:
    """GET /healthz on host:port in a thread, for Socket Mode; a port in use is a warning, not a stop
    (the app works without it; only a health check that needs it fails)."""

    class Server(ThreadingMixIn, WSGIServer):
        address_family = _family(host)
        daemon_threads = True

    try:
        httpd = make_server(host, port, health_app(health), server_class=Server, handler_class=_QuietHandler)
    except OSError as exc:
        log.warning(
            "server.health_unavailable port=%s reason=%r: GET /healthz is off; set PORT to a free port",
            port,
            exc.strerror or str(exc),
        )
        yield
        return
    thread = threading.Thread(target=httpd.serve_forever, args=(0.2,), name="healthz-server", daemon=True)
    thread.start()
    log.info("server.health_listening url=http://%s:%s%s", host, port, HEALTH_PATH)
    try:
        yield
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)
