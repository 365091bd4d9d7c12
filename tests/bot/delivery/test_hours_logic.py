"""Working hours in the recipient's time zone, including daylight-saving changes."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.delivery.hours_logic import in_working_hours, next_working_instant, parse_window, zone

HOURS = "09:00-18:00"


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_inside_working_hours_is_not_moved() -> None:
    # Tuesday 2026-12-01 15:00 UTC = 10:00 in New York.
    assert next_working_instant(utc(2026, 12, 1, 15), "America/New_York", HOURS) == utc(2026, 12, 1, 15)


def test_evening_moves_to_next_morning_in_the_recipients_zone() -> None:
    # Tuesday 23:30 UTC = 18:30 New York -> Wednesday 09:00 EST = 14:00 UTC.
    assert next_working_instant(utc(2026, 12, 1, 23, 30), "America/New_York", HOURS) == utc(2026, 12, 2, 14)
    # Same instant in Berlin is 00:30 Wednesday -> Wednesday 09:00 CET = 08:00 UTC.
    assert next_working_instant(utc(2026, 12, 1, 23, 30), "Europe/Berlin", HOURS) == utc(2026, 12, 2, 8)


def test_weekend_moves_to_monday() -> None:
    # Saturday 2026-12-05 12:00 UTC -> Monday 09:00 UTC.
    assert next_working_instant(utc(2026, 12, 5, 12), "UTC", HOURS) == utc(2026, 12, 7, 9)


def test_unknown_zone_means_utc() -> None:
    assert next_working_instant(utc(2026, 12, 1, 7), None, HOURS) == utc(2026, 12, 1, 9)
    assert next_working_instant(utc(2026, 12, 1, 7), "Mars/Olympus", HOURS) == utc(2026, 12, 1, 9)


def test_new_york_spring_forward_weekend() -> None:
    # Friday 2026-03-06 20:00 EST (01:00 UTC Sat) -> Monday 09:00, which is EDT by then: 13:00 UTC, not 14:00.
    assert next_working_instant(utc(2026, 3, 7, 1), "America/New_York", HOURS) == utc(2026, 3, 9, 13)


def test_berlin_spring_forward_and_fall_back() -> None:
    # Sunday 2026-03-29 (clocks go 02:00 -> 03:00) -> Monday 09:00 CEST = 07:00 UTC.
    assert next_working_instant(utc(2026, 3, 29, 10), "Europe/Berlin", HOURS) == utc(2026, 3, 30, 7)
    # Sunday 2026-10-25 (03:00 -> 02:00) -> Monday 09:00 CET = 08:00 UTC.
    assert next_working_instant(utc(2026, 10, 25, 10), "Europe/Berlin", HOURS) == utc(2026, 10, 26, 8)


def test_window_edges() -> None:
    assert in_working_hours(utc(2026, 12, 1, 9), "UTC", HOURS)
    assert not in_working_hours(utc(2026, 12, 1, 18), "UTC", HOURS)
    assert next_working_instant(utc(2026, 12, 1, 18), "UTC", HOURS) == utc(2026, 12, 2, 9)


@pytest.mark.parametrize("spec", ["9-5", "18:00-09:00", "nonsense"])
def test_bad_windows_are_refused(spec: str) -> None:
    with pytest.raises(ValueError, match=re.escape(f"working hours {spec!r} ")):
        parse_window(spec)


def test_an_unknown_zone_is_logged_once_and_falls_back_to_utc(caplog: pytest.LogCaptureFixture) -> None:
    """A zone this machine lacks (no tzdata) used to fall back to UTC silently."""
    assert zone("Mars/Olympus_Mons") == ZoneInfo("UTC")
    assert zone("Mars/Olympus_Mons") == ZoneInfo("UTC")
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert [r.getMessage() for r in errors] == [
        "time_zone.unknown zone='Mars/Olympus_Mons': working hours use UTC; install or update tzdata"
    ]
    assert zone("Asia/Kolkata") == ZoneInfo("Asia/Kolkata")
