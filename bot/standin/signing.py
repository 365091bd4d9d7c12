"""Requests as Slack sends them: signed headers and the bodies of slash commands, interactions and events."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

from bot.standin.workspace import APP_ID, TEAM_ID, dm_id

_ids = itertools.count(1)


def signature(secret: str, body: bytes, timestamp: int | str) -> str:
    """`v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}` with the signing secret."""
    base = f"v0:{timestamp}:".encode() + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(
    secret: str,
    body: bytes,
    timestamp: int | None = None,
    *,
    retry_num: int | None = None,
    retry_reason: str = "http_timeout",
) -> dict[str, str]:
    """Headers of a signed Slack request; JSON bodies (events) get a JSON content type, others form."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    is_json = body.lstrip()[:1] == b"{"
    headers = {
        "Content-Type": "application/json" if is_json else "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature(secret, body, ts),
    }
    if retry_num is not None:
        headers["X-Slack-Retry-Num"] = str(retry_num)
        headers["X-Slack-Retry-Reason"] = retry_reason
    return headers


def slash_command_body(
    text: str = "",
    *,
    user: str = "U0ENGLEAD",
    command: str = "/loop",
    channel: str | None = None,
    trigger_id: str = "",
    team: str = TEAM_ID,
    response_url: str = "",
) -> bytes:
    """The form-encoded body of a slash command invocation (`response_url` from StandIn.new_response_url)."""
    return urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": team,
            "team_domain": "standin",
            "channel_id": channel or dm_id(user),
            "channel_name": "directmessage",
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": response_url or f"https://hooks.slack.invalid/commands/{team}/{next(_ids)}/x",
            "trigger_id": trigger_id or f"{next(_ids)}.unminted",
        }
    ).encode()


def _base(kind: str, user: str, trigger_id: str, team: str) -> dict[str, Any]:
    return {
        "type": kind,
        "team": {"id": team, "domain": "standin"},
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team},
        "api_app_id": APP_ID,
        "token": "legacy-verification-token",
        "trigger_id": trigger_id or f"{next(_ids)}.unminted",
        "is_enterprise_install": False,
    }


def block_actions_payload(
    user: str,
    action_id: str,
    value: str = "",
    *,
    block_id: str = "actions",
    trigger_id: str = "",
    channel: str | None = None,
    message: dict[str, Any] | None = None,
    view: dict[str, Any] | None = None,
    team: str = TEAM_ID,
) -> dict[str, Any]:
    """A button click: in a message (the app's DM by default) or, with `view`, in a modal or App Home."""
    payload = _base("block_actions", user, trigger_id, team)
    action = {"type": "button", "action_id": action_id, "block_id": block_id, "value": value,
              "action_ts": f"{time.time():.6f}"}  # fmt: skip
    payload["actions"] = [action]
    if view is not None:
        payload["container"] = {"type": "view", "view_id": view.get("id", "V0")}
        payload["view"] = view
    else:
        conversation = channel or dm_id(user)
        ts = (message or {}).get("ts", "1700000000.000100")
        payload["container"] = {"type": "message", "channel_id": conversation, "message_ts": ts}
        payload["channel"] = {"id": conversation, "name": "directmessage"}
        payload["message"] = message or {"type": "message", "ts": ts, "text": ""}
        payload["response_url"] = f"https://hooks.slack.invalid/actions/{team}/{next(_ids)}/x"
    return payload


def view_submission_payload(
    user: str, view: dict[str, Any], *, trigger_id: str = "", team: str = TEAM_ID
) -> dict[str, Any]:
    """A modal submitted; `view` should carry `state.values` as Slack sends them."""
    payload = _base("view_submission", user, trigger_id, team)
    payload["view"] = view
    payload["response_urls"] = []
    return payload


def view_closed_payload(user: str, view: dict[str, Any], *, team: str = TEAM_ID) -> dict[str, Any]:
    """A modal closed with notify_on_close set."""
    payload = _base("view_closed", user, "", team)
    payload.pop("trigger_id")
    payload["view"] = view
    payload["is_cleared"] = False
    return payload


def interaction_body(payload: dict[str, Any]) -> bytes:
    """Interactive payloads arrive form-encoded as `payload=<json>`."""
    return urlencode({"payload": json.dumps(payload)}).encode()


def app_home_opened(user: str, tab: str = "home") -> dict[str, Any]:
    return {"type": "app_home_opened", "user": user, "channel": dm_id(user), "tab": tab,
            "event_ts": f"{time.time():.6f}"}  # fmt: skip


def event_body(
    event: dict[str, Any], *, event_id: str | None = None, team: str = TEAM_ID, event_time: int | None = None
) -> bytes:
    """An Events API `event_callback` envelope (JSON); reuse `event_id` to model Slack's retries."""
    return json.dumps(
        {
            "token": "legacy-verification-token",
            "team_id": team,
            "api_app_id": APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(_ids):010d}",
            "event_time": event_time or int(time.time()),
            "authorizations": [{"team_id": team, "user_id": "U0LOOPBOT", "is_bot": True}],
        }
    ).encode()


def socket_mode_envelope(
    body: bytes, *, kind: str = "events_api", retry_attempt: int = 0, retry_reason: str = ""
) -> dict[str, Any]:
    """What Slack sends over a Socket Mode WebSocket for `body`: the payload inside an envelope.

    The shape is Slack's (see bolt-python issue #1484 and slack_sdk's SocketModeRequest.from_dict):
    `retry_attempt` is 0 on a first delivery, not absent, and Bolt's adapter turns it into the
    `x-slack-retry-num` header that HTTP requests carry.
    """
    return {
        "envelope_id": f"env-{next(_ids):010d}",
        "type": kind,
        "payload": json.loads(body),
        "accepts_response_payload": kind != "events_api",
        "retry_attempt": retry_attempt,
        "retry_reason": retry_reason,
    }
