"""A message ready to post: fallback text plus Block Kit blocks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import Block


@dataclass(frozen=True)
class Message:
    """What chat.postMessage / chat.update take: `text` is the notification fallback."""

    text: str
    blocks: list[Block] = field(default_factory=list)
    metadata: dict[str, Any] | None = None

    def blocks_dicts(self) -> list[dict[str, Any]]:
        return [block.to_dict() for block in self.blocks]
