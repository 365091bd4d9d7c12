"""chat.* and conversations.history/replies: posts, updates, ephemerals, permalinks and reading them back."""

from __future__ import annotations

import copy
from typing import Any

from bot.standin import blockkit
from bot.standin.state import ApiError, State, invalid_arguments

POST_TEXT = 40_000
UPDATE_TEXT = 4000
HISTORY_MAX = 999


def require(args: dict[str, Any], *names: str) -> None:
    """Slack answers invalid_arguments when a required argument is missing or empty."""
    missing = [n for n in names if args.get(n) in (None, "")]
    if missing:
        raise invalid_arguments(*(f"missing required field: {n}" for n in missing))


def truthy(value: Any) -> bool:
    return value is True or str(value).lower() in ("1", "true")


def _check_blocks(args: dict[str, Any]) -> None:
    if "blocks" in args and args["blocks"] not in (None, ""):
        problems = blockkit.blocks(args["blocks"], blockkit.MESSAGE_BLOCKS)
        if problems:
            raise ApiError("invalid_blocks", errors=problems)
        if blockkit.text_units(args["blocks"]) > blockkit.MESSAGE_TEXT_UNITS:
            raise ApiError("msg_blocks_too_long")


def _check_metadata(args: dict[str, Any]) -> dict[str, Any] | None:
    metadata = args.get("metadata")
    if metadata in (None, ""):
        return None
    if (
        not isinstance(metadata, dict)
        or not isinstance(metadata.get("event_type"), str)
        or not isinstance(metadata.get("event_payload"), dict)
    ):
        raise ApiError("invalid_metadata_format")
    return metadata


def _content(args: dict[str, Any], text_limit: int) -> None:
    if not any(args.get(k) not in (None, "", []) for k in ("text", "blocks", "attachments")):
        raise ApiError("no_text")
    if isinstance(args.get("text"), str) and len(args["text"]) > text_limit:
        raise ApiError("msg_too_long")
    _check_blocks(args)


def post_message(state: State, args: dict[str, Any]) -> dict[str, Any]:
    """chat.postMessage: a user id as channel posts to the app's DM with them."""
    if not args.get("channel"):
        raise ApiError("channel_not_found")
    conversation = state.conversation(str(args["channel"]), posting=True)
    _content(args, POST_TEXT)
    metadata = _check_metadata(args)
    ws = state.workspace
    message: dict[str, Any] = {
        "type": "message",
        "ts": state.new_ts(),
        "user": ws.bot_user_id,
        "bot_id": ws.bot_id,
        "team": ws.team_id,
        "text": args.get("text") or "",
    }
    for key in ("blocks", "attachments"):
        if args.get(key):
            message[key] = args[key]
    if metadata:
        message["metadata"] = metadata
    thread_ts = args.get("thread_ts")
    if thread_ts:
        parent = state.find_message(conversation, str(thread_ts))
        if parent is None:
            raise ApiError("thread_not_found")  # not Slack's exact behaviour; a stand-in should be strict
        message["thread_ts"] = parent["ts"]
        parent["thread_ts"] = parent["ts"]
        parent["reply_count"] = parent.get("reply_count", 0) + 1
        parent["latest_reply"] = message["ts"]
    state.messages[conversation].append(message)
    public = _without_metadata(message)
    return {"channel": conversation, "ts": message["ts"], "message": copy.deepcopy(public)}


def update(state: State, args: dict[str, Any]) -> dict[str, Any]:
    """chat.update: text over 4,000 characters is msg_too_long."""
    require(args, "channel", "ts")
    conversation = state.conversation(str(args["channel"]))
    message = state.find_message(conversation, str(args["ts"]))
    if message is None:
        raise ApiError("message_not_found")
    _content(args, UPDATE_TEXT)
    metadata = _check_metadata(args)
    if "text" in args:
        message["text"] = args["text"] or ""
    for key in ("blocks", "attachments"):
        if key in args:
            message[key] = args[key]
    if metadata:
        message["metadata"] = metadata
    message["edited"] = {"user": state.workspace.bot_user_id, "ts": state.new_ts()}
    return {"channel": conversation, "ts": message["ts"], "text": message["text"]}


def post_ephemeral(state: State, args: dict[str, Any]) -> dict[str, Any]:
    """chat.postEphemeral: visible only to `user`, never stored in history."""
    require(args, "channel", "user")
    conversation = state.conversation(str(args["channel"]), posting=True)
    user = state.check_user(str(args["user"]))
    _content(args, POST_TEXT)
    ts = state.new_ts()
    state.ephemerals.append(
        {
            "channel": conversation,
            "user": user,
            "text": args.get("text") or "",
            "blocks": args.get("blocks"),
            "message_ts": ts,
        }  # fmt: skip
    )
    return {"message_ts": ts}


def get_permalink(state: State, args: dict[str, Any]) -> dict[str, Any]:
    require(args, "channel", "message_ts")
    conversation = state.conversation(str(args["channel"]))
    message = state.find_message(conversation, str(args["message_ts"]))
    if message is None:
        raise ApiError("message_not_found")
    link = f"https://standin.slack.invalid/archives/{conversation}/p{message['ts'].replace('.', '')}"
    if message.get("thread_ts") and message["thread_ts"] != message["ts"]:
        link += f"?thread_ts={message['thread_ts']}&cid={conversation}"
    return {"channel": conversation, "permalink": link}


def _without_metadata(message: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in message.items() if k != "metadata"}


def _page(messages: list[dict[str, Any]], args: dict[str, Any]) -> dict[str, Any]:
    limit = min(int(args.get("limit") or 100), HISTORY_MAX)
    start = int(str(args.get("cursor") or "offset:0").split(":", 1)[1] or 0)
    page = messages[start : start + limit]
    with_metadata = truthy(args.get("include_all_metadata"))
    out = [copy.deepcopy(m if with_metadata else _without_metadata(m)) for m in page]
    more = start + limit < len(messages)
    return {
        "messages": out,
        "has_more": more,
        "response_metadata": {"next_cursor": f"offset:{start + limit}" if more else ""},
    }


def _in_window(m: dict[str, Any], args: dict[str, Any]) -> bool:
    ts = float(m["ts"])
    oldest, latest = float(args.get("oldest") or 0), float(args.get("latest") or "inf")
    if truthy(args.get("inclusive")):
        return oldest <= ts <= latest
    return oldest < ts < latest if args.get("latest") else oldest < ts


def history(state: State, args: dict[str, Any]) -> dict[str, Any]:
    """conversations.history: top-level messages, newest first; metadata only with include_all_metadata."""
    require(args, "channel")
    conversation = state.conversation(str(args["channel"]))
    top = [m for m in state.messages.get(conversation, []) if m.get("thread_ts") in (None, m["ts"])]
    return _page([m for m in reversed(top) if _in_window(m, args)], args)


def replies(state: State, args: dict[str, Any]) -> dict[str, Any]:
    """conversations.replies: the parent then its replies, oldest first."""
    require(args, "channel", "ts")
    conversation = state.conversation(str(args["channel"]))
    parent = state.find_message(conversation, str(args["ts"]))
    if parent is None:
        raise ApiError("thread_not_found")
    root = parent.get("thread_ts") or parent["ts"]
    thread = [m for m in state.messages.get(conversation, []) if root in (m["ts"], m.get("thread_ts"))]
    return _page(thread, args)
