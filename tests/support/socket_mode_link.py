"""Slack's side of Socket Mode for tests: apps.connections.open and the WebSocket, in front of a StandIn.

The stand-in speaks the Web API only. This server answers `apps.connections.open` (with an app token,
as Slack does: docs.slack.dev/reference/methods/apps.connections.open returns a one-use `wss://` URL),
accepts the WebSocket handshake at that URL (RFC 6455: `Sec-WebSocket-Accept` is the base64 SHA-1 of
the key and the fixed GUID), sends Slack's `hello`, answers pings with pongs, and forwards every other
Web API call to the stand-in unchanged. `drop()` closes the WebSockets and refuses new ones, as an
outage of Slack's Socket Mode would.
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import struct
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
OPEN = "/api/apps.connections.open"
LINK = "/link"


class SocketModeLink:
    """Use as a context manager; `url` is the SLACK_API_URL to give loopbot."""

    def __init__(self, standin_url: str) -> None:
        self.standin_url = standin_url
        self.refusing = threading.Event()
        self.opened = 0  # apps.connections.open calls answered
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.link = self
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/api/"

    def __enter__(self) -> SocketModeLink:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.drop()
        self._server.shutdown()
        self._server.server_close()

    def connected(self) -> int:
        with self._lock:
            return len(self._sockets)

    def drop(self) -> None:
        """Close every WebSocket (a close frame, 1001 "going away", as Slack sends before it hangs up)
        and refuse the next handshakes."""
        self.refusing.set()
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            try:
                sock.sendall(frame(0x8, struct.pack("!H", 1001)))
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def _keep(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)

    def _forget(self, sock: socket.socket) -> None:
        with self._lock:
            if sock in self._sockets:
                self._sockets.remove(sock)


def frame(opcode: int, payload: bytes) -> bytes:
    """A server frame (never masked), FIN set."""
    head = bytes([0x80 | opcode])
    if len(payload) < 126:
        return head + bytes([len(payload)]) + payload
    return head + bytes([126]) + struct.pack("!H", len(payload)) + payload


def read_frame(rfile: Any) -> tuple[int, bytes] | None:
    """One client frame (always masked), or None when the connection ends."""
    head = rfile.read(2)
    if len(head) < 2:
        return None
    opcode, length = head[0] & 0x0F, head[1] & 0x7F
    if length == 126:
        length = struct.unpack("!H", rfile.read(2))[0]
    elif length == 127:
        length = struct.unpack("!Q", rfile.read(8))[0]
    mask = rfile.read(4) if head[1] & 0x80 else b"\0\0\0\0"
    data = rfile.read(length)
    return opcode, bytes(b ^ mask[i % 4] for i, b in enumerate(data))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    link: SocketModeLink


def converse(rfile: Any, wfile: Any) -> None:
    """Answer the client's pings with pongs until it closes (or the connection ends)."""
    while (got := read_frame(rfile)) is not None:
        opcode, payload = got
        if opcode == 0x9:  # ping: pong with the same payload
            wfile.write(frame(0xA, payload))
            wfile.flush()
        elif opcode == 0x8:
            wfile.write(frame(0x8, payload[:2]))
            wfile.flush()
            return


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    @property
    def link(self) -> SocketModeLink:
        return cast(_Server, self.server).link

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        if self.path.startswith(LINK) and self.headers.get("Upgrade", "").lower() == "websocket":
            self._websocket()
        else:
            self._forward()

    def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
        if self.path.startswith(OPEN):
            self._open()
        else:
            self._forward()

    def _reply(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _open(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        if not token.startswith("xapp-"):
            answer: dict[str, Any] = {"ok": False, "error": "not_allowed_token_type"}
        else:
            self.link.opened += 1
            port = self.link._server.server_port
            answer = {"ok": True, "url": f"ws://127.0.0.1:{port}{LINK}?ticket={self.link.opened}"}
        self._reply(200, json.dumps(answer).encode(), {"Content-Type": "application/json"})

    def _forward(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        target = self.link.standin_url.rstrip("/") + self.path.removeprefix("/api")
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
        request = urllib.request.Request(target, data=body or None, headers=headers, method=self.command)
        try:
            with urllib.request.urlopen(request, timeout=30) as resp:
                status, data, got = resp.status, resp.read(), dict(resp.headers.items())
        except urllib.error.HTTPError as err:
            status, data, got = err.code, err.read(), dict(err.headers.items())
        keep = {k: v for k, v in got.items() if k.lower() not in ("content-length", "transfer-encoding")}
        self._reply(status, data, keep)

    def _websocket(self) -> None:
        if self.link.refusing.is_set():
            self._reply(503, b"Socket Mode is down", {"Content-Type": "text/plain"})
            return
        key = self.headers["Sec-WebSocket-Key"]
        accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        self.send_response(101, "Switching Protocols")
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept)
        self.end_headers()
        self.wfile.flush()
        self.link._keep(self.connection)
        hello = {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0LOOPBOT"}}
        try:
            self.wfile.write(frame(0x1, json.dumps(hello).encode()))
            self.wfile.flush()
            converse(self.rfile, self.wfile)
        except OSError:
            pass
        finally:
            self.link._forget(self.connection)
            self.close_connection = True
