"""Safe text for mrkdwn: user-supplied text is escaped, dates render in each reader's time zone."""

from __future__ import annotations

from datetime import datetime


def esc(value: str) -> str:
    """Escape user-supplied text for mrkdwn so `<!channel>` and links show as text and ping nobody."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_date(when: datetime, fmt: str = "{date_short_pretty} at {time}") -> str:
    """A Slack date token: each reader sees `when` in their own time zone."""
    fallback = when.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(when.timestamp())}^{fmt}|{fallback}>"


def mention(user_id: str) -> str:
    """A user mention; ids come from Slack, never from free text."""
    return f"<@{user_id}>"
