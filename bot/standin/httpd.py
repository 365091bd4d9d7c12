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
            if not url.path.startswith("/api/"):
                return self._send(404, {"ok": False, "error": "not_found"}, {})
            args: dict[str, Any] = dict(parse_qsl(url.query, keep_blank_values=True))
            try:
                if raw and "json" in (self.headers.get("Content-Type") or ""):
                    args.update(json.loads(raw))
                elif raw:
                    args.update(parse_qsl(raw.decode(), keep_blank_values=True))
            except (ValueError, TypeError):
                return self._send(200, {"ok": False, "error": "invalid_json"}, {})
            auth = self.headers.get("Authorization") or ""
            token = auth[7:].strip() if auth.startswith("Bearer ") else args.pop("token", None)
            args.pop("token", None)
            try:
                status, body, headers = standin.handle(url.path[5:], args, token or None)
            except Drop:
                self.close_connection = True
                return None
            self._send(status, body, headers)
            return None

        def _send(self, status: int, body: dict[str, Any], headers: dict[str, str]) -> None:
            # A 5xx answers like Slack's edge does: an HTML page, not JSON.
            data = json.dumps(body).encode() if status < 500 else b"<html><body>Server error</body></html>"
            self.send_response(status)
            kind = "application/json; charset=utf-8" if status < 500 else "text/html"
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler
