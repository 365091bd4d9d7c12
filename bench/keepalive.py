"""Prototype: Web API calls on kept-alive connections, for measuring what reuse would save.

slack_sdk's sync WebClient opens a new connection for every call: it calls
`urllib.request.urlopen(req, context=self.ssl)`, and urllib's handlers send `Connection: close`.
The client has no transport hook (only `ssl` and `proxy`, neither of which reuses anything), and
Bolt builds a fresh `WebClient` for every request from the app client's base_url, ssl, proxy and
headers (slack_bolt/app/app.py, `client_per_request`), so a WebClient subclass would not reach the
listeners. What does reach every client in the process is urllib's own extension point: with
`ssl=None` (loopbot's default), `urlopen` uses the opener installed by `urllib.request.install_opener`.
`install()` installs one whose handler keeps a small pool of `http.client` connections per host.

What the handler does and does not do: it takes an idle connection (dropping it if the peer has
closed it: a readable socket with nothing pending means EOF), sends the request, reads the whole
answer and puts the connection back unless the server said `Connection: close`. A request that
fails on a reused connection is NOT sent again (a post could land twice): the error surfaces as a
`URLError`, exactly like a failed fresh connection, so slack_sdk's retry handlers (or their absence,
in loopbot's posting client) decide as before.

    python -m bench.keepalive serve --host 127.0.0.1 --workers 2 ...   # `loopbot serve` with it
"""

from __future__ import annotations

import http.client
import io
import select
import sys
import threading
import time
import urllib.request
from typing import Any
from urllib.error import URLError
from urllib.response import addinfourl

Key = tuple[str, str]  # (scheme, host:port)


class KeepAliveHandler(urllib.request.BaseHandler):
    """http_open / https_open on pooled connections (urllib's default handlers still prepare requests)."""

    handler_order = 400  # before urllib's HTTPHandler / HTTPSHandler (500)

    def __init__(self, context: Any = None, max_idle: int = 32, idle_seconds: float = 30.0) -> None:
        self._context = context
        self._max_idle = max_idle
        self._idle_seconds = idle_seconds
        self._idle: dict[Key, list[tuple[float, http.client.HTTPConnection]]] = {}
        self._lock = threading.Lock()
        self.opened = 0  # connections made (for the benchmark's report)
        self.reused = 0

    def http_open(self, req: urllib.request.Request) -> addinfourl:
        return self._open("http", req)

    def https_open(self, req: urllib.request.Request) -> addinfourl:
        return self._open("https", req)

    def _take(self, key: Key) -> http.client.HTTPConnection | None:
        now = time.monotonic()
        with self._lock:
            idle = self._idle.get(key, [])
            while idle:
                since, conn = idle.pop()
                if now - since < self._idle_seconds and not _dropped(conn):
                    self.reused += 1
                    return conn
                conn.close()
        return None

    def _give_back(self, key: Key, conn: http.client.HTTPConnection) -> None:
        with self._lock:
            idle = self._idle.setdefault(key, [])
            if len(idle) < self._max_idle:
                idle.append((time.monotonic(), conn))
                return
        conn.close()

    def _new(self, scheme: str, host: str, timeout: float | None) -> http.client.HTTPConnection:
        with self._lock:
            self.opened += 1
        if scheme == "https":
            return http.client.HTTPSConnection(host, timeout=timeout, context=self._context)
        return http.client.HTTPConnection(host, timeout=timeout)

    def _open(self, scheme: str, req: urllib.request.Request) -> addinfourl:
        key = (scheme, req.host)
        timeout = getattr(req, "timeout", None)
        conn = self._take(key) or self._new(scheme, req.host, timeout)
        conn.timeout = timeout
        if conn.sock is not None:
            conn.sock.settimeout(timeout)
        headers = dict(req.unredirected_hdrs)
        headers.update({k: v for k, v in req.headers.items() if k not in headers})
        headers = {name.title(): value for name, value in headers.items()}
        headers.pop("Connection", None)  # HTTP/1.1: kept alive unless either side says close
        try:
            conn.request(req.get_method(), req.selector, req.data, headers)
            resp = conn.getresponse()
            body = resp.read()
        except OSError as exc:  # includes http.client's RemoteDisconnected; never re-sent here
            conn.close()
            raise URLError(exc) from exc
        except http.client.HTTPException as exc:
            conn.close()
            raise URLError(exc) from exc
        if resp.will_close:
            conn.close()
        else:
            self._give_back(key, conn)
        answer = addinfourl(io.BytesIO(body), resp.msg, req.get_full_url(), resp.status)
        answer.msg = resp.reason  # type: ignore[attr-defined]  # what HTTPErrorProcessor reads
        return answer


def _dropped(conn: http.client.HTTPConnection) -> bool:
    """An idle connection whose socket is readable has been closed by the peer (or is broken)."""
    sock = conn.sock
    if sock is None:
        return True
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


def install(context: Any = None) -> KeepAliveHandler:
    """Make every `urlopen` without its own ssl context (slack_sdk's default) use kept-alive connections."""
    handler = KeepAliveHandler(context)
    urllib.request.install_opener(urllib.request.build_opener(handler))
    return handler


def main() -> None:
    """`loopbot` with kept-alive Web API connections: `python -m bench.keepalive serve ...`."""
    from bot.cli import main as loopbot  # noqa: PLC0415 - after install(), as the real command would be

    install()
    sys.argv = ["loopbot", *sys.argv[1:]]
    loopbot()


if __name__ == "__main__":
    main()
