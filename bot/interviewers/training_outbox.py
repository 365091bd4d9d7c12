"""Deliveries of the training feature: renderers and relevance checks by delivery kind."""

from __future__ import annotations

from bot.interviewers.outbox_types import Obsolete, Renderer

RENDERERS: dict[str, Renderer] = {}
OBSOLETE: dict[str, Obsolete] = {}
