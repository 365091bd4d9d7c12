"""What every handler and job is given: settings, the session factory, the clock and the Web API client."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock, SystemClock
from bot.settings import Settings


class Homes(Protocol):
    """Where App Home refreshes are asked for (bot/home/refresh.py)."""

    def request(self, users: Iterable[str]) -> None: ...

    def close(self) -> None: ...


@dataclass
class Deps:
    settings: Settings
    session_factory: sessionmaker[Session]
    client: WebClient
    clock: Clock = field(default_factory=SystemClock)
    homes: Homes | None = None  # set by create_app
