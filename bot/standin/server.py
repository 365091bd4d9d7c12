"""StandIn: a local Slack Web API over HTTP that records calls, enforces limits and injects faults."""

from __future__ import annotations

import copy
import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from bot.standin import api_chat, api_misc, api_views
from bot.standin.faults import Fault, FaultKind, Faults
from bot.standin.httpd import Drop, Server, handler_class
from bot.standin.ratelimit import Limiter, RateLimits
from bot.standin.state import ApiError, Call, State
from bot.standin.workspace import Workspace, default_workspace, dm_id

Method = Callable[[State, dict[str, Any]], dict[str, Any]]
METHODS: dict[str, Method] = {
    "auth.test": api_misc.auth_test,
    "chat.postMessage": api_chat.post_message,
    "chat.update": api_chat.update,
    "chat.postEphemeral": api_chat.post_ephemeral,
    "chat.getPermalink": api_chat.get_permalink,
    "conversations.open": api_misc.conversations_open,
    "conversations.info": api_misc.conversations_info,
    "conversations.join": api_misc.conversations_join,
    "conversations.history": api_chat.history,
    "conversations.replies": api_chat.replies,
    "views.open": api_views.open_view,
    "views.push": api_views.push,
    "views.update": api_views.update,
    "views.publish": api_views.publish,
    "users.info": api_misc.users_info,
    "users.lookupByEmail": api_misc.users_lookup_by_email,
}
# The bot scope each method needs (Slack's method reference pages); calls without it answer missing_scope.
METHOD_SCOPES = {
    "chat.postMessage": "chat:write",
    "chat.update": "chat:write",
    "chat.postEphemeral": "chat:write",
    "conversations.open": "im:write",
    "conversations.info": "channels:read",
    "conversations.join": "channels:join",
    "users.info": "users:read",
    "users.lookupByEmail": "users:read.email",
}
# What an app installed from manifest.yml is granted; Slack lists them in every answer's x-oauth-scopes.
DEFAULT_SCOPES = frozenset(
    {
        "chat:write",
        "im:write",
        "im:history",
        "channels:history",
        "groups:history",
        "channels:read",
        "groups:read",
        "channels:join",
        "commands",
        "users:read",
        "users:read.email",
    }
)
# Arguments that arrive as JSON strings in form-encoded bodies (slack_sdk sends some calls as JSON).
_JSON_ARGS = {"blocks": "invalid_blocks_format", "attachments": "invalid_attachments",
              "metadata": "invalid_metadata_format", "view": "invalid_arguments"}  # fmt: skip


