"""Listeners for the interviewer program's training."""

from __future__ import annotations

from slack_bolt import App


def register(app: App) -> None:
    """Register this surface's listeners on `app`."""
    del app
