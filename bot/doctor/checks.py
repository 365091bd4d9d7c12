"""The doctor's checks, one function each: a Check says what was found and, when it failed, what to do."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

CLOCK_SKEW_SECONDS = 5  # Slack refuses signatures over 5 minutes old; reminders need far better than that
# What .env.example and the README show in place of a real token.
_PLACEHOLDER = re.compile(r"^xox[a-z]-(your|x+|\.\.\.|changeme|placeholder)", re.IGNORECASE)


@dataclass(frozen=True)
class Check:
    """One line of the report: `fix` says what to do when `ok` is False."""

    name: str
    ok: bool
    detail: str
    fix: str = ""


def _error(exc: SlackApiError) -> str:
    return str(exc.response.get("error") or exc)


def token(client: WebClient, value: str) -> tuple[Check, SlackResponse | None]:
    """auth.test with the bot token: who the app is in which workspace (the response carries the scopes)."""
    if not value:
        return Check(
            "token", False, "SLACK_BOT_TOKEN is not set", "set it to the app's Bot User OAuth Token"
        ), None
    if not value.startswith("xoxb-") or _PLACEHOLDER.match(value):
        return Check(
            "token",
            False,
            "SLACK_BOT_TOKEN is not a bot token (it should start with xoxb-, not be a placeholder)",
            "copy the Bot User OAuth Token from your app's OAuth & Permissions page",
        ), None
    try:
        resp = client.auth_test()
    except SlackApiError as exc:
        fix = "reinstall the app to the workspace and copy the new Bot User OAuth Token"
        return Check("token", False, f"Slack refused the token: {_error(exc)}", fix), None
    except OSError as exc:
        return Check(
            "token", False, f"cannot reach Slack: {exc}", "check the network and SLACK_API_URL"
        ), None
    detail = f"the bot @{resp.get('user')} in workspace {resp.get('team')}"
    return Check("token", True, detail), resp


def scopes(granted: Collection[str], wanted: Collection[str]) -> Check:
    """The token's scopes (x-oauth-scopes) cover what manifest.yml asks for."""
    missing = sorted(set(wanted) - set(granted))
    if missing:
        return Check(
            "scopes",
            False,
            f"the token lacks {', '.join(missing)}",
            "paste manifest.yml into the app's settings again (App Manifest), then reinstall the app",
        )
    return Check("scopes", True, f"all {len(set(wanted))} scopes of manifest.yml are granted")


def channel(client: WebClient, channel_id: str, loops: Collection[str]) -> Check:
    """A loop's hiring channel exists and the app is in it (else its digest fails days later)."""
    name = f"hiring channel {channel_id} ({', '.join(sorted(loops))})"
    try:
        info = client.conversations_info(channel=channel_id)["channel"]
    except SlackApiError as exc:
        return Check(
            name,
            False,
            f"not found ({_error(exc)}): it does not exist, or it is private and loopbot is not in it",
            "in Slack, open the channel and type `/invite @loopbot`, or fix the loop's hiring_channel",
        )
    label = f"#{info.get('name', channel_id)}"
    if info.get("is_archived"):
        return Check(name, False, f"{label} is archived", "give the loop a live hiring channel")
    if not info.get("is_member"):
        how = (
            "invite it: `/invite @loopbot` in the channel"
            if info.get("is_private")
            else (
                "loopbot joins it by itself when a candidate is scheduled, or invite it: `/invite @loopbot`"
            )
        )
        return Check(name, False, f"loopbot is not in {label}", how)
    return Check(name, True, f"{label}, loopbot is a member")


def person(client: WebClient, user_id: str, roles: Collection[str]) -> Check:
    """A loop's recruiter or hiring manager is a live member of the workspace."""
    name = f"{' and '.join(sorted(roles))} {user_id}"
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError as exc:
        fix = "put the right Slack member id (or email) in the loop's content file and import it again"
        return Check(name, False, f"no such member ({_error(exc)})", fix)
    if user.get("deleted"):
        return Check(name, False, f"{user.get('real_name') or user_id} is deactivated", "name someone else")
    return Check(name, True, str(user.get("real_name") or user.get("name") or user_id))


def clock(headers: Mapping[str, object], now: datetime) -> Check:
    """This machine's clock against the Date header of Slack's answer."""
    raw = headers.get("Date") or headers.get("date")
    if isinstance(raw, list):
        raw = raw[0] if raw else None
    if not raw:
        return Check("clock", True, "Slack's answer had no Date header to compare with")
    skew = (now - parsedate_to_datetime(str(raw))).total_seconds()
    if abs(skew) > CLOCK_SKEW_SECONDS:
        return Check(
            "clock",
            False,
            f"this machine's clock is {skew:+.0f} s off Slack's",
            "synchronise it (NTP): request signatures and reminder times depend on it",
        )
    return Check("clock", True, f"within {CLOCK_SKEW_SECONDS} s of Slack's")
