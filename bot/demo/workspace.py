"""The demo's hiring team: a recruiter, a hiring manager and five interviewers across time zones."""

from __future__ import annotations

from dataclasses import dataclass

from bot.standin import Channel, User, Workspace
from bot.standin.workspace import BOT_USER_ID

# The example infrastructure-manager loop names these ids as its recruiter, manager and channel.
RECRUITER = "U0RECRUITER"
HIRING_MANAGER = "U0HIRINGMGR"
HIRING_CHANNEL = "C0HIRING"
HIRING_CHANNEL_NAME = "hiring-infra-manager"

KENJI, PRIYA, SOFIA, MARCUS, DIEGO = "U0KENJI", "U0PRIYA", "U0SOFIA", "U0MARCUS", "U0DIEGO"


@dataclass(frozen=True)
class Person:
    """Someone in the demo workspace and what they do in the story."""

    id: str
    handle: str
    name: str
    tz: str
    part: str

    @property
    def first(self) -> str:
        return self.name.split()[0]


PEOPLE: tuple[Person, ...] = (
    Person(RECRUITER, "rosa", "Rosa Alvarez", "America/Chicago", "recruiter"),
    Person(HIRING_MANAGER, "hugo", "Hugo Brandt", "Europe/London", "hiring manager"),
    Person(KENJI, "kenji", "Kenji Tanaka", "Asia/Tokyo", "interviewer"),
    Person(PRIYA, "priya", "Priya Raman", "Asia/Kolkata", "interviewer"),
    Person(SOFIA, "sofia", "Sofia Lindqvist", "Europe/Berlin", "interviewer"),
    Person(MARCUS, "marcus", "Marcus Chen", "America/New_York", "interviewer"),
    Person(DIEGO, "diego", "Diego Morales", "America/Los_Angeles", "interviewer"),
)
BY_ID = {p.id: p for p in PEOPLE}


def person(user_id: str) -> Person:
    """The demo person with that Slack id."""
    return BY_ID[user_id]


def display_name(conversation: str) -> str:
    """A person's name, `#channel` for the hiring channel, or the id itself."""
    if conversation in BY_ID:
        return BY_ID[conversation].name
    if conversation == HIRING_CHANNEL:
        return "#" + HIRING_CHANNEL_NAME
    if conversation == BOT_USER_ID:
        return "loopbot"
    return conversation


def mention_name(slack_id: str) -> str:
    """How a mention reads in Slack: a person's name, or a channel's name (the renderer adds the #)."""
    return HIRING_CHANNEL_NAME if slack_id == HIRING_CHANNEL else display_name(slack_id)


def build_workspace() -> Workspace:
    """The stand-in workspace for the demo: the people above, the bot and the hiring channel."""
    ws = Workspace()
    for p in PEOPLE:
        ws.add_user(User(p.id, p.handle, p.name, p.tz, f"{p.handle}@example.com"))
    ws.add_user(User(BOT_USER_ID, "loopbot", "loopbot", "UTC", is_bot=True))
    ws.add_channel(Channel(HIRING_CHANNEL, HIRING_CHANNEL_NAME))
    return ws
