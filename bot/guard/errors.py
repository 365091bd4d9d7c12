"""The app's one error handler: bad input at INFO, trouble outside loopbot at WARNING, bugs at ERROR.

Bolt's default logs every exception with a traceback and answers 500. Here a request whose content
Slack would never send (BadInput, a malformed private_metadata) is answered 400, a failed Slack call or
an unavailable database is one WARNING line, and only what is left (a bug) keeps its traceback. After
the acknowledgement the answer Slack already has stands. No log line carries the request body.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.error import BoltUnhandledRequestError
from slack_sdk.errors import SlackApiError

from bot.db import unavailable
from bot.guard.inputs import BadInput

log = logging.getLogger("loopbot.requests")


def request_kind(body: object) -> str:
    """`type:what` of a payload for a log line: the action, callback, command or event it names."""
    if not isinstance(body, dict):
        return "?"
    kind = str(body.get("type") or ("command" if "command" in body else "?"))
    what: Any = body.get("command")
    if kind == "block_actions":
        actions = body.get("actions")
        first = actions[0] if isinstance(actions, list) and actions else {}
        what = first.get("action_id") if isinstance(first, dict) else None
    elif kind in ("view_submission", "view_closed"):
        view = body.get("view")
        what = view.get("callback_id") if isinstance(view, dict) else None
    elif kind == "event_callback":
        event = body.get("event")
        what = event.get("type") if isinstance(event, dict) else None
    return f"{kind[:40]}:{str(what or '')[:60]}"


def _acknowledged(request: BoltRequest) -> BoltResponse | None:
    ack = request.context.get("ack")
    return getattr(ack, "response", None)


def log_failure(error: Exception, kind: str) -> str:
    """Log `error` at the level it deserves; its class: bad_input, slack, database or bug."""
    if isinstance(error, BadInput | ValidationError):
        reason = str(error) if isinstance(error, BadInput) else "a value of the wrong shape"
        log.info("request.bad_input kind=%s reason=%s", kind, reason)
        return "bad_input"
    if isinstance(error, SlackApiError):
        log.warning("slack.call_failed kind=%s error=%s", kind, error.response.get("error"))
        return "slack"
    if unavailable(error):
        log.warning("database.unavailable kind=%s error=%s", kind, type(error).__name__)
        return "database"
    log.error("listener.failed kind=%s", kind, exc_info=error)
    return "bug"


def handle_error(
    error: Exception, request: BoltRequest, response: BoltResponse | None
) -> BoltResponse | None:
    """Bolt's error handler (app.error): the answer to send, if it is not Bolt's own."""
    kind = request_kind(request.body)
    if isinstance(error, BoltUnhandledRequestError):
        log.info("request.unhandled kind=%s", kind)
        return None
    found = log_failure(error, kind)
    acked = _acknowledged(request)
    answers = {"bad_input": BoltResponse(status=400, body=""), "database": BoltResponse(status=503, body="")}
    answer = acked or answers.get(found)
    # Bolt passes no response once the listener has acknowledged (the answer has gone to Slack).
    return answer if response is not None else None


def after_ack_safe(listener: Callable[..., None]) -> Callable[..., None]:
    """Register a listener through this: once it has called ack(), an exception is logged here and
    goes no further.

    Bolt (slack_bolt/listener/thread_runner.py) answers an exception raised after ack() by setting
    the ack's response back to None; if that happens before its loop sees the ack, Slack gets nothing
    for 3 s and then a 404. Before the ack, exceptions go to Bolt as usual (handle_error answers them).
    """

    @functools.wraps(listener)
    def run(**kwargs: Any) -> None:
        try:
            listener(**kwargs)
        except Exception as error:
            if getattr(kwargs.get("ack"), "response", None) is None:
                raise
            log_failure(error, request_kind(kwargs.get("body")))

    return run
