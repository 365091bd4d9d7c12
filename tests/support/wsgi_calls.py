"""Calling loopbot's WSGI app in-process, the way waitress calls it: an environ in, status and body out."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from bot.standin.signing import signed_headers

Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


class Unreadable(io.RawIOBase):
    """A request body that must not be read (the gate refuses on the headers alone)."""

    def read(self, size: int = -1) -> bytes:
        raise AssertionError(f"the body was read ({size} bytes asked for)")


def environ(
    body: bytes | io.RawIOBase,
    headers: dict[str, str],
    *,
    path: str = "/slack/events",
    method: str = "POST",
    length: int | None = None,
) -> dict[str, Any]:
    stream = io.BytesIO(body) if isinstance(body, bytes) else body
    env: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_LENGTH": str(length if length is not None else len(body) if isinstance(body, bytes) else 0),
        "wsgi.input": stream,
    }
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        env[key if key == "CONTENT_TYPE" else f"HTTP_{key}"] = value
    return env


def call(app: Wsgi, env: dict[str, Any]) -> Answer:
    got: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        got["status"], got["headers"] = status, dict(headers)

    body = b"".join(app(env, start_response))
    return Answer(int(got["status"].split()[0]), got["headers"], body)


def post_signed(app: Wsgi, body: bytes, secret: str, **headers: str) -> Answer:
    """POST `body` to /slack/events signed with `secret` (extra headers override the signed ones)."""
    return call(app, environ(body, {**signed_headers(secret, body), **headers}))
