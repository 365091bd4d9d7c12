"""The stand-in's HTTP side: parse a Web API request (form, JSON or query), answer it, or hang up."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

if TYPE_CHECKING:
    from bot.standin.server import StandIn


class Drop(Exception):
    """Close the connection without answering."""


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # many clients connecting at once must not be refused


def api_args(query: str, raw: bytes, content_type: str) -> dict[str, Any] | None:
    """A Web API call's arguments from the query and a form or JSON body; None for a body that won't parse."""
    args: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    try:
        if raw and "json" in content_type:
            args.update(json.loads(raw))
        elif raw:
            args.update(parse_qsl(raw.decode(), keep_blank_values=True))
    except (ValueError, TypeError):
        return None
    return args


def bearer(auth: str, args: dict[str, Any]) -> str | None:
    """The token of a call: the Authorization header's, else a `token` argument (removed from args)."""
    token = args.pop("token", None)
    return auth[7:].strip() if auth.startswith("Bearer ") else token


def encoded(status: int, body: dict[str, Any] | str) -> tuple[bytes, str]:
    """The bytes and content type of an answer: a 5xx answers like Slack's edge, an HTML page, not JSON;
    a response_url answers in plain text."""
    if isinstance(body, str):
        return body.encode(), "text/plain; charset=utf-8"
    if status >= 500:
        return b"<html><body>Server error</body></html>", "text/html"
    return json.dumps(body).encode(), "application/json; charset=utf-8"


def handler_class(standin: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self._serve()

        def do_POST(self) -> None:  # noqa: N802
            self._serve()

        def _serve(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if url.path.startswith("/response/"):
                self._send(*standin.respond(url.path.removeprefix("/response/"), raw), {})
            elif not url.path.startswith("/api/"):
                self._send(404, {"ok": False, "error": "not_found"}, {})
            else:
                self._serve_api(url.path[5:], url.query, raw)

        def _serve_api(self, method: str, query: str, raw: bytes) -> None:
            args = api_args(query, raw, self.headers.get("Content-Type") or "")
            if args is None:
                return self._send(200, {"ok": False, "error": "invalid_json"}, {})
            token = bearer(self.headers.get("Authorization") or "", args)
            try:
                status, body, headers = standin.handle(method, args, token or None)
            except Drop:
                self.close_connection = True
                return None
            self._send(status, body, headers)
            return None

        def _send(self, status: int, body: dict[str, Any] | str, headers: dict[str, str]) -> None:
            data, kind = encoded(status, body)
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler
