"""The Bolt app factory: nothing Slack-related is created at import time."""

from __future__ import annotations

from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock, SystemClock
from bot.deps import Deps
from bot.settings import Settings


def make_client(settings: Settings) -> WebClient:
    """The Web API client, pointed at SLACK_API_URL."""
    base_url = settings.slack_api_url if settings.slack_api_url.endswith("/") else settings.slack_api_url + "/"
    return WebClient(token=settings.slack_bot_token or None, base_url=base_url)


def create_app(
    settings: Settings,
    session_factory: sessionmaker[Session],
    clock: Clock | None = None,
    client: WebClient | None = None,
) -> App:
    """Build the Bolt app and register every surface's listeners."""
    from handlers import actions, commands, events, scheduling, views

    client = client or make_client(settings)
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret or "unset",
        token_verification_enabled=False,
    )
    deps = Deps(settings=settings, session_factory=session_factory, client=client, clock=clock or SystemClock())
    for surface in (actions, commands, events, scheduling, views):
        surface.register(app, deps)
    return app
