"""Is loopbot in a hiring channel? Join a public one, and say what to do about a private one.

A digest is posted days after scheduling; without this check `not_in_channel` is only discovered then.
Slack's rules (docs.slack.dev/reference/methods/conversations.join, conversations.info): an app may join a
public channel itself (scope channels:join); a private one it is not in is invisible to it
(`channel_not_found`) and it must be invited with `/invite @loopbot`.
"""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError


@dataclass(frozen=True)
class Membership:
    """The outcome for one channel: `problem` says what to do when loopbot cannot post there."""

    channel: str
    name: str = ""
    joined: bool = False  # loopbot joined it just now
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def invite_hint(channel: str, name: str = "") -> str:
    where = f"#{name}" if name else f"the channel {channel}"
    return f"invite loopbot to {where}: type `/invite @loopbot` in it, then try again"


def ensure_member(client: WebClient, channel: str) -> Membership:
    """Make sure loopbot can post in `channel`: join it if it is public; else say how to invite it."""
    try:
        info = client.conversations_info(channel=channel)["channel"]
    except SlackApiError as exc:
        if exc.response.get("error") == "channel_not_found":
            return Membership(channel, problem=f"loopbot cannot see {channel}: it does not exist, or it is "
                              f"private and loopbot is not in it ({invite_hint(channel)})")  # fmt: skip
        raise
    name = str(info.get("name") or "")
    if info.get("is_im") or info.get("is_mpim"):
        return Membership(channel, name, problem=f"{channel} is a direct message: name a channel instead")
    if info.get("is_archived"):
        return Membership(channel, name, problem=f"#{name} is archived: choose a live hiring channel")
    if info.get("is_member"):
        return Membership(channel, name)
    if info.get("is_private"):
        return Membership(channel, name, problem=invite_hint(channel, name))
    try:
        client.conversations_join(channel=channel)
    except SlackApiError as exc:
        error = exc.response.get("error")
        return Membership(
            channel, name, problem=f"loopbot could not join #{name} ({error}): {invite_hint(channel, name)}"
        )
    return Membership(channel, name, joined=True)
