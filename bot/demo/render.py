"""Block Kit as plain text, the way a reader would see it (dates in their time zone, mentions by name)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

_DATE = re.compile(r"<!date\^(\d+)\^[^|>]*\|([^>]*)>")
_USER = re.compile(r"<@([A-Z0-9]+)>")
_CHANNEL = re.compile(r"<#([A-Z0-9]+)(?:\|([^>]*))?>")
_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")

Names = Callable[[str], str]


def mrkdwn(text: str, tz: str = "UTC", names: Names = str) -> str:
    """Resolve Slack tokens the way the client does for a reader in `tz`, then unescape."""
    zone = ZoneInfo(tz)

    def _date(match: re.Match[str]) -> str:
        when = datetime.fromtimestamp(int(match.group(1)), UTC).astimezone(zone)
        return when.strftime("%a %d %b %Y at %H:%M ") + (when.tzname() or tz)

    text = _DATE.sub(_date, text)
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
            label = _text(block.get("label"), tz, names)
            lines.append(
                f"  {label}{'' if block.get('optional') else ' *'}: {_element(block['element'], tz, names)}"
            )
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


def to_html(sections: list[tuple[str, list[str]]], title: str) -> str:
    """A self-contained HTML page of transcript sections (heading, lines)."""
    body = "\n".join(
        f"<section><h2>{html.escape(head)}</h2><pre>{html.escape(chr(10).join(lines))}</pre></section>"
        for head, lines in sections
    )
    style = (
        "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;color:#1d1c1d}"
        "section{border:1px solid #ddd;border-radius:8px;padding:0 1rem;margin:1rem 0}"
        "h2{font-size:1rem;color:#611f69}pre{white-space:pre-wrap;font-family:inherit}"
    )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{style}</style></head><body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )
