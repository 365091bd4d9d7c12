"""The page's first screen (what the demo shows, who is who, where to start) and its timeline."""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby

from bot.demo import frames
from bot.demo import workspace as ws
from bot.demo.story import Item, PersonStory, Story, pane_id

_MENTION = re.compile(r"<@([A-Z0-9]+)>")
# How the interviewer program's messages begin (their notification text), to point the reader at them.
DRY_RUN_REQUEST = "Dry run before you lead"
CALIBRATION = "Calibration:"

INTRO = (
    "A week of one candidate's interview loop, played in simulated time against the real loopbot app "
    "and a local stand-in for Slack. Every message, modal and App Home below is drawn from the Block Kit "
    "JSON loopbot sent, as its reader saw it: dates in their own time zone, people by name."
)


@dataclass(frozen=True)
class PageFacts:
    """What the run was, for the first screen (all optional: a page can be built from a transcript alone)."""

    title: str = "loopbot demo: what everyone saw"
    started: datetime | None = None
    finished: datetime | None = None
    ticks: int = 0
    calls: int = 0
    outbox: str = ""
    missing: list[str] = field(default_factory=list)


def saw(ps: PersonStory) -> str:
    """What one person saw, counted: "6 DMs, 2 modals, 1 App Home"."""
    kinds = Counter(i.entry.kind for i in ps.stream)
    opened = sum(1 for i in ps.stream if i.entry.kind == "modal" and i.entry.title == "modal opened")
    parts = [
        (kinds["dm"], "DM"),
        (opened, "modal"),
        (len(ps.homes), "App Home view"),
        (kinds["error"], "error"),
    ]
    return ", ".join(f"{n} {what}{'s' if n != 1 else ''}" for n, what in parts if n) or "nothing"


def first_dm(story: Story, starts: str) -> tuple[PersonStory, Item] | None:
    """The first person (in cast order) with a DM whose text begins with `starts`, and that DM."""
    for ps in story.people:
        for item in ps.stream:
            if item.entry.kind == "dm" and str(item.entry.payload.get("text") or "").startswith(starts):
                return ps, item
    return None


def _other(item: Item, reader: str) -> str:
    """The first name a message mentions besides its reader's ("someone" if none)."""
    found = _MENTION.findall(json.dumps(item.entry.payload.get("blocks") or []))
    return next((ws.person(u).first for u in found if u != reader and u in ws.BY_ID), "someone")


def _program_paths(story: Story) -> list[tuple[str, str, str]]:
    """The interviewer program's moments: a first-time lead's dry run, a trainee's calibration card."""
    paths = []
    found = first_dm(story, DRY_RUN_REQUEST)
    if found is not None:
        ps, item = found
        first, partner = ps.person.first, _other(item, ps.person.id)
        why = (
            f"{first} leads the team interview for the first time, so loopbot asks for a dry run with "
            f"{partner}; {partner} presses Dry run done in their own message, and {first}'s prep says so."
        )
        paths.append((item.id, f"{first}'s dry-run request", why))
    found = first_dm(story, CALIBRATION)
    if found is not None:
        ps, item = found
        first, lead = ps.person.first, _other(item, ps.person.id)
        why = (
            f"{first}, a trainee, scores {lead}'s interview blind from the shadow seat. The card comparing "
            f"their ratings comes only once {lead}'s scorecard is in too: where they agreed, where not, "
            f"and {lead}'s notes."
        )
        paths.append((item.id, f"{first}'s calibration card", why))
    return paths


def _path(story: Story) -> list[tuple[str, str, str]]:
    """Suggested starting points: (anchor, title, why), from what happened in this run."""
    paths = []
    erred = next((ps for ps in story.people if any(i.entry.errors for i in ps.stream)), None)
    if erred is not None:
        first = erred.person.first
        why = f"{first}'s prep DM, the feedback form refusing a half-filled scorecard, then the scorecards."
        paths.append((erred.anchor, f"Follow {erred.person.name}, {erred.person.part}", why))
    if story.channel:
        why = "The debrief digest: posted at the deadline, updated when the late scorecard came in, every "
        paths.append(
            (pane_id(ws.HIRING_CHANNEL), f"#{ws.HIRING_CHANNEL_NAME}", why + "scorecard in its thread.")
        )
    late = next((ps for ps in story.people if ps.homes and ps.person.part == "interviewer"), None)
    if late is not None:
        why = (
            "Late with feedback: reminders in working hours, App Home showing what is overdue, a saved draft."
        )
        paths.append((late.anchor, f"{late.person.name}, the late one", why))
    paths += _program_paths(story)
    paths.append(("timeline", "The whole week", "Every event in order, each linked to where it happened."))
    return paths


