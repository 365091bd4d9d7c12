"""`loopbot serve --workers N`: N serve processes sharing one listening socket (pre-fork).

One Python process runs Bolt, SQLAlchemy and rendering under one GIL, so it uses one core. Forked
workers share the socket (the kernel hands each connection to one of them) and are ordinary replicas
otherwise: each runs its own dispatcher, which is safe
(see docs/architecture.md#several-processes-and-replicas).
The parent only binds the socket, forks before any database connection or thread exists, forwards
SIGTERM and SIGINT, and waits. If a worker dies on its own, the others are stopped and the command
fails, so that the supervisor (Docker, systemd) restarts the whole set.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sys
from collections.abc import Callable
from types import FrameType

log = logging.getLogger("loopbot.server")


def listening_socket(host: str, port: int, backlog: int = 1024) -> socket.socket:
    """A bound, listening TCP socket the workers inherit."""
    sock = socket.create_server((host, port), backlog=backlog)
    sock.set_inheritable(True)
    return sock


def _child(serve: Callable[[], None]) -> int:
    try:
        serve()
    except SystemExit as exc:
        if isinstance(exc.code, str):  # a one-line reason, e.g. "run loopbot db upgrade first"
            print(exc.code, file=sys.stderr)
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001 - logged; the parent sees the exit code
        log.exception("server.worker_crashed pid=%s", os.getpid())
        return 1
    return 0


def run_workers(workers: int, serve: Callable[[], None]) -> int:
    """Fork `workers` processes running `serve()`; return 0 after a clean stop, else a worker's code."""
    live: set[int] = set()
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # the worker: never returns into the parent's code
            code = 1
            try:
                code = _child(serve)
            finally:
                logging.shutdown()
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        live.add(pid)
    log.info("server.workers_started pids=%s", ",".join(map(str, sorted(live))))
    stopping = False

    def stop_all(_signum: int | None = None, _frame: FrameType | None = None) -> None:
        nonlocal stopping
        stopping = True
        for pid in live:
            with contextlib.suppress(ProcessLookupError):  # it has just exited
                os.kill(pid, signal.SIGTERM)

    previous = {sig: signal.signal(sig, stop_all) for sig in (signal.SIGTERM, signal.SIGINT)}
    result = 0
    try:
        while live:
            pid, status = os.wait()
            live.discard(pid)
            code = os.waitstatus_to_exitcode(status)
            if not stopping:
                log.error("server.worker_exited pid=%s code=%s: stopping the other workers", pid, code)
                result = code if code > 0 else 128 - code if code < 0 else 1  # shell style: 128 + signal
                stop_all()
            elif code not in (0, -signal.SIGTERM, -signal.SIGINT):  # a worker failed while stopping
                result = result or (code if code > 0 else 128 - code)
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
    log.info("server.workers_stopped code=%s", result)
    return result
