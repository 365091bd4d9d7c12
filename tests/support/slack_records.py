"""What the Slack stand-in saw, as the delivery tests read it: accepted posts and their key hashes."""

from __future__ import annotations

import json
from typing import Any

from bot.delivery.slack_io import EVENT_TYPE
from bot.standin import Call, Channel, StandIn, User, Workspace

# A post took effect when Slack answered ok, or when it stored the message and then lost the answer.
ACCEPTED = frozenset({"ok", "accepted_dropped"})


def workspace() -> Workspace:
    """Any U... id is a live user in UTC, except two with a zone of their own; one hiring channel."""
    ws = Workspace(auto_users=True)
    ws.add_user(User("UBERLIN", "berta", "Berta Berlin", tz="Europe/Berlin"))
    ws.add_user(User("UNY", "nate", "Nate New-York", tz="America/New_York"))
    ws.add_user(User("ULEFT", "left", "Left The Company", deleted=True))
    ws.add_channel(Channel("C0HIRING", "hiring-test"))
    return ws


def posts(slack: StandIn) -> list[Call]:
    """chat.postMessage calls that created a message, in arrival order."""
    return [c for c in slack.calls_to("chat.postMessage") if c.outcome in ACCEPTED]


def key_hash_of(call: Call) -> str | None:
    metadata: Any = call.args.get("metadata")
    if isinstance(metadata, str):
        metadata = json.loads(metadata)
    if not isinstance(metadata, dict) or metadata.get("event_type") != EVENT_TYPE:
        return None
    return str(metadata["event_payload"]["key_hash"])


def post_hashes(slack: StandIn) -> list[str]:
    """The dedupe key hash of every accepted post, one entry per post."""
    return [h for h in map(key_hash_of, posts(slack)) if h is not None]


def top_level(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Messages that are not thread replies (a thread's parent carries its own ts as thread_ts)."""
    return [m for m in messages if m.get("thread_ts") in (None, m["ts"])]


def replies(messages: list[dict[str, Any]], parent_ts: str | None = None) -> list[dict[str, Any]]:
    """Thread replies, to `parent_ts` only when given."""
    return [
        m
        for m in messages
        if m.get("thread_ts") not in (None, m["ts"]) and parent_ts in (None, m.get("thread_ts"))
    ]
