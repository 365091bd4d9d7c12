"""The stand-in's workspace: users (with time zones and emails) and channels."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

TEAM_ID = "T0STANDIN"
TEAM_NAME = "Stand-in Hiring Co"
BOT_USER_ID = "U0LOOPBOT"
BOT_ID = "B0LOOPBOT"
APP_ID = "A0LOOPBOT"


@dataclass(frozen=True)
class User:
    """A workspace member as users.info describes them."""

    id: str
    name: str
    real_name: str
    tz: str = "UTC"
    email: str = ""
    deleted: bool = False
    is_bot: bool = False

    def tz_offset(self, now: datetime | None = None) -> int:
        """Seconds east of UTC right now (Slack's `tz_offset` follows daylight saving)."""
        offset = (now or datetime.now(UTC)).astimezone(ZoneInfo(self.tz)).utcoffset()
        return int(offset.total_seconds()) if offset else 0

    def to_slack(self, team_id: str) -> dict[str, Any]:
        """The `user` object of users.info / users.lookupByEmail."""
        now = datetime.now(UTC)
        return {
            "id": self.id,
            "team_id": team_id,
            "name": self.name,
            "real_name": self.real_name,
            "deleted": self.deleted,
            "is_bot": self.is_bot,
            "tz": self.tz,
            "tz_label": now.astimezone(ZoneInfo(self.tz)).tzname() or self.tz,
            "tz_offset": self.tz_offset(now),
            "profile": {
                "real_name": self.real_name,
                "display_name": self.name,
                "email": self.email,
            },
        }


@dataclass(frozen=True)
class Channel:
    """A public or private channel; `deleted` channels are gone, `archived` ones refuse posts.

    `bot_member`: whether the app's bot user is in it. In Slack an app is in no channel until it is
    invited (or joins a public one with conversations.join); the default keeps older tests simple.
    """

    id: str
    name: str
    is_private: bool = False
    archived: bool = False
    deleted: bool = False
    bot_member: bool = True

    def to_slack(self) -> dict[str, Any]:
        """The conversation object of conversations.info / conversations.join."""
        return {
            "id": self.id,
            "name": self.name,
            "is_channel": not self.is_private,
            "is_group": self.is_private,
            "is_im": False,
            "is_private": self.is_private,
            "is_archived": self.archived,
            "is_member": self.bot_member,
        }


@dataclass
class Workspace:
    """Users and channels by id. `auto_users` treats any unknown U/W id as a live user in UTC."""

    users: dict[str, User] = field(default_factory=dict)
    channels: dict[str, Channel] = field(default_factory=dict)
    team_id: str = TEAM_ID
    team_name: str = TEAM_NAME
    bot_user_id: str = BOT_USER_ID
    bot_id: str = BOT_ID
    auto_users: bool = False

    def add_user(self, user: User) -> User:
        self.users[user.id] = user
        return user

    def add_channel(self, channel: Channel) -> Channel:
        self.channels[channel.id] = channel
        return channel

    def user(self, user_id: str) -> User | None:
        """The user with that id, or None when there is none."""
        found = self.users.get(user_id)
        if found is None and self.auto_users and user_id[:1] in ("U", "W"):
            return User(id=user_id, name=user_id.lower(), real_name=user_id)
        return found

    def by_email(self, email: str) -> User | None:
        return next((u for u in self.users.values() if u.email.lower() == email.lower()), None)


def dm_id(user_id: str) -> str:
    """The id of the app's DM with a user (stable, so tests can predict it)."""
    return "D" + user_id[1:]


def default_workspace(auto_users: bool = False) -> Workspace:
    """A small hiring team across time zones, one deactivated account and two channels."""
    ws = Workspace(auto_users=auto_users)
    for user in (
        User("U0RECRUIT", "rosa", "Rosa Recruiter", "America/New_York", "rosa@example.com"),
        User("U0HMANAGE", "hugo", "Hugo Hiring-Manager", "Europe/London", "hugo@example.com"),
        User("U0ENGLEAD", "lena", "Lena Lead", "Europe/Berlin", "lena@example.com"),
        User("U0ENGPAIR", "pavel", "Pavel Pair", "Asia/Kolkata", "pavel@example.com"),
        User("U0ENGOBSV", "olu", "Olu Observer", "America/Los_Angeles", "olu@example.com"),
        User("U0ENGTOKY", "kenji", "Kenji Tanaka", "Asia/Tokyo", "kenji@example.com"),
        User("U0ENGSYDN", "ava", "Ava Nguyen", "Australia/Sydney", "ava@example.com"),
        User("U0GONEAWAY", "gone", "Former Employee", "UTC", "gone@example.com", deleted=True),
        User(BOT_USER_ID, "loopbot", "loopbot", "UTC", is_bot=True),
    ):
        ws.add_user(user)
    ws.add_channel(Channel("C0HIRING", "hiring-infra-manager"))
    ws.add_channel(Channel("C0OLDROLE", "hiring-old-role", archived=True))
    return ws
