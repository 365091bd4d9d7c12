"""views.open / push / update / publish: limits, trigger ids, the modal stack and hash checks."""

from __future__ import annotations

import copy
import uuid
from typing import Any

from bot.standin import blockkit
from bot.standin.api_chat import require
from bot.standin.state import ApiError, State, invalid_arguments

MAX_STACK = 3  # a modal plus two pushed views


def _check(view: Any, kind: str) -> None:
    if isinstance(view, dict) and blockkit.view_bytes(view) > blockkit.VIEW_BYTES:
        raise ApiError("view_too_large")
    problems = blockkit.view(view, kind)
    if problems:
        raise invalid_arguments(*problems)


def _store(
    state: State, view: dict[str, Any], owner: str, view_id: str | None = None, **ids: str
) -> dict[str, Any]:
    view_id = view_id or state.new_id("V")
    stored = {
        "private_metadata": "",
        "callback_id": "",
        "external_id": "",
        "clear_on_close": False,
        "notify_on_close": False,
        **copy.deepcopy(view),
        "id": view_id,
        "team_id": state.workspace.team_id,
        "state": {"values": {}},
        "hash": uuid.uuid4().hex[:20],
        "root_view_id": ids.get("root_view_id", view_id),
        "previous_view_id": ids.get("previous_view_id"),
        "bot_id": state.workspace.bot_id,
    }
    state.views[view_id] = stored
    state.view_owner[view_id] = owner
    return {"view": copy.deepcopy(stored)}


def open_view(state: State, args: dict[str, Any]) -> dict[str, Any]:
    """views.open: a fresh modal stack for the user the trigger came from."""
    require(args, "trigger_id", "view")
    _check(args["view"], "modal")
    trigger = state.use_trigger(str(args["trigger_id"]))
    owner = trigger.user or ""
    result = _store(state, args["view"], owner)
    state.stacks[owner] = [result["view"]["id"]]
    return result


def push(state: State, args: dict[str, Any]) -> dict[str, Any]:
    """views.push: onto the user's open modal; a fourth view is push_limit_reached."""
    require(args, "trigger_id", "view")
    _check(args["view"], "modal")
    trigger = state.use_trigger(str(args["trigger_id"]))
    owner = trigger.user or ""
    stack = state.stacks.get(owner)
    if not stack:
        raise ApiError("not_found")
    if len(stack) >= MAX_STACK:
        raise ApiError("push_limit_reached")
    result = _store(state, args["view"], owner, root_view_id=stack[0], previous_view_id=stack[-1])
    stack.append(result["view"]["id"])
    return result


def update(state: State, args: dict[str, Any]) -> dict[str, Any]:
    """views.update by view_id or external_id; a stale `hash` is hash_conflict."""
    require(args, "view")
    view_id = args.get("view_id")
    if not view_id and args.get("external_id"):
        view_id = next((k for k, v in state.views.items() if v["external_id"] == args["external_id"]), None)
    if not view_id and not args.get("external_id"):
        raise invalid_arguments("missing required field: view_id or external_id")
    current = state.views.get(str(view_id))
    if current is None:
        raise ApiError("not_found")
    _check(args["view"], current["type"])
    if args.get("hash") and args["hash"] != current["hash"]:
        raise ApiError("hash_conflict")
    ids = {k: current[k] for k in ("root_view_id", "previous_view_id") if current[k]}
    return _store(state, args["view"], state.view_owner[current["id"]], current["id"], **ids)


def publish(state: State, args: dict[str, Any]) -> dict[str, Any]:
    """views.publish: the user's App Home tab."""
    require(args, "user_id", "view")
    user = state.check_user(str(args["user_id"]))
    _check(args["view"], "home")
    current = state.views.get(state.homes.get(user, ""))
    if current is not None and args.get("hash") and args["hash"] != current["hash"]:
        raise ApiError("hash_conflict")
    result = _store(state, args["view"], user, current["id"] if current else None)
    state.homes[user] = result["view"]["id"]
    return result
