"""The stand-in as the benchmarks use it: per-call arrival and answer times, optionally over HTTPS.

`TimedStandIn` notes, for every `views.open`, when the call reached the stand-in's method handler
(`arrived`) and when it was answered (`opened`), keyed by trigger id: open latency is
`opened - sent`, the stand-in's own share is `opened - arrived`, and what the app in front of it
cost is `arrived - sent` (the open *overhead*: Bolt, the listener, the Web API client, the
connection set-up and the upload of the view). Its accepted sockets get TCP_NODELAY: the stand-in
writes headers and body separately, which on a kept-alive connection would otherwise meet the
client's delayed ACK (a 40 ms stall per call that Slack's edge does not have).

`TlsStandIn` serves the same over HTTPS with a self-signed certificate made by `make_certificate`
(`openssl`); clients are pointed at the certificate with SSL_CERT_FILE. The TLS handshake runs in
the connection's own thread, never in the accept loop.
"""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.standin import StandIn
from bot.standin.httpd import Server, handler_class


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path
    kind: str


def make_certificate(directory: Path, kind: str = "rsa") -> Certificate:
    """A self-signed certificate for 127.0.0.1 and localhost (RSA 2048 or ECDSA P-256), via openssl."""
    openssl = shutil.which("openssl")
    if openssl is None:
        raise SystemExit("--tls needs the openssl command line tool")
    directory.mkdir(parents=True, exist_ok=True)
    cert, key = directory / f"standin-{kind}.pem", directory / f"standin-{kind}.key"
    new_key = (
        ["-newkey", "rsa:2048"] if kind == "rsa" else ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
    )
    subprocess.run(
        [openssl, "req", "-x509", *new_key, "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return Certificate(cert, key, "RSA 2048" if kind == "rsa" else "ECDSA P-256")


class _BenchServer(Server):
    """The stand-in's HTTP server with TCP_NODELAY and, given a context, TLS on each connection."""

    def __init__(self, address: tuple[str, int], handler: Any, tls: ssl.SSLContext | None) -> None:
        self.tls = tls
        super().__init__(address, handler)

    def get_request(self) -> tuple[Any, Any]:
        sock, address = self.socket.accept()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.tls is not None:
            sock = self.tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, address

    def finish_request(self, request: Any, client_address: Any) -> None:
        if isinstance(request, ssl.SSLSocket):  # in the connection's thread (ThreadingMixIn)
            try:
                request.do_handshake()
            except (OSError, ssl.SSLError):
                return
        super().finish_request(request, client_address)


class TimedStandIn(StandIn):
    """The stand-in, also noting when each views.open arrived and was answered (by trigger id)."""

    def __init__(self, *args: Any, tls: ssl.SSLContext | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.arrived: dict[str, float] = {}
        self.opened: dict[str, float] = {}
        self._times_lock = threading.Lock()
        self.scheme = "https" if tls is not None else "http"
        address = self._server.server_address
        self._server.server_close()  # replaced, on the same address, by one with NODELAY (and TLS)
        self._server = _BenchServer((str(address[0]), int(address[1])), handler_class(self), tls)

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self._host}:{self._server.server_port}/api/"

    def handle(
        self, method: str, args: dict[str, Any], token: str | None
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        arrived = time.time()
        answer = super().handle(method, args, token)
        if method == "views.open":
            trigger = str(args.get("trigger_id"))
            with self._times_lock:
                self.arrived[trigger] = arrived
                self.opened[trigger] = time.time()
        return answer


def server_context(certificate: Certificate) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(certificate.cert), str(certificate.key))
    return context


def timed_standin(*args: Any, certificate: Certificate | None = None, **kwargs: Any) -> TimedStandIn:
    """A TimedStandIn over HTTP, or over HTTPS when given a certificate."""
    tls = server_context(certificate) if certificate is not None else None
    return TimedStandIn(*args, tls=tls, **kwargs)
