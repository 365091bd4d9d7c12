"""The interviewer program's deliveries: how each kind renders, and when one is no longer worth sending.

bot/delivery/render.py and bot/delivery/relevance.py look these up by kind; each feature keeps its own.
"""

from __future__ import annotations

from bot.interviewers import dry_run_outbox, training_outbox
from bot.interviewers.outbox_types import Obsolete, Renderer

RENDERERS: dict[str, Renderer] = {**training_outbox.RENDERERS, **dry_run_outbox.RENDERERS}
OBSOLETE: dict[str, Obsolete] = {**training_outbox.OBSOLETE, **dry_run_outbox.OBSOLETE}
