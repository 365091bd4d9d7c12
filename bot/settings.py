"""One settings object, read from the environment (and an optional .env file) once at start-up."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Annotated

from pydantic import BeforeValidator, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.db import normalise_url
from bot.delivery.hours_logic import parse_window

_DURATION = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


class SettingsError(SystemExit):
    """A setting is missing or malformed; the message names the variable."""


def parse_duration(value: str) -> timedelta:
    """Parse `90s`, `15m`, `1h` or `2d` into a timedelta."""
    match = _DURATION.match(value)
    if not match:
        raise ValueError(f"{value!r} is not a duration like 90s, 15m, 1h or 2d")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def _durations(value: object) -> object:
    if isinstance(value, str):
        return [parse_duration(part) for part in value.split(",") if part.strip()]
    return value


def _duration(value: object) -> object:
    return parse_duration(value) if isinstance(value, str) else value


def _csv(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


Durations = Annotated[list[timedelta], NoDecode, BeforeValidator(_durations)]
Duration = Annotated[timedelta, BeforeValidator(_duration)]
Csv = Annotated[list[str], NoDecode, BeforeValidator(_csv)]


class Settings(BaseSettings):
    """Every setting loopbot reads; the README lists them with their defaults."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field("sqlite:///loopbot.db", alias="DATABASE_URL")
    slack_bot_token: str = Field("", alias="SLACK_BOT_TOKEN")
    slack_signing_secret: str = Field("", alias="SLACK_SIGNING_SECRET")
    slack_app_token: str = Field("", alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field("https://slack.com/api/", alias="SLACK_API_URL")
    port: int = Field(3000, alias="PORT")
    admins: Csv = Field(default_factory=list, alias="LOOPBOT_ADMINS")
    prep_leads: Durations = Field(
        default_factory=lambda: [parse_duration("24h"), parse_duration("1h")], alias="LOOPBOT_PREP_LEADS"
    )
    feedback_reminders: Durations = Field(
        default_factory=lambda: [parse_duration("2h"), parse_duration("20h")],
        alias="LOOPBOT_FEEDBACK_REMINDERS",
    )
    feedback_sla: Duration = Field(timedelta(hours=24), alias="LOOPBOT_FEEDBACK_SLA")
    digest_deadline: Duration = Field(timedelta(hours=48), alias="LOOPBOT_DIGEST_DEADLINE")
    tick_seconds: float = Field(15.0, gt=0, alias="LOOPBOT_TICK_SECONDS")
    working_hours: str = Field("09:00-18:00", alias="LOOPBOT_WORKING_HOURS")
    lease_seconds: float = Field(60.0, gt=0, alias="LOOPBOT_LEASE_SECONDS")
    send_concurrency: int = Field(
        8,
        ge=1,
        le=64,
        alias="LOOPBOT_SEND_CONCURRENCY",
        description="The most Slack posts one replica has in flight. The dispatcher keeps"
        " LOOPBOT_POST_RATE x the measured time a post occupies a send thread x 1.25 in flight"
        " (Little's law), never more than this.",
    )
    post_rate: float = Field(
        48.0,
        gt=0,
        le=1000,
        alias="LOOPBOT_POST_RATE",
        description="chat.postMessage calls per second for the whole workspace, shared by every"
        " replica through the send_pace row; keep it under Slack's workspace cap, so 429s stay rare.",
    )
    post_burst: int = Field(
        5,
        ge=1,
        le=50,
        alias="LOOPBOT_POST_BURST",
        description="How many posts may go at once after a quiet spell before LOOPBOT_POST_RATE"
        " spaces them out (it also lets a late send thread catch up its slot).",
    )
    weekly_limit: int = Field(
        5,
        ge=1,
        le=50,
        alias="LOOPBOT_WEEKLY_LIMIT",
        description="Interviews per person per week (Monday to Sunday, UTC) unless their pool entry"
        " says otherwise; scheduling above it asks for confirmation.",
    )
    daily_limit: int = Field(
        2, ge=1, le=20, alias="LOOPBOT_DAILY_LIMIT", description="Interviews per person per day (UTC)."
    )
    log_level: str = Field("INFO", alias="LOOPBOT_LOG_LEVEL")

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: str) -> str:
        return normalise_url(value)

    @field_validator("working_hours")
    @classmethod
    def _window(cls, value: str) -> str:
        parse_window(value)
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        if value.upper() not in logging.getLevelNamesMapping():
            raise ValueError(f"{value!r} is not a log level (DEBUG, INFO, WARNING, ERROR)")
        return value.upper()

    def require(self, *names: str) -> None:
        """Fail with a one-line message naming the first variable that a command needs and is unset."""
        for env_name in names:
            field = next(k for k, f in type(self).model_fields.items() if f.alias == env_name)
            if not getattr(self, field):
                raise SettingsError(f"loopbot: {env_name} is not set; set it in the environment or in .env")


def load_settings(**overrides: object) -> Settings:
    """Build the settings once; a malformed variable ends start-up with a message naming it."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "?"
        alias = Settings.model_fields[field].alias if field in Settings.model_fields else field
        message = str(error["msg"]).removeprefix("Value error, ")  # pydantic's prefix for a ValueError
        raise SettingsError(f"loopbot: {alias} is invalid: {message}") from None
