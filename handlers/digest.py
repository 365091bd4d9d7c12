"""Bolt listener for the debrief digest in the hiring channel: releasing held-back scorecards."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from blocks.ids import ActionId
from bot.deps import Deps
from bot.digest import service as digest_service
from bot.digest.service import ReleaseRefused
from bot.guard import inputs
from bot.guard.errors import after_ack_safe
from handlers.replies import after_ack, reply_privately

log = logging.getLogger("loopbot.digest")


RELEASE_WAITING = (
    ":hourglass: loopbot's database is busy or unreachable, so the scorecards are not released yet. "
    "loopbot keeps trying for a few minutes and says so here when they are."
)
RELEASE_LOST = (
    ":warning: The scorecards were not released: loopbot could not reach its database. "
    "Press *Release scorecards now* again in a few minutes."
)


def handle_release_scorecards(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """'Release scorecards now' on a digest that holds them back while feedback is missing."""
    ack()
    deps: Deps = context["deps"]
    user, cl_id = inputs.actor(body), inputs.clicked_id(body)
    channel = inputs.channel_id((body.get("channel") or {}).get("id"))
    retry = after_ack(context)

    def attempt() -> bool | ReleaseRefused:
        try:
            with retry.sessions(deps.session_factory).begin() as s:
                now, admins = deps.clock.now(), deps.settings.admins
                return digest_service.release_scorecards(s, cl_id, user, now, admins)
        except ReleaseRefused as refused:
            return refused

    def done(released: bool | ReleaseRefused) -> None:
        if isinstance(released, ReleaseRefused):
            reply_privately(client, channel, user, released.text, [])
            return
        log.info("digest.released candidate_loop=%s user=%s first=%s", cl_id, user, released)
        text = (
            ":unlock: Released: the scores and scorecards are being added to the digest and its thread."
            if released
            else "The scorecards were already released."
        )
        reply_privately(client, channel, user, text, [])

    def tell(text: str) -> None:
        reply_privately(client, channel, user, text, [])

    retry.run(
        "release", attempt, done, waiting=lambda: tell(RELEASE_WAITING), gave_up=lambda: tell(RELEASE_LOST)
    )


def register(app: App) -> None:
    """Attach this surface's listeners to the app."""
    app.action(ActionId.RELEASE_SCORECARDS)(after_ack_safe(handle_release_scorecards))
