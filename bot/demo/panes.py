"""The page's conversation panes: one per person (loopbot's DMs, modals, App Home) and the hiring channel."""

from __future__ import annotations

import html
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.demo import frames
from bot.demo import workspace as ws
from bot.demo.story import Item, PersonStory, pane_id, summary


def _zone(tz: str, at: datetime) -> str:
    return at.astimezone(ZoneInfo(tz)).tzname() or tz


def _scorecard_links(ps: PersonStory) -> str:
    if not ps.scorecards:
        return ""
    channel = ws.HIRING_CHANNEL_NAME
    links = "".join(f'<li><a href="#{i.id}">{html.escape(summary(i.entry))}</a></li>' for i in ps.scorecards)
    return (
        f'<div class="note" data-kind="scorecards" data-audience="{ps.person.id}">{frames.avatar("", True)}'
        f"<div><b>{html.escape(ps.person.first)}'s scorecards</b> in the #{channel} thread:<ul>{links}</ul>"
        "</div></div>"
    )


def _home_tab(ps: PersonStory) -> str:
    r = frames.reader_for(ps.person.id)
    parts = [frames.home(item, r) for item in ps.homes]
    if ps.refreshes:
        times = ", ".join(f"{frames.local(i.entry.at, r):%a %H:%M}" for i in ps.refreshes)
        n = len(ps.refreshes)
        parts.append(
            f'<div class="note background" data-kind="home-refresh" data-audience="{ps.person.id}">'
            f"{frames.avatar('', True)}<div>loopbot also refreshed this App Home in the background "
            f"{n} {'time' if n == 1 else 'times'} (after a scorecard or a change to the loop): {times}."
            "</div></div>"
        )
        if not ps.homes:
            parts.append(frames.home(ps.refreshes[-1], r, how="As last refreshed in the background,"))
    if not parts:
        parts.append(f'<p class="home-stamp">{html.escape(ps.person.first)} never had an App Home view.</p>')
    return "".join(parts)


def person_pane(ps: PersonStory) -> str:
    """loopbot's app page as one person sees it: Messages (DMs, modals, what they did) and Home tabs."""
    p, pid = ps.person, ps.anchor
    r = frames.reader_for(p.id)
    zone = _zone(p.tz, ps.stream[0].entry.at) if ps.stream else p.tz
    stream = "".join(frames.with_days(ps.stream, r)) + _scorecard_links(ps)
    return (
        f'<section class="pane person" id="{pid}" data-audience="{p.id}" aria-label="{html.escape(p.name)}">'
        f'<header class="pane-head"><div class="head-row">{frames.avatar(p.id)}'
        f"<div><h2>{html.escape(p.name)} "
        f'<span class="badge">{html.escape(p.part)}</span></h2><p>What {html.escape(p.first)} saw of '
        "loopbot: its DMs, modals and App Home. "
        f"Times are {html.escape(p.first)}'s ({html.escape(p.tz)}, {html.escape(zone)}).</p></div></div>"
        f'<nav class="tabs" aria-label="{html.escape(p.first)}\'s views">'
        f'<a href="#{pid}-messages" data-tab="messages">Messages</a>'
        f'<a href="#{pid}-home" data-tab="home">Home</a>'
        f'</nav></header><div class="tab stream" id="{pid}-messages">{stream}</div>'
        f'<div class="tab" id="{pid}-home">{_home_tab(ps)}</div></section>'
    )


def channel_pane(items: list[Item]) -> str:
    """The hiring channel: loopbot's posts with their threads nested under them (times in UTC)."""
    audience = ws.HIRING_CHANNEL
    r = frames.reader_for(audience)
    name = html.escape(ws.HIRING_CHANNEL_NAME)
    body = "".join(frames.with_days(items, r)) or '<p class="home-stamp">Nothing was posted here.</p>'
    return (
        f'<section class="pane channel" id="{pane_id(audience)}" data-audience="{audience}" '
        f'aria-label="#{name}">'
        f'<header class="pane-head"><div class="head-row">{frames.avatar(audience)}<div><h2># {name}</h2>'
        "<p>The hiring channel: the debrief digest and each scorecard in its thread. Times in UTC.</p></div>"
        f'</div></header><div class="tab stream" id="{pane_id(audience)}-messages">{body}</div></section>'
    )
