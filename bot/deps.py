"""What every handler and job is given: settings, the session factory, the clock and the Web API client."""

from __future__ import annotations

from dataclasses import dataclass, field

from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock, SystemClock
from bot.settings import Settings


@dataclass
class Deps:
    settings: Settings
    session_factory: sessionmaker[Session]
    client: WebClient
    clock: Clock = field(default_factory=SystemClock)
