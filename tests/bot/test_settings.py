"""Settings: defaults, durations, and one-line errors that name the variable."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.settings import SettingsError, load_settings, parse_duration


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