def intro_pane(story: Story, facts: PageFacts) -> str:
    paths = "".join(
        f'<li><a href="#{a}"><b>{html.escape(t)}</b>{html.escape(why)}</a></li>' for a, t, why in _path(story)
    )
    rows = "".join(
        f'<tr><td><a class="who" href="#{ps.anchor}">{frames.avatar(ps.person.id, small=True)}'
        f"{html.escape(ps.person.name)}</a></td><td>{html.escape(ps.person.part)}</td>"
        f"<td>{html.escape(ps.person.tz)}</td><td>{html.escape(saw(ps))}</td>"
        f"<td>{len(ps.scorecards) or ''}</td></tr>"
        for ps in story.people
    )
    posts = len(story.channel) + sum(len(i.replies) for i in story.channel)
    rows += (
        f'<tr><td><a class="who" href="#{pane_id(ws.HIRING_CHANNEL)}">'
        f"{frames.avatar(ws.HIRING_CHANNEL, True)}"
        f"#{html.escape(ws.HIRING_CHANNEL_NAME)}</a></td><td>hiring channel</td><td>UTC</td>"
        f"<td>{posts} posts (threads included)</td><td></td></tr>"
    )
    return (
        f'<section class="pane intro" id="intro" aria-label="Start here"><h1>{html.escape(facts.title)}</h1>'
        f"<p>{html.escape(INTRO)}</p><p>Pick a person or the channel on the left to see only what they saw; "
        "each person's page has loopbot's Messages (DMs, modals and what they clicked) and its Home tab.</p>"
        f'<h2>Where to start</h2><ul class="paths">{paths}</ul>'
        '<h2>Who is who, and who saw what</h2><table class="cast"><thead><tr><th>Person</th><th>Part</th>'
        "<th>Time zone</th><th>Saw</th><th>Scorecards in the thread</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>{_facts(facts)}</section>"
    )


def _facts(facts: PageFacts) -> str:
    lines = []
    if facts.started and facts.finished:
        lines.append(
            f"Simulated {facts.started:%a %d %b %H:%M} to {facts.finished:%a %d %b %H:%M} UTC in "
            f"{facts.ticks} dispatcher ticks; {facts.calls} Web API calls to the stand-in."
        )
    if facts.outbox:
        lines.append(f"Outbox: {facts.outbox}.")
    lines += [f"Not shown, this build lacks it: {part}" for part in facts.missing]
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    return f'<h2>The run</h2><div class="facts">{body}</div>' if body else ""


def timeline_pane(story: Story) -> str:
    """The simulated days (UTC), each event one line linking to where the page shows it."""
    days = []
    for day, events in groupby(story.timeline, key=lambda e: e.at.date()):
        rows = "".join(
            f'<li class="event kind-{html.escape(e.kind)}"><time>{e.at:%H:%M}</time>'
            f'<span class="by">{html.escape(e.who)}</span>'
            f'<a href="{html.escape(e.href)}">{html.escape(e.what)}</a>'
            "</li>"
            for e in events
        )
        days.append(f'<h3 id="day-{day:%Y-%m-%d}">{day:%A} {day.day} {day:%B %Y}</h3><ol>{rows}</ol>')
    return (
        '<section class="pane" id="timeline" aria-label="Timeline">'
        '<header class="pane-head"><div class="head-row"><div>'
        "<h2>Timeline</h2><p>Everything that happened, in simulated time (UTC). Each line links to it.</p>"
        f'</div></div></header><div class="timeline">{"".join(days)}</div></section>'
    )
