"""Slack mrkdwn as HTML, the way a Slack client shows it to one reader.

Everything in the text is untrusted: it is HTML-escaped before any markup is added, and Slack's own
`&lt;`/`&gt;`/`&amp;` escapes show as the characters they stand for. Tokens (`<@U1>`, `<#C1|name>`,
`<!date^…>`, links) are resolved first and kept aside, so no formatting rule reaches inside them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.demo.emoji import SHORTCODE, picture
from bot.demo.render import format_date


def _no_link(_slack_id: str) -> str:
    return ""


@dataclass(frozen=True)
class Reader:
    """Who reads the text: their time zone, their own id (their mentions stand out), names and links."""

    tz: str = "UTC"
    user: str = ""
    names: Callable[[str], str] = str
    link: Callable[[str], str] = _no_link  # the page anchor of a person or channel id, "" for none


_TOKEN = re.compile(r"<([^<>\n]*)>")
_SLOT = re.compile("\x00(\\d+)\x00")
_FENCE = re.compile(r"```\n?(.*?)```", re.DOTALL)
_CODE = re.compile(r"`([^`\n]+)`")
_BOLD = re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?!\s)([^_\n]+?)(?<!\s)_(?![\w_])")
_STRIKE = re.compile(r"(?<![\w~])~(?!\s)([^~\n]+?)(?<!\s)~(?![\w~])")
_BULLET = re.compile(r"^(\s*)[•◦▪-] (.*)$")
_NUMBERED = re.compile(r"^(\s*)(\d{1,3})\. (.*)$")
_DATE = re.compile(r"!date\^(\d+)\^([^^|]*)(?:\^([^|]*))?(?:\|(.*))?$", re.DOTALL)
_SCHEMES = ("http://", "https://", "mailto:")
_BROADCAST = {"here", "channel", "everyone"}


def unescape(text: str) -> str:
    """Slack's three escapes back to the characters they stand for."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _e(text: str) -> str:
    return html.escape(unescape(text))


