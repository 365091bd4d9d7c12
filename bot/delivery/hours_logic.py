"""Working hours in a recipient's own time zone: pure functions over aware datetimes.

Reminders and escalations wait for the recipient's working hours (Monday to Friday, the
LOOPBOT_WORKING_HOURS window, e.g. `09:00-18:00`, in their Slack time zone). The shift is
computed at send time, so a changed time zone or a moved clock is respected. Prep DMs, feedback
requests, notices and digests are never delayed.
"""

from __future__ import annotations

import functools
import logging
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKEND = (5, 6)
log = logging.getLogger("loopbot.delivery")


def parse_window(spec: str) -> tuple[time, time]:
    """Parse `HH:MM-HH:MM` into (start, end); the end must be after the start."""
    try:
        left, right = (part.strip() for part in spec.split("-"))
        start, end = time.fromisoformat(left), time.fromisoformat(right)
    except ValueError:
        raise ValueError(f"working hours {spec!r} are not like 09:00-18:00") from None
    if end <= start:
        raise ValueError(f"working hours {spec!r} end before they start")
    return start, end


def zone(tz_name: str | None) -> ZoneInfo:
    """The named zone, or UTC when the name is missing or unknown (an unknown one is logged, once)."""
    if tz_name:
        try:
            return ZoneInfo(tz_name)
        except (ZoneInfoNotFoundError, ValueError):
            _unknown_zone(tz_name)
    return ZoneInfo("UTC")


@functools.cache
def _unknown_zone(tz_name: str) -> None:
    # Slack names IANA zones; one this machine cannot find means its time zone data is missing or old
    # (the `tzdata` package in the lock provides it), and working hours would silently run on UTC.
    log.error("time_zone.unknown zone=%r: working hours use UTC; install or update tzdata", tz_name[:64])


def _local_at(day: datetime, at: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day.date(), at, tzinfo=tz)


def in_working_hours(when: datetime, tz_name: str | None, spec: str) -> bool:
    """True when `when` falls on a weekday inside the window, in the given zone."""
    start, end = parse_window(spec)
    local = when.astimezone(zone(tz_name))
    return local.weekday() not in WEEKEND and start <= local.time() < end


def next_working_instant(when: datetime, tz_name: str | None, spec: str) -> datetime:
    """`when` itself if inside working hours, else the next window's start, as UTC."""
    if when.tzinfo is None:
        raise ValueError("next_working_instant needs an aware datetime")
    if in_working_hours(when, tz_name, spec):
        return when.astimezone(UTC)
    start, _ = parse_window(spec)
    tz = zone(tz_name)
    local = when.astimezone(tz)
    day = local
    for _ in range(8):
        # Wall-clock arithmetic per day (not +24h) keeps 09:00 at 09:00 across DST changes.
        candidate = _local_at(day, start, tz)
        if candidate > local and candidate.weekday() not in WEEKEND:
            return candidate.astimezone(UTC)
        day = _local_at(day, time(12), tz) + timedelta(days=1)
    raise AssertionError("no working day within a week")  # pragma: no cover - weekdays always occur
