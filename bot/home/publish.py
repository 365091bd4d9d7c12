"""Building and publishing a user's App Home view, at once or through the app's refresher."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.models.views import View
from sqlalchemy.orm import Session, sessionmaker

from blocks.home import home_view
from bot.db import reading
from bot.deps import Deps
from bot.home.queries import load_home
from bot.home.refresh import InlineHomes

DEFAULT_SLA = timedelta(hours=24)


def build_home(
    session: Session, user_id: str, now: datetime, admins: Collection[str] = (), sla: timedelta = DEFAULT_SLA
) -> View:
    """The user's App Home view, read in one session."""
    return home_view(load_home(session, user_id, now, admins), now, sla)


def publish_home(
    client: WebClient,
    session_factory: sessionmaker[Session],
    user_id: str,
    now: datetime,
    admins: Collection[str] = (),
    sla: timedelta = DEFAULT_SLA,
) -> None:
    """(Re)publish a user's App Home; call it after anything that user sees there has changed."""
    with reading(session_factory) as s:
        view = build_home(s, user_id, now, admins, sla)
    client.views_publish(user_id=user_id, view=view)


def home_publisher(deps: Deps) -> Callable[[str], None]:
    """Publish one user's home as of now: what a HomeRefresher calls."""

    def publish(user_id: str) -> None:
        now = deps.clock.now()
        publish_home(deps.client, deps.session_factory, user_id, now, deps.settings.admins,
                     deps.settings.feedback_sla)  # fmt: skip

    return publish


def publish_homes(deps: Deps, users: Collection[str]) -> None:
    """Ask for several users' homes to be refreshed (e.g. a panel after scheduling), off the request path.

    Without a refresher in `deps` (a job, a handler test) they are published at once.
    """
    (deps.homes or InlineHomes(home_publisher(deps))).request(users)
