"""The shape of a Slack payload, checked before Bolt reads it: what Bolt and loopbot's listeners index.

Bolt's request parsing and matchers index into the body (`body["actions"][0]["action_id"]`,
`body["view"]["type"]`, `"id" in body["user"]`) and raise on anything else; a crafted but signed
payload would then end in a 500 with a traceback. `problem` names the first thing that does not fit,
and the request is answered 400 instead.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltRequest, BoltResponse

from bot.guard.inputs import METADATA_MAX, TEXT_MAX, is_channel_id, is_user_id

log = logging.getLogger("loopbot.requests")
_TEAM = re.compile(r"[TE][A-Z0-9]{1,31}\Z")  # a workspace (T…) or an Enterprise Grid org (E…)
_SURROGATE = re.compile("[\ud800-\udfff]")
_TRIGGER = re.compile(r"[A-Za-z0-9._-]{1,255}\Z")  # handed back to views.open as it came
MAX_ACTIONS = 25  # an actions block holds at most 25 elements
COMMAND_TEXT_MAX = 4000
Check = Callable[[dict[str, Any]], str | None]


def _optional(body: dict[str, Any], key: str, *kinds: type) -> str | None:
    value = body.get(key)
    if value is None or isinstance(value, kinds):
        return None
    return f"{key} has the wrong type"


def _id_of(value: object, key: str, valid: Callable[[object], bool]) -> str | None:
    """`value` is None, an id, or an object whose `id` is one."""
    if isinstance(value, dict):
        value = value.get("id")
    if value is None or valid(value):
        return None
    return f"{key} is not a Slack id"


_TEXT_KEYS = ("type", "team_id", "enterprise_id", "api_app_id", "trigger_id", "response_url", "token")
_OBJECT_KEYS = ("event", "view", "message", "container", "previous_message", "item", "function_data")


def _types(body: dict[str, Any]) -> str | None:
    """What Bolt's request parsing (build_context) reads, for every kind of payload: the types."""
    checks: list[tuple[str, tuple[type, ...]]] = [(k, (str,)) for k in _TEXT_KEYS]
    checks += [(k, (str, dict)) for k in ("team", "enterprise", "channel", "user")]
    checks += [(k, (dict,)) for k in _OBJECT_KEYS]
    for key, kinds in checks:
        if (problem := _optional(body, key, *kinds)) is not None:
            return problem
    for key in ("authorizations", "response_urls", "actions"):
        value = body.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, dict) for v in value)):
            return f"{key} is not a list of objects"
    for key in ("team", "enterprise"):
        value = body.get(key)
        if isinstance(value, dict) and not isinstance(value.get("id", ""), str | None):
            return f"{key}.id is not text"
    return None


def _is_team_id(value: object) -> bool:
    return isinstance(value, str) and _TEAM.match(value) is not None


def _team_ids(body: dict[str, Any]) -> str | None:
    """Bolt passes the team id it finds to every Web API call it makes for the request."""
    found = [body.get("team_id"), body.get("enterprise_id")]
    for key in ("team", "enterprise"):
        value = body.get(key)
        found.append(value.get("id") if isinstance(value, dict) else value)
    for key in ("user", "view", "event"):
        value = body.get(key)
        if isinstance(value, dict):
            found += [value.get("team_id"), value.get("app_installed_team_id"), value.get("team")]
    found += [a.get("team_id") for a in body.get("authorizations") or []]
    found += [a.get("enterprise_id") for a in body.get("authorizations") or []]
    if any(v not in (None, "") and not _is_team_id(v) for v in found):
        return "a team id is not a Slack id"
    return None


def _ids(body: dict[str, Any]) -> str | None:
    """The user, team and conversation ids a payload names are in Slack's formats."""
    if (problem := _team_ids(body)) is not None:
        return problem
    if body.get("trigger_id") not in (None, "") and not _TRIGGER.match(str(body["trigger_id"])):
        return "trigger_id is not a Slack trigger id"
    for key, valid in (("user", is_user_id), ("user_id", is_user_id)):
        if (problem := _id_of(body.get(key), key, valid)) is not None:
            return problem
    for key in ("channel", "channel_id"):
        value = body.get(key)
        if value not in (None, "") and (problem := _id_of(value, key, is_channel_id)) is not None:
            return problem
    container = body.get("container") or {}
    if container.get("channel_id") not in (None, "") and not is_channel_id(container.get("channel_id")):
        return "container.channel_id is not a Slack id"
    for key in ("view_id", "message_ts", "type"):
        if not isinstance(container.get(key, ""), str):
            return f"container.{key} is not text"
    return None


