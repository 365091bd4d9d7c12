"""The demo's HTML page: a Slack-like sidebar, a first screen saying who is who, a timeline, and the panes.

One self-contained file: inline CSS and a few lines of script that show one pane at a time (without
script, or in print, every pane shows one after another). Nothing is loaded from anywhere.
"""

from __future__ import annotations

import html
from itertools import groupby

from bot.demo import frames, overview
from bot.demo import workspace as ws
from bot.demo.blocks_html import LOGO
from bot.demo.overview import PageFacts
from bot.demo.panes import channel_pane, person_pane
from bot.demo.story import Story, arrange, pane_id
from bot.demo.style import STYLESHEET
from bot.demo.transcript import Transcript

# Shows the pane (and tab) holding the element the address points at, and marks the sidebar entry.
SCRIPT = """
function show() {
  var id = decodeURIComponent(location.hash.slice(1)) || "intro";
  var el = document.getElementById(id) || document.getElementById("intro");
  var pane = el.closest(".pane") || document.getElementById("intro");
  document.querySelectorAll(".pane").forEach(function (p) { p.classList.toggle("active", p === pane); });
  var tab = el.closest(".tab") || pane.querySelector(".tab");
  pane.querySelectorAll(".tab").forEach(function (t) { t.classList.toggle("active", t === tab); });
  pane.querySelectorAll(".tabs a").forEach(function (a) {
    a.classList.toggle("active", !!tab && a.getAttribute("href") === "#" + tab.id);
  });
  document.querySelectorAll(".nav a").forEach(function (a) {
    var href = a.getAttribute("href");
    a.classList.toggle("active", href === "#" + pane.id || (href === "#" + id && pane.id === "timeline"));
  });
  (el === tab ? pane : el).scrollIntoView({block: "start"});
}
window.addEventListener("hashchange", show);
window.addEventListener("beforeprint", function () {
  document.querySelectorAll("details").forEach(function (d) { d.open = true; });
});
show();
"""
__all__ = ["PageFacts", "build_page", "sidebar"]
PAGE_CSS = """
.js .pane:not(.active),.js .tab:not(.active){display:none}
[id]{scroll-margin-top:112px}.pane{scroll-margin-top:0}
"""


def _nav_link(href: str, label: str, icon: str, note: str = "") -> str:
    small = f" <small>{html.escape(note)}</small>" if note else ""
    return f'<li><a href="#{href}">{icon}<span>{html.escape(label)}{small}</span></a></li>'


def sidebar(story: Story) -> str:
    """Slack's left column: start, timeline, the channel, one entry per person, then the days."""
    channel = ws.HIRING_CHANNEL_NAME
    people = "".join(
        _nav_link(ps.anchor, ps.person.name, frames.avatar(ps.person.id, small=True), ps.person.part)
        for ps in story.people
    )
    days = "".join(
        _nav_link(f"day-{day:%Y-%m-%d}", f"{day:%a} {day.day} {day:%b}", '<span class="hash">◷</span>')
        for day, _ in groupby(e.at.date() for e in story.timeline)
    )
    return (
        f'<nav class="sidebar" aria-label="Conversations"><div class="workspace">{LOGO}'
        '<span>loopbot demo</span></div><ul class="nav">'
        + _nav_link("intro", "Start here", '<span class="hash">★</span>')
        + _nav_link("timeline", "Timeline", '<span class="hash">≡</span>')
        + '</ul><div class="nav-title">Channels</div><ul class="nav">'
        + _nav_link(pane_id(ws.HIRING_CHANNEL), channel, '<span class="hash">#</span>')
        + f'</ul><div class="nav-title">People: what each saw</div><ul class="nav people">{people}</ul>'
        + f'<div class="nav-title">Simulated days (UTC)</div><ul class="nav days">{days}</ul></nav>'
    )


def build_page(transcript: Transcript, facts: PageFacts | None = None) -> str:
    """The whole page as one string of HTML."""
    facts = facts or PageFacts()
    story = arrange(transcript)
    panes = [overview.intro_pane(story, facts), overview.timeline_pane(story)]
    panes += [channel_pane(story.channel), *(person_pane(ps) for ps in story.people)]
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(facts.title)}</title>"
        '<script>document.documentElement.className = "js";</script>'
        f"<style>{STYLESHEET}{PAGE_CSS}</style></head><body>"
        f"{sidebar(story)}<main>{''.join(panes)}</main><script>{SCRIPT}</script></body></html>"
    )