class StandIn:
    """A Slack Web API stand-in on 127.0.0.1; use as a context manager or start()/stop().

    `tokens`: the accepted bot tokens (None accepts any token starting with "xox").
    `latency`: seconds added to every call. `rate_limits`: see RateLimits (off by default).
    """

    def __init__(
        self,
        workspace: Workspace | None = None,
        latency: float = 0.0,
        *,
        tokens: Iterable[str] | None = None,
        rate_limits: RateLimits | None = None,
        trigger_ttl: float = 3.0,
        scopes: Iterable[str] = DEFAULT_SCOPES,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.workspace = workspace or default_workspace()
        self.latency = latency
        self.tokens = set(tokens) if tokens is not None else None
        self.scopes = set(scopes)
        self.state = State(self.workspace, trigger_ttl=trigger_ttl)
        self.faults = Faults()
        self.limiter = Limiter(rate_limits or RateLimits())
        self._calls: list[Call] = []
        self._lock = threading.Lock()
        self._rate_limited: Counter[str] = Counter()
        self._host = host
        self._server = Server((host, port), handler_class(self))
        self._thread: threading.Thread | None = None

    # -- lifecycle
    @property
    def url(self) -> str:
        return f"http://{self._host}:{self._server.server_port}/api/"

    def start(self) -> StandIn:
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="standin", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(5)
        self._server.server_close()

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what tests read
    @property
    def calls(self) -> list[Call]:
        """Every call received so far, in arrival order (a snapshot)."""
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """Messages in a conversation, oldest first, thread replies included; a user id means their DM."""
        key = dm_id(channel) if channel[:1] in ("U", "W") else channel
        with self.state.lock:
            return copy.deepcopy(self.state.messages.get(key, []))

    def ephemerals(self, user: str | None = None) -> list[dict[str, Any]]:
        with self.state.lock:
            return [copy.deepcopy(e) for e in self.state.ephemerals if user in (None, e["user"])]

    def view(self, view_id: str) -> dict[str, Any] | None:
        with self.state.lock:
            return copy.deepcopy(self.state.views.get(view_id))

    def modal_stack(self, user: str | None = None) -> list[dict[str, Any]]:
        """The open modal views of the user a trigger was minted for (root first)."""
        with self.state.lock:
            return [copy.deepcopy(self.state.views[v]) for v in self.state.stacks.get(user or "", [])]

    def home(self, user: str) -> dict[str, Any] | None:
        """The App Home view last published for a user."""
        with self.state.lock:
            view_id = self.state.homes.get(user)
            return copy.deepcopy(self.state.views[view_id]) if view_id else None

    def rate_limited(self, method: str | None = None) -> int:
        """How many 429s were sent (injected or from the limiter), for `method` or in all."""
        with self._lock:
            return self._rate_limited[method] if method else sum(self._rate_limited.values())

    def new_response_url(self, user: str, channel: str) -> str:
        """A response_url as a slash command or button carries: for `user` in `channel`."""
        key = self.state.new_response(user, channel)
        return f"http://{self._host}:{self._server.server_port}/response/{key}"

    def new_trigger_id(self, user: str | None = None) -> str:
        """A trigger id as an interaction from `user` would carry: usable once, within `trigger_ttl`."""
        return self.state.new_trigger_id(user)

    def close_modals(self, user: str | None = None) -> None:
        """The user closed their modal (the stack is gone)."""
        with self.state.lock:
            self.state.stacks.pop(user or "", None)

    def reset_calls(self) -> None:
        with self._lock:
            self._calls.clear()
            self._rate_limited.clear()

    # -- fault injection
    def inject_rate_limit(self, method: str, n: int = 1, retry_after: int = 1) -> None:
        """The next n calls of `method` ("*" for any) answer 429 with Retry-After."""
        self.faults.add(method, Fault(FaultKind.RATE_LIMIT, retry_after=retry_after), n)

    def inject_server_error(self, method: str, n: int = 1, status: int = 500) -> None:
        self.faults.add(method, Fault(FaultKind.SERVER_ERROR, status=status), n)

    def inject_error(self, method: str, error: str, n: int = 1) -> None:
        """The next n calls answer `{"ok": false, "error": error}` and change nothing."""
        self.faults.add(method, Fault(FaultKind.ERROR, error=error), n)

    def inject_slow(self, method: str, seconds: float, n: int = 1) -> None:
        self.faults.add(method, Fault(FaultKind.SLOW, seconds=seconds), n)

    def inject_drop(self, method: str, n: int = 1, after_accept: bool = False) -> None:
        """Close the connection without answering; with after_accept the call takes effect first."""
        kind = FaultKind.DROP_AFTER_ACCEPT if after_accept else FaultKind.DROP
        self.faults.add(method, Fault(kind), n)

    # -- serving
    def _count_429(self, method: str) -> None:
        with self._lock:
            self._rate_limited[method] += 1

    def respond(self, key: str, raw: bytes) -> tuple[int, str]:
        """A POST to a response_url: (HTTP status, plain-text body), as Slack answers them."""
        with self._lock:
            self._calls.append(Call(method="response_url", args={"key": key}, at=time.time()))
        try:
            message = json.loads(raw or b"{}")
        except ValueError:
            return 400, "invalid_payload"
        if not isinstance(message, dict):
            return 400, "invalid_payload"
        with self.state.lock:
            return self.state.use_response(key, message)

    def handle(
        self, method: str, args: dict[str, Any], token: str | None
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        """Answer one call: (HTTP status, JSON body, extra headers); raises Drop to hang up."""
        call = Call(method=method, args=args, at=time.time(), token=token)
        with self._lock:
            self._calls.append(call)
        status, body, headers = self._answer(call)
        call.status, call.outcome = status, (body.get("error") or "ok") if status == 200 else f"http_{status}"
        return status, body, headers

    def _answer(self, call: Call) -> tuple[int, dict[str, Any], dict[str, str]]:
        if self.latency:
            time.sleep(self.latency)
        fault = self.faults.next(call.method)
        if fault and fault.kind is FaultKind.SLOW:
            time.sleep(fault.seconds)
        elif fault and fault.kind is FaultKind.RATE_LIMIT:
            self._count_429(call.method)
            return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(fault.retry_after)}
        elif fault and fault.kind is FaultKind.SERVER_ERROR:
            return fault.status, {}, {}
        elif fault and fault.kind is FaultKind.ERROR:
            return 200, {"ok": False, "error": fault.error}, {}
        elif fault and fault.kind is FaultKind.DROP:
            call.outcome = "dropped"
            raise Drop
        body = self._run(call)
        if fault and fault.kind is FaultKind.DROP_AFTER_ACCEPT:
            call.outcome = "accepted_dropped"
            raise Drop
        if body.get("error") == "ratelimited":
            return 429, body, {"Retry-After": str(body.pop("retry_after"))}
        if call.token:  # Slack names the token's scopes in every answer to an authenticated call
            return 200, body, {"x-oauth-scopes": ",".join(sorted(self.scopes))}
        return 200, body, {}

    def _run(self, call: Call) -> dict[str, Any]:
        fn = METHODS.get(call.method)
        try:
            if fn is None:
                raise ApiError("unknown_method")
            if not call.token:
                raise ApiError("not_authed")
            if not (call.token in self.tokens if self.tokens is not None else call.token.startswith("xox")):
                raise ApiError("invalid_auth")
            needed = METHOD_SCOPES.get(call.method)
            if needed and needed not in self.scopes:
                raise ApiError("missing_scope", needed=needed, provided=",".join(sorted(self.scopes)))
            for key, error in _JSON_ARGS.items():
                if isinstance(call.args.get(key), str) and call.args[key]:
                    try:
                        call.args[key] = json.loads(call.args[key])
                    except ValueError:
                        raise ApiError(error) from None
            wait = self.limiter.check(call.method, self._limit_channel(call))
            if wait is not None:
                self._count_429(call.method)
                return {"ok": False, "error": "ratelimited", "retry_after": wait}
            with self.state.lock:
                return {"ok": True, **fn(self.state, call.args)}
        except ApiError as exc:
            return {"ok": False, "error": exc.error, **exc.extra}

    def _limit_channel(self, call: Call) -> str | None:
        channel = str(call.args.get("channel") or "")
        return dm_id(channel) if channel[:1] in ("U", "W") else channel or None
