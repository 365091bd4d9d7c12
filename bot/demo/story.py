"""The transcript arranged the way the page shows it: one conversation per person and one per channel.

Pure: entries in, plain objects out. A message keeps every version it had (an update changes it in
place), thread replies hang under their parent, background App Home refreshes become a list of times,
and the timeline lists every event once, with the anchor where the page shows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from bot.demo import workspace as ws
from bot.demo.render import mrkdwn
from bot.demo.transcript import Entry, Transcript
from bot.demo.workspace import Person

_MENTION = re.compile(r"<@([A-Z0-9]+)")
_BUTTON = re.compile(r"\[([^\]]{1,80})\]")


@dataclass
class Item:
    """One thing a pane shows; a message's `versions` run from as posted to as it reads now."""

    id: str
    entry: Entry
    versions: list[Entry] = field(default_factory=list)
    replies: list[Item] = field(default_factory=list)

    @property
    def current(self) -> Entry:
        return self.versions[-1] if self.versions else self.entry


@dataclass
class PersonStory:
    """What one person saw of loopbot: their DM stream, the App Homes they opened, their scorecards."""

    person: Person
    stream: list[Item] = field(default_factory=list)
    homes: list[Item] = field(default_factory=list)
    refreshes: list[Item] = field(default_factory=list)  # App Home published in the background
    scorecards: list[Item] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return pane_id(self.person.id)


@dataclass(frozen=True)
class Event:
    """A line of the timeline: when, who, what, and where the page shows it."""

    at: datetime
    who: str
    what: str
    kind: str
    href: str


@dataclass
class Story:
    people: list[PersonStory]
    channel: list[Item]
    timeline: list[Event]


def pane_id(audience: str) -> str:
    """The page anchor of a person's or the channel's pane."""
    if audience == ws.HIRING_CHANNEL:
        return "c-" + ws.HIRING_CHANNEL_NAME
    return "p-" + ws.person(audience).handle if audience in ws.BY_ID else ""


def summary(entry: Entry, length: int = 110) -> str:
    """One line saying what an entry was, for the timeline."""
    if entry.kind in ("modal", "home"):
        title = str((entry.payload.get("view", {}).get("title") or {}).get("text") or "App Home")
        what = f"{title}: {entry.title}" if entry.kind == "modal" else "App Home tab"
    elif entry.kind == "action":
        what = _BUTTON.sub(r"“\1”", entry.title.removeprefix("▶ "))
    elif entry.payload:
        what = mrkdwn(str(entry.payload.get("text") or ""), "UTC", ws.mention_name).replace("\n", " ")
    else:
        what = entry.title
    return what if len(what) <= length else what[: length - 1] + "…"


def _person_of(entry: Entry) -> str:
    return entry.audience if entry.audience in ws.BY_ID else ""


def arrange(transcript: Transcript) -> Story:
    """Sort every entry into the pane that shows it, and list the timeline."""
    people = {p.id: PersonStory(p) for p in ws.PEOPLE}
    channel: list[Item] = []
    by_ts: dict[tuple[str, str], Item] = {}
    timeline: list[Event] = []
    refresh_run: list[str] = []
    for n, e in enumerate(transcript.entries):
        item = Item(f"e{n}", e, versions=[e] if e.kind in ("dm", "channel", "thread") else [])
        href = "#" + item.id
        if e.kind == "home-refresh" and e.audience in people:
            people[e.audience].refreshes.append(item)
            if not refresh_run:
                timeline.append(Event(e.at, "", "", "refresh", "#" + pane_id(e.audience) + "-home"))
            refresh_run.append(ws.person(e.audience).first)
            timeline[-1] = _refresh_event(timeline[-1], refresh_run)
            continue
        refresh_run = []
        if e.kind == "update" and (e.audience, e.ts) in by_ts:
            target = by_ts[(e.audience, e.ts)]
            target.versions.append(e)
            href = "#" + target.id
        elif e.kind == "thread" and (e.audience, e.thread_ts) in by_ts:
            by_ts[(e.audience, e.thread_ts)].replies.append(item)
            for user in dict.fromkeys(_MENTION.findall(str(e.payload.get("text") or ""))):
                if user in people:
                    people[user].scorecards.append(item)
        elif e.audience == ws.HIRING_CHANNEL:
            channel.append(item)
        elif e.kind == "home" and e.audience in people:
            people[e.audience].homes.append(item)
        elif _person_of(e):
            people[e.audience].stream.append(item)
        if e.ts and e.kind in ("dm", "channel"):
            by_ts[(e.audience, e.ts)] = item
        timeline.append(Event(e.at, ws.display_name(e.audience), summary(e), e.kind, href))
    return Story(list(people.values()), channel, timeline)


def _refresh_event(event: Event, names: list[str]) -> Event:
    who = ", ".join(dict.fromkeys(names))
    what = f"App Home refreshed in the background for {who}"
    return Event(event.at, "loopbot", what, "refresh", event.href)
