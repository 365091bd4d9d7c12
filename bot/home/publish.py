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
from bot.home.queries import DEFAULT_LIMITS, load_home
from bot.home.refresh import InlineHomes
from bot.interviewers.load import Limits

DEFAULT_SLA = timedelta(hours=24)


def build_home(
    session: Session,
    user_id: str,
    now: datetime,
    admins: Collection[str] = (),
    sla: timedelta = DEFAULT_SLA,
    limits: Limits = DEFAULT_LIMITS,
) -> View:
    """The user's App Home view, read in one session; `limits`: the default interview limits."""
    return home_view(load_home(session, user_id, now, admins, limits), now, sla)


def publish_home(
    client: WebClient,
    session_factory: sessionmaker[Session],
    user_id: str,
    now: datetime,
    admins: Collection[str] = (),
    sla: timedelta = DEFAULT_SLA,
    limits: Limits = DEFAULT_LIMITS,
) -> None:
    """(Re)publish a user's App Home; call it after anything that user sees there has changed."""
    with reading(session_factory) as s:
        view = build_home(s, user_id, now, admins, sla, limits)
    client.views_publish(user_id=user_id, view=view)


def settings_limits(deps: Deps) -> Limits:
    """The interview limits LOOPBOT_WEEKLY_LIMIT and LOOPBOT_DAILY_LIMIT set for people without their own."""
    return Limits(deps.settings.weekly_limit, deps.settings.daily_limit)


def home_publisher(deps: Deps) -> Callable[[str], None]:
    """Publish one user's home as of now: what a HomeRefresher calls."""

    def publish(user_id: str) -> None:
        now = deps.clock.now()
        settings = deps.settings
        publish_home(
            deps.client,
            deps.session_factory,
            user_id,
            now,
            settings.admins,
            settings.feedback_sla,
            settings_limits(deps),
        )

    return publish


def publish_homes(deps: Deps, users: Collection[str]) -> None:
    """Ask for several users' homes to be refreshed (e.g. a panel after scheduling), off the request path.

    Without a refresher in `deps` (a job, a handler test) they are published at once.
    """
    (deps.homes or InlineHomes(home_publisher(deps))).request(users)
