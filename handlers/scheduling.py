"""Bolt listeners for the scheduling modal and the status view actions (move, reassign, cancel)."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps


def register(app: App, deps: Deps) -> None:
    """Attach this surface's listeners to the app."""
