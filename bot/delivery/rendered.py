"""What a delivery renders to: the posts to make, and where (bot/delivery/render.py builds them)."""

from __future__ import annotations

from dataclasses import dataclass, field

from blocks.message import Message


@dataclass(frozen=True)
class Part:
    """One post; `name` is stable across retries so the post can be found again by its metadata."""

    name: str
    message: Message
    in_thread: bool = False


@dataclass
class Rendered:
    """What to send for one delivery: optionally update a message, then post the parts in order."""

    channel: str  # a user id for DMs (chat.postMessage opens the app's DM), else a channel id
    parts: list[Part]
    thread_ts: str | None = None  # existing thread for in_thread parts (and the message to update)
    update: Message | None = None
    replied: list[int] = field(default_factory=list)  # digest: feedback ids whose scorecard is posted
