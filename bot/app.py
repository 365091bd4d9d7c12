"""The Bolt app factory: nothing Slack-related is created at import time."""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock, SystemClock
from bot.delivery.pacing import SharedRate
from bot.deps import Deps
from bot.guard.envelope import reject_malformed
from bot.guard.errors import handle_error
from bot.guard.logs import quiet_body_loggers
from bot.guard.trouble import AfterAck
from bot.home.publish import home_publisher
from bot.home.refresh import HomeRefresher, InlineHomes
from bot.settings import Settings
from handlers import changes, commands, digest, feedback, home, scheduling
from handlers.interviewers import dry_runs, training

log = logging.getLogger("loopbot.app")
HOME_PUBLISH_PER_MINUTE = 100  # Slack's Tier 4, which views.publish is in
# Listeners run after the ack on Bolt's executor (5 threads by default): a few waiting on a slow
# database must not leave a click unacknowledged for 3 s (Slack then shows an error, Bolt a 404).
LISTENER_THREADS = 16
_DEPS: weakref.WeakKeyDictionary[App, Deps] = weakref.WeakKeyDictionary()
_AFTER_ACK: weakref.WeakKeyDictionary[App, AfterAck] = weakref.WeakKeyDictionary()


def deps_of(app: App) -> Deps:
    """The Deps an app's listeners get (to close its home refresher, say)."""
    return _DEPS[app]


def after_ack_of(app: App) -> AfterAck:
    """Where an app's listeners retry writes after the ack (close it when done with the app)."""
    return _AFTER_ACK[app]


def make_client(settings: Settings) -> WebClient:
    """The Web API client, pointed at SLACK_API_URL."""
    base_url = (
        settings.slack_api_url if settings.slack_api_url.endswith("/") else settings.slack_api_url + "/"
    )
    return WebClient(token=settings.slack_bot_token or None, base_url=base_url)


def skip_event_retries(req: BoltRequest, next: Callable[[], None]) -> BoltResponse | None:
    """Acknowledge an Events API retry without running listeners again (Bolt does not dedupe them).

    Slack retries only what it thinks went unacknowledged; our only event (app_home_opened) is an
    idempotent refresh, so a skipped retry costs at most a stale home tab, never a double effect.
    Runs after Bolt's built-in middleware, so the signature is verified first.

    Only a number above 0 is a retry: Bolt's Socket Mode adapter copies the envelope's `retry_attempt`
    into this header, and Slack sends `retry_attempt: 0` with every first delivery.
    """
    if retry_number(req.headers.get("x-slack-retry-num")) > 0:
        reason = (req.headers.get("x-slack-retry-reason") or ["?"])[0]
        log.info("event.retry_skipped num=%s reason=%r", req.headers["x-slack-retry-num"][0][:8], reason[:40])
        return BoltResponse(status=200, body="")
    next()
    return None


def retry_number(values: Sequence[str] | None) -> int:
    """The `x-slack-retry-num` header as a number; 0 when absent or unreadable (a first delivery)."""
    try:
        return int(values[0]) if values else 0
    except ValueError:
        return 0


def inject_deps(deps: Deps, after_ack: AfterAck) -> Callable[[BoltContext, Callable[[], None]], None]:
    """A global middleware giving every listener `context["deps"]` and `context["after_ack"]`."""

    def middleware(context: BoltContext, next: Callable[[], None]) -> None:
        context["deps"] = deps
        context["after_ack"] = after_ack
        next()

    return middleware


def create_app(
    settings: Settings,
    session_factory: sessionmaker[Session],
    clock: Clock | None = None,
    client: WebClient | None = None,
    process_before_response: bool = False,
    after_ack: AfterAck | None = None,
) -> App:
    """Build the Bolt app and register every surface's listeners.

    `process_before_response=True` makes a dispatch return only after the listener has finished
    (the demo uses it so its simulated clock never runs ahead of work still going on after ack());
    App Home refreshes are then published inline too, instead of by a background HomeRefresher.
    Close the refresher with `deps_of(app).homes.close()` when done with the app.
    `after_ack` retries writes a listener could not record after its ack (bot/guard/trouble.py).
    """
    client = client or make_client(settings)
    app = App(
        # The token, not `client`: given a client, Bolt still reads SLACK_BOT_TOKEN from the environment
        # and then warns at every start that "`token` will be unused". Its own client is pointed at
        # SLACK_API_URL below; listeners' per-request clients copy its base_url.
        token=client.token,
        signing_secret=settings.slack_signing_secret or "unset",
        token_verification_enabled=False,
        request_verification_enabled=True,
        process_before_response=process_before_response,
        # Unhandled requests go to handle_error (one INFO line) instead of a warning quoting the body.
        raise_error_for_unhandled_request=True,
        listener_executor=ThreadPoolExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="listener"),
    )
    app.client.base_url = client.base_url
    app.client.timeout = client.timeout
    quiet_body_loggers()  # after App(): Bolt's signature check logs rejected bodies in full
    app.error(handle_error)
    deps = Deps(
        settings=settings, session_factory=session_factory, client=client, clock=clock or SystemClock()
    )
    publish = home_publisher(deps)
    if process_before_response:
        deps.homes = InlineHomes(publish)
    else:  # one views.publish schedule for every worker and replica on this database
        rate = HOME_PUBLISH_PER_MINUTE / 60
        shared = SharedRate(session_factory, rate=rate, burst=10, name="views.publish")
        deps.homes = HomeRefresher(publish, per_minute=HOME_PUBLISH_PER_MINUTE, shared=shared)
    _DEPS[app] = deps
    _AFTER_ACK[app] = after_ack = after_ack or AfterAck()
    app.use(reject_malformed)
    app.use(skip_event_retries)
    app.use(inject_deps(deps, after_ack))
    # Bolt runs the first listener that matches, trying them in order: the busiest surface goes first.
    for surface in (feedback, commands, home, scheduling, changes, digest, training, dry_runs):
        surface.register(app)
    return app
