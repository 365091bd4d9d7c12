"""What surrounds Block Kit on a Slack screen: avatars, message headers, day dividers, threads, notes."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.demo import workspace as ws
from bot.demo.blocks_html import LOGO, home_html, message_html, modal_html
from bot.demo.mrkdwn import Reader
from bot.demo.story import Item, pane_id

_BUTTON = re.compile(r"\[([^\]]{1,80})\]")  # "[Submit]" in what someone did: the button they pressed
COLOURS = ("#e8912d", "#2eb67d", "#1264a3", "#e01e5a", "#7c3085", "#0b7a75", "#b65f00", "#4a5ec9")
MODAL_CAPTIONS = {
    "modal opened": "opens a modal",
    "modal pushed": "a modal is pushed onto the stack",
    "modal updated": "the modal is updated",
    "modal replaced": "the modal is replaced",
    "modal stays open with inline errors": "the modal stays open with inline errors",
    "modal closed": "the modal closes",
}


def reader_for(audience: str) -> Reader:
    """How `audience` reads mrkdwn: their time zone, their own mentions highlighted, names linked."""
    tz = ws.person(audience).tz if audience in ws.BY_ID else "UTC"
    return Reader(
        tz=tz, user=audience, names=ws.mention_name, link=lambda i: "#" + pane_id(i) if pane_id(i) else ""
    )


def avatar(audience: str, small: bool = False) -> str:
    """loopbot's icon, a person's initials on their colour, or # for a channel."""
    size = " small" if small else ""
    if audience in ws.BY_ID:
        p = ws.person(audience)
        colour = COLOURS[ws.PEOPLE.index(p) % len(COLOURS)]
        initials = "".join(part[0] for part in p.name.split()[:2])
        return f'<span class="avatar{size}" style="background:{colour}" aria-hidden="true">{initials}</span>'
    if audience == ws.HIRING_CHANNEL:
        return f'<span class="avatar{size}" style="background:#616061" aria-hidden="true">#</span>'
    return f'<span class="avatar{size}" aria-hidden="true">{LOGO}</span>'


def local(at: datetime, r: Reader) -> datetime:
    return at.astimezone(ZoneInfo(r.tz))


def stamp(at: datetime, r: Reader) -> str:
    """A message time as Slack shows it (`18:00`), the full date and zone on hover."""
    when = local(at, r)
    full = f"{when:%A %d %B %Y, %H:%M} {when.tzname()}"
    return f'<time datetime="{at.isoformat()}" title="{html.escape(full)}">{when:%H:%M}</time>'


def with_days(items: Iterable[Item], r: Reader) -> Iterator[str]:
    """Day dividers ("Tuesday, 5 March") between the items of a stream, in the reader's zone."""
    day = None
    for item in items:
        when = local(item.entry.at, r)
        if when.date() != day:
            day = when.date()
            yield f'<div class="day" role="separator"><span>{when:%A}, {when.day} {when:%B}</span></div>'
        yield render_item(item, r)


def message(item: Item, r: Reader, reply: bool = False) -> str:
    """A message from loopbot as it reads now, with its earlier versions and its thread."""
    e, now = item.entry, item.current
    kind = "ephemeral" if e.kind == "ephemeral" else "message"
    edited = ' <span class="edited">(edited)</span>' if len(item.versions) > 1 else ""
    only = '<div class="only-you">👁 Only visible to you</div>' if e.kind == "ephemeral" else ""
    older = ""
    if len(item.versions) > 1:
        first = item.versions[0]
        when = local(now.at, r)
        older = (
            f'<details class="versions"><summary>Edited {when:%a %H:%M}: show the message as first posted '
            f"({local(first.at, r):%a %H:%M})</summary>"
            f'<div class="old">{message_html(first.payload, r)}</div></details>'
        )
    thread = thread_html(item, r) if item.replies else ""
    return (
        f'<article class="msg {kind}{" reply" if reply else ""}" id="{item.id}" data-kind="{e.kind}" '
        f'data-audience="{html.escape(e.audience)}">{avatar("")}<div class="msg-body">'
        f'<div class="msg-head"><span class="sender">loopbot</span><span class="badge">App</span>'
        f"{stamp(e.at, r)}{edited}</div>{only}{message_html(now.payload, r)}{older}{thread}</div></article>"
    )


def thread_html(item: Item, r: Reader) -> str:
    n = len(item.replies)
    last = local(item.replies[-1].entry.at, r)
    replies = "".join(message(reply, r, reply=True) for reply in item.replies)
    return (
        f'<details class="thread" open><summary>{avatar("", small=True)}'
        f'<span class="reply-count">{n} {"reply" if n == 1 else "replies"}</span>'
        f'<span class="stamp">Last reply {last:%a %d %b %H:%M}</span></summary>'
        f'<div class="replies">{replies}</div></details>'
    )


def modal(item: Item, r: Reader) -> str:
    e = item.entry
    if not e.payload.get("view"):
        return note(item, r)
    who = ws.person(e.audience).first if e.audience in ws.BY_ID else e.audience
    caption = MODAL_CAPTIONS.get(e.title, e.title)
    return (
        f'<div class="modal-wrap" id="{item.id}" data-kind="modal" data-audience="{html.escape(e.audience)}">'
        f'<div class="modal-caption">{html.escape(who)}: {html.escape(caption)} · {stamp(e.at, r)}</div>'
        f"{modal_html(e.payload.get('view') or {}, r, e.errors or None)}</div>"
    )


def note(item: Item, r: Reader) -> str:
    """Something the person did, or an error, as a quiet line in their stream."""
    e = item.entry
    details = "".join(f"<li>{html.escape(line)}</li>" for line in e.lines)
    kind = "error" if e.kind == "error" else "action"
    text = _BUTTON.sub(r'<span class="btn-ref">\1</span>', html.escape(e.title.removeprefix("▶ ")))
    who = ws.person(e.audience).name if e.audience in ws.BY_ID else ""
    if "App Home" in e.title and pane_id(e.audience):
        text += f' <a href="#{pane_id(e.audience)}-home">(see the Home tab)</a>'
    return (
        f'<div class="note {kind}" id="{item.id}" data-kind="{e.kind}" '
        f'data-audience="{html.escape(e.audience)}">'
        f"{avatar(e.audience, small=True)}<div><b>{html.escape(who)}</b> {text} · {stamp(e.at, r)}"
        f"{f'<ul>{details}</ul>' if details else ''}</div></div>"
    )


def home(item: Item, r: Reader, how: str = "Opened") -> str:
    e = item.entry
    when = local(e.at, r)
    return (
        f'<div class="home-snapshot" id="{item.id}" data-kind="home" '
        f'data-audience="{html.escape(e.audience)}">'
        f'<div class="home-stamp">{how} {when:%A %d %B, %H:%M} {when.tzname()}</div>'
        f"{home_html(e.payload.get('view') or {}, r)}</div>"
    )


def render_item(item: Item, r: Reader) -> str:
    kind = item.entry.kind
    if kind in ("dm", "channel", "thread", "ephemeral", "update"):
        return message(item, r)
    if kind == "modal":
        return modal(item, r)
    if kind == "home":
        return home(item, r)
    return note(item, r)