def _actions(body: dict[str, Any]) -> str | None:
    actions = body.get("actions")
    if not actions or len(actions) > MAX_ACTIONS:
        return "block_actions needs 1 to 25 actions"
    for action in actions:
        if not isinstance(action.get("action_id"), str):
            return "an action has no action_id"
        for key in ("block_id", "value", "type"):
            if not isinstance(action.get(key, ""), str):
                return f"an action's {key} is not text"
        if len(action.get("value") or "") > TEXT_MAX:
            return "an action's value is too long"
    if not isinstance(body.get("user"), dict):
        return "block_actions has no user"
    return None


def _view(body: dict[str, Any]) -> str | None:
    view = body.get("view")
    if not isinstance(view, dict):
        return "the payload has no view"
    for key in ("callback_id", "type"):
        if not isinstance(view.get(key), str):
            return f"view.{key} is not text"
    for key in ("id", "hash", "private_metadata", "root_view_id", "previous_view_id", "external_id"):
        if not isinstance(view.get(key) or "", str):
            return f"view.{key} is not text"
    if len(view.get("private_metadata") or "") > METADATA_MAX:
        return "view.private_metadata is too long"
    blocks = view.get("blocks")
    if blocks is not None and not (isinstance(blocks, list) and all(isinstance(b, dict) for b in blocks)):
        return "view.blocks is not a list of objects"
    state = view.get("state")
    if state is not None and not (isinstance(state, dict) and isinstance(state.get("values", {}), dict)):
        return "view.state.values is not an object"
    return None


def _event(body: dict[str, Any]) -> str | None:
    event = body.get("event")
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        return "event_callback has no event type"
    for key in ("user", "channel", "tab", "subtype", "channel_type", "thread_ts", "bot_id", "team"):
        if not isinstance(event.get(key) or "", str):
            return f"event.{key} is not text"
    if event.get("user") is not None and not is_user_id(event["user"]):
        return "event.user is not a Slack user id"
    return None


def _command(body: dict[str, Any]) -> str | None:
    for key in ("command", "text", "user_id", "channel_id", "team_id", "trigger_id"):
        if not isinstance(body.get(key) or "", str):
            return f"{key} is not text"
    if not is_user_id(body.get("user_id")):
        return "a slash command needs a user_id"
    if len(body.get("text") or "") > COMMAND_TEXT_MAX:
        return "the command text is too long"
    return None


KINDS: dict[str, Check] = {
    "block_actions": _actions,
    "view_submission": _view,
    "view_closed": _view,
    "event_callback": _event,
}


def _unstorable(value: object) -> bool:
    """A NUL or a lone surrogate anywhere: text no Slack client sends, that PostgreSQL refuses to store
    and UTF-8 cannot encode (JSON can spell both: "\u0000", "\ud800")."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item or not item.isascii() and _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def problem(body: object) -> str | None:
    """Why this parsed body is not a payload Slack sends (in the parts anything here reads), or None."""
    if not isinstance(body, dict):
        return "the body is not an object"
    if _unstorable(body):
        return "the body holds a NUL or a lone surrogate"
    if (found := _types(body) or _ids(body)) is not None:
        return found
    if "command" in body:
        return _command(body)
    check = KINDS.get(body.get("type") or "")
    return check(body) if check else None


def reject_malformed(req: BoltRequest, next: Callable[[], None]) -> BoltResponse | None:
    """A global Bolt middleware: the same check for requests that do not come through the WSGI gate
    (Socket Mode, tests that dispatch to the app directly)."""
    found = problem(req.body)
    if found is None:
        next()
        return None
    log.info("request.malformed reason=%s", found)
    return BoltResponse(status=400, body="")
