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
from handlers.replies import reply_privately

log = logging.getLogger("loopbot.digest")


def handle_release_scorecards(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """'Release scorecards now' on a digest that holds them back while feedback is missing."""
    ack()
    deps: Deps = context["deps"]
    user, cl_id = body["user"]["id"], int(body["actions"][0]["value"])
    channel = (body.get("channel") or {}).get("id")
    try:
        with deps.session_factory.begin() as s:
            now, admins = deps.clock.now(), deps.settings.admins
            released = digest_service.release_scorecards(s, cl_id, user, now, admins)
    except ReleaseRefused as refused:
        reply_privately(client, channel, user, refused.text, [])
        return
    log.info("digest.released candidate_loop=%s user=%s first=%s", cl_id, user, released)
    text = (
        ":unlock: Released: the scores and scorecards are being added to the digest and its thread."
        if released
        else "The scorecards were already released."
    )
    reply_privately(client, channel, user, text, [])


def register(app: App) -> None:
    """Attach this surface's listeners to the app."""
    app.action(ActionId.RELEASE_SCORECARDS)(handle_release_scorecards)
