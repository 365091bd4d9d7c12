"""What each person saw, in order: Web API calls the stand-in recorded, stamped with simulated time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.demo import workspace as ws
from bot.demo.render import block_lines, mrkdwn, view_lines
from bot.standin import Call, StandIn, dm_id

# Web API methods whose effect someone sees; the rest (users.info, history lookups...) are plumbing.
VISIBLE = ("chat.postMessage", "chat.update", "chat.postEphemeral", "views.open", "views.push",
           "views.update", "views.publish")  # fmt: skip

MODAL_TITLES = {"views.open": "modal opened", "views.push": "modal pushed"}


@dataclass
class Entry:
    """One thing someone saw (or did): `audience` is a user id or the hiring channel."""

    at: datetime
    audience: str
    kind: str  # dm | channel | thread | update | ephemeral | modal | home | action | error
    title: str
    lines: list[str] = field(default_factory=list)
    payload: dict[str, Any] = field(default_factory=dict)  # the message's arguments, or {"view": view}
    ts: str = ""  # a message's ts (for an update: the message it changed)
    thread_ts: str = ""  # a thread reply's parent
    errors: dict[str, str] = field(default_factory=dict)  # a modal's inline errors, by block id

    def heading(self) -> str:
        who = ws.display_name(self.audience)
        when = self.at.strftime("%a %d %b %H:%M UTC")
        if self.kind == "action":
            return f"{when} · {who} {self.title}"
        if self.audience in ws.BY_ID:
            local = self.at.astimezone(ZoneInfo(ws.person(self.audience).tz))
            who += f" ({local.strftime('%a %H:%M')} {local.tzname()})"
        return f"{when} · {who} · {self.title}"


def _tz(audience: str) -> str:
    return ws.person(audience).tz if audience in ws.BY_ID else "UTC"


def _user_of(conversation: str) -> str:
    """The user a DM id (D...) belongs to; other ids unchanged."""
    return "U" + conversation[1:] if conversation[:1] == "D" else conversation


def message_lines(args: dict[str, Any], tz: str) -> list[str]:
    """A posted or updated message as its reader sees it: the blocks, or the text without them."""
    blocks = args.get("blocks")
    if isinstance(blocks, list) and blocks:
        return block_lines(blocks, tz, ws.mention_name)
    return mrkdwn(str(args.get("text") or ""), tz, ws.mention_name).splitlines()


class Transcript:
    """Entries in the order they happened; `collect` turns new stand-in calls into entries."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self._seen = 0
        # Users looking at their App Home right now: a publish for anyone else is a background refresh.
        self.home_open: set[str] = set()
        self._claimed: set[tuple[str, str]] = set()  # (conversation, ts) of posts already matched

    def add(
        self,
        at: datetime,
        audience: str,
        kind: str,
        title: str,
        lines: list[str] | None = None,
        **extra: Any,
    ) -> Entry:
        """Record an entry; `extra` fills the other Entry fields (payload, ts, thread_ts, errors)."""
        entry = Entry(at, audience, kind, title, list(lines or []), **extra)
        self.entries.append(entry)
        return entry

    def action(self, at: datetime, user: str, text: str) -> Entry:
        """Something a simulated person did (clicked, typed, submitted)."""
        return self.add(at, user, "action", f"▶ {text}")

    def collect(self, standin: StandIn, now: datetime) -> int:
        """Turn the calls received since the last collect into entries at `now`; returns how many."""
        calls = standin.calls
        added = 0
        for call in calls[self._seen :]:
            if call.outcome == "pending":
                break  # still being answered: pick it up next time, in order
            self._seen += 1
            if call.method in VISIBLE:
                added += self._entry(standin, call, now)
        return added

    def _entry(self, standin: StandIn, call: Call, now: datetime) -> int:
        args = call.args
        if call.outcome != "ok":
            target = str(args.get("channel") or args.get("user_id") or args.get("user") or "?")
            self.add(now, _user_of(target), "error", f"⚠ {call.method} failed: {call.outcome}")
            return 1
        if call.method == "chat.postMessage":
            target = _user_of(str(args["channel"]))
            if target == ws.HIRING_CHANNEL or target[:1] in ("C", "G"):
                threaded = bool(args.get("thread_ts"))
                kind, title = ("thread", "thread reply") if threaded else ("channel", "channel message")
            else:
                kind, title = "dm", "direct message from loopbot"
            lines = message_lines(args, _tz(target))
            ts, thread = self._posted(standin, args), str(args.get("thread_ts") or "")
            self.add(now, target, kind, title, lines, payload=args, ts=ts, thread_ts=thread)
        elif call.method == "chat.update":
            target = _user_of(str(args["channel"]))
            lines = message_lines(args, _tz(target))
            self.add(
                now, target, "update", "message updated in place", lines, payload=args, ts=str(args["ts"])
            )
        elif call.method == "chat.postEphemeral":
            user = str(args["user"])
            self.add(
                now, user, "ephemeral", "only visible to you", message_lines(args, _tz(user)), payload=args
            )
        elif call.method == "views.publish":
            user = str(args["user_id"])
            view = {"view": args["view"]}
            if user not in self.home_open:
                self.add(now, user, "home-refresh", "App Home refreshed in the background", payload=view)
                return 1
            self.home_open.discard(user)
            lines = view_lines(args["view"], _tz(user), ws.mention_name)
            self.add(now, user, "home", "App Home tab", lines, payload=view)
        else:
            user = self._view_owner(standin, args)
            title = MODAL_TITLES.get(call.method, "modal updated")
            lines = view_lines(args["view"], _tz(user), ws.mention_name)
            self.add(now, user, "modal", title, lines, payload={"view": args["view"]})
        return 1

    def _posted(self, standin: StandIn, args: dict[str, Any]) -> str:
        """The ts Slack gave a post: the first stored message with its content not matched before."""
        channel = str(args["channel"])
        conversation = dm_id(channel) if channel[:1] in ("U", "W") else channel
        with standin.state.lock:
            for m in standin.state.messages.get(conversation, []):
                key = (conversation, str(m["ts"]))
                same = (m.get("text") or "", m.get("blocks")) == (args.get("text") or "", args.get("blocks"))
                if (
                    same
                    and key not in self._claimed
                    and m.get("thread_ts") in (None, m["ts"], args.get("thread_ts"))
                ):
                    self._claimed.add(key)
                    return key[1]
        return ""

    @staticmethod
    def _view_owner(standin: StandIn, args: dict[str, Any]) -> str:
        with standin.state.lock:
            trigger = standin.state.triggers.get(str(args.get("trigger_id") or ""))
            if trigger is not None and trigger.user:
                return trigger.user
            return standin.state.view_owner.get(str(args.get("view_id") or ""), "?")

    # -- output
    def of(self, audience: str) -> list[Entry]:
        return [e for e in self.entries if e.audience == audience]
