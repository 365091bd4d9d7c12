"""Settings: defaults, durations, and one-line errors that name the variable."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.db import make_engine
from bot.settings import Settings, SettingsError, load_settings, parse_duration


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    for name in ("DATABASE_URL", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "LOOPBOT_PREP_LEADS", "PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(str(tmp_path))  # no stray .env


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90s", timedelta(seconds=90)),
        ("15m", timedelta(minutes=15)),
        ("1h", timedelta(hours=1)),
        ("2d", timedelta(days=2)),
    ],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


def test_defaults() -> None:
    settings = load_settings()
    assert settings.database_url == "sqlite:///loopbot.db"
    assert settings.port == 3000
    assert settings.prep_leads == [timedelta(hours=24), timedelta(hours=1)]
    assert settings.feedback_reminders == [timedelta(hours=2), timedelta(hours=20)]
    assert settings.feedback_sla == timedelta(hours=24)
    assert settings.digest_deadline == timedelta(hours=48)
    assert settings.tick_seconds == 15


def test_lists_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOOPBOT_PREP_LEADS", "48h, 30m")
    monkeypatch.setenv("LOOPBOT_ADMINS", "U1,U2")
    settings = load_settings()
    assert settings.prep_leads == [timedelta(hours=48), timedelta(minutes=30)]
    assert settings.admins == ["U1", "U2"]


def test_bad_duration_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOOPBOT_PREP_LEADS", "24h,soon")
    with pytest.raises(SettingsError, match=r"^loopbot: LOOPBOT_PREP_LEADS is invalid: .*'soon'"):
        load_settings()


def test_bad_number_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "eighty")
    with pytest.raises(SettingsError, match=r"^loopbot: PORT is invalid"):
        load_settings()


def test_missing_required_value_names_it() -> None:
    with pytest.raises(SettingsError, match=r"^loopbot: SLACK_SIGNING_SECRET is not set"):
        load_settings(SLACK_BOT_TOKEN="xoxb-1").require("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")


@pytest.mark.parametrize(("name", "value"), [("LOOPBOT_WORKING_HOURS", "9-5"), ("LOOPBOT_LOG_LEVEL", "LOUD")])
def test_malformed_window_and_level_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=rf"^loopbot: {name} is invalid"):
        load_settings()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u:p@db:5432/loopbot", "postgresql://u:p@db:5432/loopbot"),  # Heroku-style
        ("postgresql://u@db/loopbot", "postgresql://u@db/loopbot"),
        ("postgresql+psycopg://u@db/loopbot", "postgresql+psycopg://u@db/loopbot"),
        ("sqlite:///loopbot.db", "sqlite:///loopbot.db"),
    ],
)
def test_database_urls_loopbot_can_use(url: str, expected: str) -> None:
    assert Settings(DATABASE_URL=url, _env_file=None).database_url == expected


def test_postgres_scheme_makes_a_psycopg_engine() -> None:
    engine = make_engine("postgres://u@127.0.0.1:1/loopbot")
    assert (engine.dialect.name, engine.dialect.driver) == ("postgresql", "psycopg")
    engine.dispose()


@pytest.mark.parametrize("url", ["mysql://u@db/x", "postgresql+psycopg2://u@db/x", "oracle://u@db/x"])
def test_unsupported_drivers_name_what_is_supported(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(SettingsError) as failed:
        load_settings(_env_file=None)
    message = str(failed.value)
    assert message.startswith(f"loopbot: DATABASE_URL is invalid: {url.split(':')[0]}:// is not supported")
    assert "sqlite" in message
    assert "psycopg 3" in message
    assert "Value error" not in message
