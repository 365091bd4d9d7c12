"""The stand-in's mutable world: messages per conversation, views, modal stacks, trigger ids."""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.standin.workspace import Workspace, dm_id


class ApiError(Exception):
    """A Web API error answer: `{"ok": false, "error": code, ...extra}`."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


def invalid_arguments(*messages: str) -> ApiError:
    return ApiError("invalid_arguments", response_metadata={"messages": [f"[ERROR] {m}" for m in messages]})


@dataclass
class Call:
    """One request the stand-in received; `outcome` is "ok", an error code, "http_429", "dropped"..."""

    method: str
    args: dict[str, Any]
    at: float
    token: str | None = None
    outcome: str = "pending"
    status: int = 0


@dataclass
class Trigger:
    minted: float
    user: str | None
    used: bool = False


@dataclass
class ResponseUrl:
    """Where a response_url posts: a user in a channel; Slack takes 5 uses within 30 minutes."""

    user: str
    channel: str
    minted: float
    uses: int = 0


RESPONSE_USES, RESPONSE_TTL = 5, 30 * 60


@dataclass
class State:
    """Everything the Web API methods read and write; callers hold `lock` around each method call."""

    workspace: Workspace
    trigger_ttl: float = 3.0
    monotonic: Callable[[], float] = time.monotonic
    lock: threading.RLock = field(default_factory=threading.RLock)
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    ephemerals: list[dict[str, Any]] = field(default_factory=list)
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    view_owner: dict[str, str] = field(default_factory=dict)
    stacks: dict[str, list[str]] = field(default_factory=dict)
    homes: dict[str, str] = field(default_factory=dict)
    triggers: dict[str, Trigger] = field(default_factory=dict)
    responses: dict[str, ResponseUrl] = field(default_factory=dict)
    _last_us: int = 0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def new_ts(self) -> str:
        """A message ts: unique and increasing, like Slack's `seconds.micros`."""
        with self.lock:
            self._last_us = max(int(time.time() * 1_000_000), self._last_us + 1)
            return f"{self._last_us // 1_000_000}.{self._last_us % 1_000_000:06d}"

    def new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):08d}"

    def new_trigger_id(self, user: str | None = None) -> str:
        """Mint a trigger id as an interaction would: usable once, within `trigger_ttl` seconds."""
        trigger_id = f"{int(time.time())}.{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex[:16]}"
        with self.lock:
            self.triggers[trigger_id] = Trigger(minted=self.monotonic(), user=user)
        return trigger_id

    def use_trigger(self, trigger_id: str) -> Trigger:
        """Exchange a trigger id, or raise the error Slack gives for an unknown, reused or stale one."""
        trigger = self.triggers.get(trigger_id)
        if trigger is None:
            raise ApiError("invalid_trigger_id")
        if trigger.used:
            raise ApiError("exchanged_trigger_id")
        if self.monotonic() - trigger.minted > self.trigger_ttl:
            raise ApiError("expired_trigger_id")
        trigger.used = True
        return trigger

    def check_user(self, user_id: str) -> str:
        """A live user's id, or user_not_found / account_inactive."""
        user = self.workspace.user(user_id)
        if user is None:
            raise ApiError("user_not_found")
        if user.deleted:
            raise ApiError("account_inactive")
        return user.id

    def conversation(self, channel: str, posting: bool = False) -> str:
        """The conversation id for a channel argument (a user id means the app's DM with that user)."""
        if channel.startswith("#"):
            found = next((c for c in self.workspace.channels.values() if c.name == channel[1:]), None)
            channel = found.id if found else ""
        if channel[:1] in ("U", "W"):
            return dm_id(self.check_user(channel))
        if channel[:1] == "D":
            owner = next((u for u in ("U" + channel[1:], "W" + channel[1:]) if self.workspace.user(u)), None)
            if owner is None:
                raise ApiError("channel_not_found")
            self.check_user(owner)
            return channel
        found_channel = self.workspace.channels.get(channel)
        if found_channel is None or found_channel.deleted:
            raise ApiError("channel_not_found")
        if posting and found_channel.archived:
            raise ApiError("is_archived")
        if posting and not found_channel.bot_member:
            # Slack: a public channel the app is not in refuses posts; a private one is not even visible.
            raise ApiError("channel_not_found" if found_channel.is_private else "not_in_channel")
        return found_channel.id

    def find_message(self, conversation: str, ts: str) -> dict[str, Any] | None:
        return next((m for m in self.messages.get(conversation, []) if m["ts"] == ts), None)

    def new_response(self, user: str, channel: str) -> str:
        key = uuid.uuid4().hex
        with self.lock:
            self.responses[key] = ResponseUrl(user, channel, self.monotonic())
        return key

    def use_response(self, key: str, message: dict[str, Any]) -> tuple[int, str]:
        """Post through a response_url: ephemeral to its user unless `response_type` is in_channel."""
        found = self.responses.get(key)
        if found is None or self.monotonic() - found.minted > RESPONSE_TTL:
            return 404, "expired_url"
        if found.uses >= RESPONSE_USES:
            return 410, "used_url"
        if not message.get("text") and not message.get("blocks"):
            return 400, "no_text"
        found.uses += 1
        if message.get("response_type") == "in_channel":
            self.messages[found.channel].append({"type": "message", "ts": self.new_ts(), **message})
        else:
            self.ephemerals.append(
                {"channel": found.channel, "user": found.user, "text": message.get("text") or "",
                 "blocks": message.get("blocks"), "message_ts": self.new_ts(), "via": "response_url"}
            )  # fmt: skip
        return 200, "ok"
