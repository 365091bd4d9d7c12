"""The dispatcher's Slack side: a no-retry client for posts, time zones, history lookups."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slack_sdk import WebClient

from blocks.message import Message
from bot.delivery.rendered import Rendered
from bot.delivery.retry_logic import key_hash

EVENT_TYPE = "loopbot_delivery"
HISTORY_LIMIT = 200


def posting_client(client: WebClient, timeout: float) -> WebClient:
    """A copy of `client` without retry handlers: a retried connection error can duplicate a post."""
    return WebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=int(max(1, min(client.timeout, timeout))),
        ssl=client.ssl,
        proxy=client.proxy,
        headers=dict(client.headers),
        retry_handlers=[],
    )


class TzCache:
    """Recipients' Slack time zones from users.info, cached; unknown on any error (callers use UTC)."""

    def __init__(
        self, client: WebClient, ttl: float = 6 * 3600, monotonic: Callable[[], float] = time.monotonic
    ):
        self._client, self._ttl, self._mono = client, ttl, monotonic
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float, str | None]] = {}

    def get(self, user: str) -> str | None:
        """The IANA zone name of a user, or None."""
        with self._lock:
            hit = self._cache.get(user)
        if hit and hit[0] > self._mono():
            return hit[1]
        try:
            found = self._client.users_info(user=user)["user"].get("tz")
            tz = str(found) if found else None
        except Exception:  # noqa: BLE001 - a missing zone only means UTC working hours; not cached
            return None
        with self._lock:
            self._cache[user] = (self._mono() + self._ttl, tz)
        return tz


def metadata(dedupe_key: str, part: str) -> dict[str, Any]:
    """Message metadata carrying the hash that identifies this post."""
    return {"event_type": EVENT_TYPE, "event_payload": {"key_hash": key_hash(dedupe_key, part)}}


def _hashes(messages: list[dict[str, Any]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for m in messages:
        md = m.get("metadata") or {}
        if md.get("event_type") == EVENT_TYPE:
            h = (md.get("event_payload") or {}).get("key_hash")
            if h:
                found[str(h)] = str(m.get("ts"))
    return found


def conversation_id(client: WebClient, channel: str) -> str:
    """The conversation id to read history from: DMs are opened by user id."""
    if channel[:1] in ("U", "W"):
        return str(client.conversations_open(users=channel)["channel"]["id"])
    return channel


@dataclass
class Progress:
    """What an attempt achieved so far; survives an exception half-way through the parts."""

    channel: str | None = None
    first_ts: str | None = None
    posted: int = 0
    looked: bool = False  # history was searched (or there was nothing to search for)
    waited: float = 0.0  # seconds slept for pacing
    found: dict[str, str] = field(default_factory=dict)


def find_posted(client: WebClient, dedupe_key: str, rendered: Rendered, progress: Progress) -> None:
    """Look for this delivery's parts in recent history (and in the thread) by their metadata hash."""
    channel = conversation_id(client, rendered.channel)
    progress.channel = channel
    history = client.conversations_history(channel=channel, limit=HISTORY_LIMIT, include_all_metadata=True)
    found = _hashes(history.get("messages", []))
    thread = rendered.thread_ts
    main = next((p for p in rendered.parts if not p.in_thread), None)
    if thread is None and main is not None:
        thread = found.get(key_hash(dedupe_key, main.name))
    if thread and any(p.in_thread for p in rendered.parts):
        replies = client.conversations_replies(
            channel=channel, ts=thread, limit=HISTORY_LIMIT, include_all_metadata=True
        )
        found.update(_hashes(replies.get("messages", [])))
    progress.found = found


def _args(message: Message) -> dict[str, Any]:
    args: dict[str, Any] = {"text": message.text}
    if message.blocks:
        args["blocks"] = message.blocks_dicts()
    return args


def send(
    client: WebClient,
    dedupe_key: str,
    rendered: Rendered,
    progress: Progress,
    before_post: Callable[[str], None],
) -> None:
    """Update, then post each part not already found; `before_post(channel)` waits out throttling."""
    thread = rendered.thread_ts
    if rendered.update is not None and thread:
        client.chat_update(channel=rendered.channel, ts=thread, **_args(rendered.update))
    for part in rendered.parts:
        ts = progress.found.get(key_hash(dedupe_key, part.name))
        if ts is None:
            before_post(rendered.channel)
            resp = client.chat_postMessage(
                channel=rendered.channel,
                thread_ts=thread if part.in_thread else None,
                metadata=metadata(dedupe_key, part.name),
                **_args(part.message),
            )
            progress.posted += 1
            progress.channel = str(resp.get("channel") or progress.channel or rendered.channel)
            ts = str(resp.get("ts"))
        if not part.in_thread:
            progress.first_ts = progress.first_ts or ts
            thread = thread or ts