class _Slots:
    """HTML kept aside while the text around it is formatted; `\\x00n\\x00` marks where it goes back."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def keep(self, fragment: str) -> str:
        self.parts.append(fragment)
        return f"\x00{len(self.parts) - 1}\x00"

    def restore(self, text: str) -> str:
        for _ in range(4):  # a kept fragment may hold other slots (a mention inside code)
            if "\x00" not in text:
                break
            text = _SLOT.sub(lambda m: self.parts[int(m.group(1))], text)
        return text


def _mention(kind: str, slack_id: str, label: str, r: Reader) -> str:
    classes = "mention" + (" me" if slack_id == r.user and kind == "@" else "")
    shown = html.escape(kind + label)
    href = r.link(slack_id)
    if href:
        return (
            f'<a class="{classes}" href="{html.escape(href)}" data-id="{html.escape(slack_id)}">{shown}</a>'
        )
    return f'<span class="{classes}" data-id="{html.escape(slack_id)}">{shown}</span>'


def _date(match: re.Match[str], r: Reader) -> str:
    when = datetime.fromtimestamp(int(match.group(1)), UTC)
    shown = format_date(when, match.group(2) or "{date_short_pretty} at {time}", r.tz)
    fallback = html.escape(unescape(match.group(4) or ""), quote=True)
    return f'<time datetime="{when.isoformat()}" title="{fallback}">{html.escape(shown)}</time>'


def _token(inner: str, r: Reader) -> str:
    """One `<…>` token as the client shows it."""
    body, _, label = inner.partition("|")
    if inner.startswith("!date^"):
        found = _DATE.match(inner)
        return _date(found, r) if found else _e(label or inner)
    if body.startswith("@"):
        return _mention("@", body[1:], unescape(label) or r.names(body[1:]), r)
    if body.startswith("#"):
        return _mention("#", body[1:], unescape(label) or r.names(body[1:]), r)
    if body.startswith("!"):
        name = body[1:].split("^")[0]
        shown = unescape(label) or ("@" + name if name in _BROADCAST else name)
        shown = shown if shown[:1] == "@" else "@" + shown
        return f'<span class="mention broadcast">{html.escape(shown)}</span>'
    url = unescape(body)
    if url.startswith(_SCHEMES):
        text = html.escape(unescape(label) or url)
        return f'<a href="{html.escape(url, quote=True)}" rel="noopener noreferrer">{text}</a>'
    return html.escape("<" + unescape(inner) + ">")


def _inline(raw: str, slots: _Slots) -> str:
    """One line of prose: escaped, then code, emoji, bold, italics and strike-through."""
    text = _CODE.sub(lambda m: slots.keep(f"<code>{m.group(1)}</code>"), _e(raw))
    text = SHORTCODE.sub(lambda m: slots.keep(picture(m.group(0)) or m.group(0)), text)
    text = _BOLD.sub(r"<b>\1</b>", text)
    text = _ITALIC.sub(r"<i>\1</i>", text)
    return _STRIKE.sub(r"<s>\1</s>", text)


def _prose(text: str, slots: _Slots) -> str:
    """Lines into runs: quotes (`>` at the start), bulleted and numbered lists, and plain lines."""
    runs: list[tuple[str, list[str]]] = []
    for line in text.split("\n"):
        if line.startswith(">"):
            kind, item = "quote", _inline(line[1:].removeprefix(" "), slots)
        elif found := _BULLET.match(line):
            depth = min(len(found.group(1)) // 2, 3)
            kind, item = "ul", f'<li class="depth-{depth}">{_inline(found.group(2), slots)}</li>'
        elif found := _NUMBERED.match(line):
            number = f'<span class="num">{found.group(2)}.</span>'
            kind, item = "ol", f"<li>{number}{_inline(found.group(3), slots)}</li>"
        else:
            kind, item = "text", _inline(line, slots)
        if runs and runs[-1][0] == kind:
            runs[-1][1].append(item)
        else:
            runs.append((kind, [item]))
    out = []
    for kind, items in runs:
        if kind == "quote":
            out.append(f"<blockquote>{'<br>'.join(items)}</blockquote>")
        elif kind in ("ul", "ol"):
            out.append(f"<{kind}>{''.join(items)}</{kind}>")
        else:
            out.append(f'<span class="line">{"<br>".join(items)}</span>')
    return "".join(out)


def mrkdwn_html(text: str, reader: Reader | None = None) -> str:
    """A mrkdwn text object's text as HTML for `reader` (UTC and raw ids when None)."""
    r = reader or Reader()
    slots = _Slots()
    text = _TOKEN.sub(lambda m: slots.keep(_token(m.group(1), r)), text.replace("\x00", ""))
    out = []
    for n, part in enumerate(_FENCE.split(text)):
        if n % 2:
            out.append(f'<pre class="code">{_e(part.rstrip(chr(10)))}</pre>')
        elif part.strip("\n"):
            out.append(_prose(part.strip("\n") if n else part.rstrip("\n"), slots))
    return slots.restore("".join(out))


def plain_html(text: str, emoji: bool = True) -> str:
    """A plain_text object's text: escaped, with emoji codes as pictures when `emoji` is on."""
    escaped = _e(text.replace("\x00", ""))
    if not emoji:
        return escaped
    return SHORTCODE.sub(lambda m: picture(m.group(0)) or m.group(0), escaped)


def text_html(obj: object, reader: Reader | None = None) -> str:
    """A text object (`{"type": "mrkdwn"|"plain_text", "text": …}`) or None as HTML."""
    if not isinstance(obj, dict):
        return ""
    text = str(obj.get("text") or "")
    if obj.get("type") == "mrkdwn":
        return mrkdwn_html(text, reader)
    return plain_html(text, obj.get("emoji", True) is not False)
