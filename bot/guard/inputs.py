"""What a signed request may carry, checked on the server: Slack's client-side limits are not trusted.

A signature proves a request came through Slack, not that its content is what loopbot's own views
allow: a modal's private metadata, a button's value and a state value can all be crafted. Each reader
here returns a clean value or raises BadInput, which the app answers with a 400 (or, after the
acknowledgement, logs at INFO) without a traceback.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

USER_ID = r"[UW][A-Z0-9]{1,31}"  # Slack user ids: U… or W… (Enterprise Grid), upper-case letters and digits
CHANNEL_ID = r"[CGD][A-Z0-9]{1,31}"  # public or private channel, or a DM
_USER = re.compile(rf"{USER_ID}\Z")
_CHANNEL = re.compile(rf"{CHANNEL_ID}\Z")
_DIGITS = re.compile(r"[0-9]{1,10}\Z")
MAX_ID = 2**31 - 1  # ids are INTEGER columns: PostgreSQL refuses more, SQLite overflows past 2**63
TEXT_MAX = 3000  # Slack's largest plain_text_input max_length; every input value is at most this
METADATA_MAX = 3000  # private_metadata, as Slack caps it
EARLIEST, LATEST = 946_684_800, 4_102_444_800  # 2000-01-01 and 2100-01-01: the dates a picker may give

Meta = TypeVar("Meta", bound=BaseModel)


class BadInput(ValueError):
    """A request carries what Slack and loopbot's views would never send."""


def is_user_id(value: object) -> bool:
    return isinstance(value, str) and _USER.match(value) is not None


def is_channel_id(value: object) -> bool:
    return isinstance(value, str) and _CHANNEL.match(value) is not None


def user_id(value: object, what: str = "user") -> str:
    """A Slack user id, or BadInput."""
    if not is_user_id(value):
        raise BadInput(f"{what} is not a Slack user id")
    assert isinstance(value, str)
    return value


def channel_id(value: object, what: str = "channel") -> str | None:
    """A Slack conversation id, None when absent, or BadInput."""
    if value in (None, ""):
        return None
    if not is_channel_id(value):
        raise BadInput(f"{what} is not a Slack conversation id")
    assert isinstance(value, str)
    return value


def record_id(value: object, what: str = "id") -> int:
    """A database id from a button value or metadata: digits only (no sign, space or `_`), in range."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise BadInput(f"{what} is not a number")
    if isinstance(value, str):
        if not _DIGITS.match(value):
            raise BadInput(f"{what} is not a number")
        value = int(value)
    if not 1 <= value <= MAX_ID:
        raise BadInput(f"{what} is out of range")
    return value


def text(value: object, most: int = TEXT_MAX, what: str = "text") -> str:
    """A string of at most `most` characters ("" when absent), or BadInput."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadInput(f"{what} is not text")
    if "\x00" in value:  # PostgreSQL cannot store it; no Slack client sends it
        raise BadInput(f"{what} holds a NUL")
    if len(value) > most:
        raise BadInput(f"{what} is longer than {most} characters")
    return value


def required(value: object, most: int = 255, what: str = "text") -> str:
    """A non-empty string of at most `most` characters (an id Slack always sends), or BadInput."""
    found = text(value, most, what)
    if not found:
        raise BadInput(f"{what} is missing")
    return found


def unix_time(value: object, what: str = "time") -> int:
    """Seconds since the epoch as a date picker sends them, within 2000-2100, or BadInput."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise BadInput(f"{what} is not a time")
    if isinstance(value, str) and not _DIGITS.match(value):
        raise BadInput(f"{what} is not a time")
    seconds = int(value)
    if not EARLIEST <= seconds <= LATEST:
        raise BadInput(f"{what} is out of range")
    return seconds


def metadata(model: type[Meta], raw: object, default: str | None = None) -> Meta:
    """A modal's private_metadata read into its model, or BadInput."""
    if raw in (None, "") and default is not None:
        raw = default
    if not isinstance(raw, str) or len(raw) > METADATA_MAX:
        raise BadInput("private_metadata is not what loopbot wrote")
    try:
        return model.model_validate_json(raw)
    except ValidationError:
        raise BadInput("private_metadata is not what loopbot wrote") from None


def actor(body: dict[str, Any]) -> str:
    """Who clicked or submitted: the user Slack vouches for in an interaction payload."""
    user = body.get("user")
    return user_id(user.get("id") if isinstance(user, dict) else None)


def clicked_id(body: dict[str, Any], what: str = "button value") -> int:
    """The record id a clicked button carries in its value."""
    actions = body.get("actions")
    first = actions[0] if isinstance(actions, list) and actions else None
    return record_id(first.get("value") if isinstance(first, dict) else None, what)


def view_of(body: dict[str, Any]) -> dict[str, Any]:
    """The view of a view_submission / view_closed payload."""
    view = body.get("view")
    if not isinstance(view, dict):
        raise BadInput("the payload has no view")
    return view


def _is_option(option: object) -> bool:
    return isinstance(option, dict) and isinstance(option.get("value"), str)


_LIST_OF_STR = ("selected_users", "selected_conversations", "selected_channels")


def _check_action(block: str, action: object) -> None:
    if not isinstance(action, dict):
        raise BadInput(f"state of {block} is not an object")
    if not isinstance(action.get("type", ""), str):
        raise BadInput(f"state of {block} has no type")
    text(action.get("value"), TEXT_MAX, f"value of {block}")
    option = action.get("selected_option")
    if option is not None and not _is_option(option):
        raise BadInput(f"selected option of {block} is malformed")
    options = action.get("selected_options")
    if options is not None and not (
        isinstance(options, list)
        and all(isinstance(o, dict) and isinstance(o.get("value"), str) for o in options)
    ):
        raise BadInput(f"selected options of {block} are malformed")
    for key in _LIST_OF_STR:
        items = action.get(key)
        if items is not None and not (isinstance(items, list) and all(isinstance(x, str) for x in items)):
            raise BadInput(f"{key} of {block} is malformed")
    for user in action.get("selected_users") or []:
        user_id(user, f"a user chosen in {block}")
    if action.get("selected_user") is not None:
        user_id(action["selected_user"], f"the user chosen in {block}")
    channel_id(action.get("selected_conversation"), f"the conversation chosen in {block}")
    channel_id(action.get("selected_channel"), f"the channel chosen in {block}")
    if action.get("selected_date_time") is not None:
        unix_time(action["selected_date_time"], f"the time chosen in {block}")


def state_values(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """`view.state.values` with every value of a type its element gives, or BadInput.

    {block_id: {action_id: {"type": ..., "value" | "selected_option" | ...}}}; text at most 3000
    characters (no input of loopbot's allows more), ids in Slack's formats, times within 2000-2100.
    """
    state = view.get("state")
    values = state.get("values") if isinstance(state, dict) else None
    if values is None:
        return {}
    if not isinstance(values, dict):
        raise BadInput("state.values is not an object")
    for block, actions in values.items():
        if not isinstance(actions, dict):
            raise BadInput("a block's state is not an object")
        for action in actions.values():
            _check_action(str(block)[:64], action)
    return values
