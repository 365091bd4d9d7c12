"""auth.test, users.info, users.lookupByEmail and conversations.open."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.standin.api_chat import require
from bot.standin.state import ApiError, State, invalid_arguments
from bot.standin.workspace import Channel, dm_id


def auth_test(state: State, _args: dict[str, Any]) -> dict[str, Any]:
    ws = state.workspace
    return {
        "url": "https://standin.slack.invalid/",
        "team": ws.team_name,
        "user": "loopbot",
        "team_id": ws.team_id,
        "user_id": ws.bot_user_id,
        "bot_id": ws.bot_id,
        "is_enterprise_install": False,
    }


def users_info(state: State, args: dict[str, Any]) -> dict[str, Any]:
    """users.info: deactivated users are returned, with `deleted: true`, as Slack does."""
    require(args, "user")
    user = state.workspace.user(str(args["user"]))
    if user is None:
        raise ApiError("user_not_found")
    return {"user": user.to_slack(state.workspace.team_id)}


def users_lookup_by_email(state: State, args: dict[str, Any]) -> dict[str, Any]:
    """users.lookupByEmail: a deactivated account is not found, unlike with users.info
    (docs.slack.dev/reference/methods/users.lookupByEmail: "If the user has been deactivated,
    users_not_found will be returned instead of a user object")."""
    require(args, "email")
    user = state.workspace.by_email(str(args["email"]))
    if user is None or user.deleted:
        raise ApiError("users_not_found")
    return {"user": user.to_slack(state.workspace.team_id)}


def conversations_open(state: State, args: dict[str, Any]) -> dict[str, Any]:
    """conversations.open with one user: the app's DM with them (multi-person DMs are not modelled)."""
    users = [u.strip() for u in str(args.get("users") or "").split(",") if u.strip()]
    if args.get("channel"):
        return {"channel": {"id": state.conversation(str(args["channel"]))}}
    if not users:
        raise invalid_arguments("missing required field: users or channel")
    if len(users) > 1:
        raise ApiError("not_supported")
    return {"channel": {"id": dm_id(state.check_user(users[0])), "is_im": True, "user": users[0]}}


def _channel(state: State, args: dict[str, Any]) -> Channel:
    require(args, "channel")
    found = state.workspace.channels.get(str(args["channel"]))
    # A private channel the app is not in is invisible to it, as if it did not exist.
    if found is None or found.deleted or (found.is_private and not found.bot_member):
        raise ApiError("channel_not_found")
    return found


def conversations_info(state: State, args: dict[str, Any]) -> dict[str, Any]:
    """conversations.info: the channel, with `is_member` for the calling bot."""
    return {"channel": _channel(state, args).to_slack()}


def conversations_join(state: State, args: dict[str, Any]) -> dict[str, Any]:
    """conversations.join: a bot may join a public channel (scope channels:join), never a private one."""
    found = _channel(state, args)
    if found.is_private:
        raise ApiError("method_not_supported_for_channel_type")
    if found.archived:
        raise ApiError("is_archived")
    if found.bot_member:
        return {"channel": found.to_slack(), "warning": "already_in_channel"}
    joined = replace(found, bot_member=True)
    state.workspace.channels[found.id] = joined
    return {"channel": joined.to_slack()}
