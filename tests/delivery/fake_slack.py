"""A tiny Slack Web API for the delivery tests (used until/unless the shared stand-in is available).

It records posts with their metadata, serves history with metadata, and injects faults per
method: `ratelimit:<seconds>`, `http500`, `error:<code>`, `reset` (drop the connection, nothing
recorded), `accept_drop` (record the post, then drop the connection) and `sleep:<seconds>`.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlparse


class FakeSlack:
    def __init__(self, tz: dict[str, str] | None = None) -> None:
        self.tz = tz or {}
        self.lock = threading.Lock()
        self.messages: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.calls: list[tuple[str, dict[str, Any], float]] = []
        self.faults: dict[str, list[str]] = defaultdict(list)
        self._ts = itertools.count(1)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                fake._handle(self)

            do_GET = do_POST

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/"

    def start(self) -> FakeSlack:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail(self, method: str, *faults: str) -> None:
        with self.lock:
            self.faults[method].extend(faults)

    def posts(self) -> list[dict[str, Any]]:
        with self.lock:
            return [m for msgs in self.messages.values() for m in msgs]

    def post_hashes(self) -> list[str]:
        return [m["metadata"]["event_payload"]["key_hash"] for m in self.posts() if m.get("metadata")]

    def calls_of(self, method: str) -> list[tuple[dict[str, Any], float]]:
        with self.lock:
            return [(args, at) for m, args, at in self.calls if m == method]

    # -- serving
    def _args(self, req: BaseHTTPRequestHandler) -> dict[str, Any]:
        args: dict[str, Any] = dict(parse_qsl(urlparse(req.path).query))
        length = int(req.headers.get("Content-Length") or 0)
        body = req.rfile.read(length) if length else b""
        if body:
            if (req.headers.get("Content-Type") or "").startswith("application/json"):
                args.update(json.loads(body))
            else:
                args.update(dict(parse_qsl(body.decode())))
        return args

    def _handle(self, req: BaseHTTPRequestHandler) -> None:
        method = urlparse(req.path).path.rsplit("/", 1)[-1]
        args = self._args(req)
        with self.lock:
            self.calls.append((method, args, time.monotonic()))
            fault = self.faults[method].pop(0) if self.faults[method] else None
        if fault and fault.startswith("sleep:"):
            time.sleep(float(fault.split(":")[1]))
            fault = None
        if fault == "reset":
            req.close_connection = True
            return
        if fault and fault.startswith("ratelimit:"):
            wait = {"Retry-After": fault.split(":")[1]}
            return self._send(req, 429, {"ok": False, "error": "ratelimited"}, wait)
        if fault == "http500":
            return self._send(req, 500, None)
        if fault and fault.startswith("error:"):
            return self._send(req, 200, {"ok": False, "error": fault.split(":", 1)[1]})
        body = getattr(self, "_m_" + method.replace(".", "_"))(args)
        if fault == "accept_drop":
            req.close_connection = True
            return
        self._send(req, 200, body)

    def _send(
        self, req: BaseHTTPRequestHandler, status: int, body: Any, headers: dict[str, str] | None = None
    ) -> None:
        data = b"<html>oops</html>" if body is None else json.dumps(body).encode()
        req.send_response(status)
        req.send_header("Content-Type", "text/html" if body is None else "application/json")
        req.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            req.send_header(k, v)
        req.end_headers()
        req.wfile.write(data)

    # -- methods
    @staticmethod
    def _channel(channel: str) -> str:
        return "D" + channel[1:] if channel[:1] in ("U", "W") else channel

    def _m_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args["channel"])
        metadata = args.get("metadata")
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        with self.lock:
            ts = f"1700000000.{next(self._ts):06d}"
            self.messages[channel].append(
                {"ts": ts, "text": args.get("text"), "metadata": metadata, "thread_ts": args.get("thread_ts")}
            )
        return {"ok": True, "channel": channel, "ts": ts}

    def _m_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            for m in self.messages[args["channel"]]:
                if m["ts"] == args["ts"]:
                    m["text"] = args.get("text")
        return {"ok": True, "channel": args["channel"], "ts": args["ts"]}

    def _m_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "channel": {"id": self._channel(args["users"])}}

    def _m_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            msgs = [m for m in self.messages[args["channel"]] if not m["thread_ts"]]
        return {"ok": True, "messages": list(reversed(msgs))[: int(args.get("limit", 100))]}

    def _m_conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            msgs = [m for m in self.messages[args["channel"]] if args["ts"] in (m["ts"], m["thread_ts"])]
        return {"ok": True, "messages": msgs}

    def _m_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "user": {"id": args["user"], "tz": self.tz.get(args["user"], "UTC")}}

    def _m_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "user_id": "UBOT"}
