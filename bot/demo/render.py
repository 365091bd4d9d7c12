"""Block Kit as plain text for the terminal, as a reader would see it (dates in their zone, names)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.demo.emoji import EMOJI, unicode

__all__ = ["EMOJI", "block_lines", "format_date", "mrkdwn", "view_lines"]

_DATE = re.compile(r"<!date\^(\d+)\^([^|>^]*)(?:\^[^|>]*)?\|([^>]*)>")
_USER = re.compile(r"<@([A-Z0-9]+)>")
_CHANNEL = re.compile(r"<#([A-Z0-9]+)(?:\|([^>]*))?>")
_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")

Names = Callable[[str], str]
SHORT_CHOICES = 72  # characters: options that fit share one line
# Slack date-token parts, as strftime formats; "{day}" is the day of the month without a leading zero
# and "{nth}" with its ordinal suffix, as Slack writes them ("Mar 4, 2030", "March 4th, 2030"). The
# pretty tokens would say "today" or "yesterday" relative to when the page is read: shown as a date.
_DATE_PARTS = {
    "{date_num}": "%Y-%m-%d", "{date}": "%B {nth}, %Y", "{date_short}": "%b {day}, %Y",
    "{date_long}": "%A, %B {nth}, %Y", "{date_pretty}": "%a %d %b %Y", "{date_short_pretty}": "%a %d %b %Y",
    "{date_long_pretty}": "%A %d %B %Y", "{time}": "%H:%M", "{time_secs}": "%H:%M:%S",
}  # fmt: skip


def _nth(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def format_date(when: datetime, fmt: str, tz: str) -> str:
    """A Slack date token's format (`{date_short_pretty} at {time}`) for a reader in `tz`."""
    local = when.astimezone(ZoneInfo(tz))
    out = fmt
    for token, pattern in _DATE_PARTS.items():
        shown = local.strftime(pattern).replace("{day}", str(local.day)).replace("{nth}", _nth(local.day))
        out = out.replace(token, shown)
    # Show the zone after a time, so a reader of the transcript knows whose clock it is.
    return out + (" " + (local.tzname() or tz) if "{time" in fmt else "")


def mrkdwn(text: str, tz: str = "UTC", names: Names = str) -> str:
    """Resolve Slack tokens the way the client does for a reader in `tz`, then unescape."""

    def _date(match: re.Match[str]) -> str:
        when = datetime.fromtimestamp(int(match.group(1)), UTC)
        return format_date(when, match.group(2) or "{date_short_pretty} at {time}", tz)

    text = _DATE.sub(_date, text)
    text = unicode(text)
    text = _USER.sub(lambda m: "@" + names(m.group(1)), text)
    text = _CHANNEL.sub(lambda m: "#" + (m.group(2) or names(m.group(1))), text)
    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _text(obj: dict[str, Any] | None, tz: str, names: Names) -> str:
    if not obj:
        return ""
    return mrkdwn(obj.get("text", ""), tz, names)


def _element(el: dict[str, Any], tz: str, names: Names) -> str:
    kind = el.get("type", "")
    if kind == "button":
        return f"[{_text(el.get('text'), tz, names)}]"
    if kind in ("static_select", "radio_buttons", "checkboxes", "multi_users_select", "users_select"):
        options = [_text(o.get("text"), tz, names) for o in el.get("options", [])]
        chosen = el.get("initial_option") or {}
        picked = [_text(o.get("text"), tz, names) for o in el.get("initial_options", [])]
        if chosen:
            picked.append(_text(chosen.get("text"), tz, names))
        shown = " / ".join(options) if options else kind.replace("_", " ")
        return f"<{shown}>" + (f" = {', '.join(picked)}" if picked else "")
    if kind == "plain_text_input":
        value = el.get("initial_value", "")
        return f"<text{': ' + value if value else ''}>"
    if kind in ("image", "mrkdwn", "plain_text"):
        return _text(el, tz, names) if kind != "image" else "[image]"
    return f"<{kind.replace('_', ' ')}>"


def _choices(element: dict[str, Any], tz: str, names: Names) -> list[str]:
    """Checkboxes and radio buttons ticked as the reader sees them: one line, or one option a line."""
    picked = {o.get("value") for o in element.get("initial_options") or []}
    if element.get("initial_option"):
        picked.add(element["initial_option"].get("value"))
    box = ("☐", "☑") if element.get("type") == "checkboxes" else ("○", "◉")
    lines = []
    for option in element.get("options", []):
        text = _text(option.get("text"), tz, names)
        more = _text(option.get("description"), tz, names)
        lines.append(f"{box[option.get('value') in picked]} {text}{' ' + more if more else ''}")
    if sum(len(line) + 2 for line in lines) <= SHORT_CHOICES:
        return ["    " + "  ".join(lines)]  # short options (a rating scale) on one line
    return ["    " + line for line in lines]


def block_lines(blocks: Iterable[dict[str, Any]], tz: str = "UTC", names: Names = str) -> list[str]:
    """Render blocks as indented text lines."""
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            lines += ["", _text(block.get("text"), tz, names).upper()]
        elif kind == "section":
            if block.get("text"):
                lines += _text(block["text"], tz, names).splitlines()
            for field in block.get("fields", []):
                lines.append("  " + _text(field, tz, names).replace("\n", " "))
            if block.get("accessory"):
                lines.append("  " + _element(block["accessory"], tz, names))
        elif kind == "context":
            parts = [_element(e, tz, names) for e in block.get("elements", [])]
            lines.append("  (" + " ".join(parts) + ")")
        elif kind == "divider":
            lines.append("  ---")
        elif kind == "actions":
            lines.append("  " + "  ".join(_element(e, tz, names) for e in block.get("elements", [])))
        elif kind == "input":
            label = _text(block.get("label"), tz, names) + ("" if block.get("optional") else " *")
            element = block["element"]
            if element.get("type") in ("checkboxes", "radio_buttons"):
                lines += [f"  {label}", *_choices(element, tz, names)]
            else:
                lines.append(f"  {label}: {_element(element, tz, names)}")
        else:
            lines.append(f"  <{kind}>")
    return lines


def view_lines(view: dict[str, Any], tz: str = "UTC", names: Names = str) -> list[str]:
    """Render a modal or home view: title, blocks, submit/close."""
    title = _text(view.get("title"), tz, names)
    lines = [f"┌ {title or view.get('type', 'view')} ┐"] if view.get("type") == "modal" else []
    lines += block_lines(view.get("blocks", []), tz, names)
    if view.get("submit"):
        lines.append(
            f"  [{_text(view['submit'], tz, names)}]  [{_text(view.get('close'), tz, names) or 'Cancel'}]"
        )
    return lines
