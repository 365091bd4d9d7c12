"""The floor for `bench_ack --baseline`: a bare Bolt app, no loopbot code, served like `loopbot serve`.

    python -m bench.baseline_app --port N --workers W --threads T [--db URL] [--api-url URL]

A real `slack_bolt.App` with the same signing secret and token as the benchmark's `loopbot serve`,
behind Bolt's WSGI adapter on waitress with W pre-forked processes sharing one socket, T threads
each (what `loopbot serve --workers W --threads T` does; GET /healthz answers 200 for readiness).
Bolt verifies each request's signature and parses its body, as for loopbot. Then:
- a view submission with `--view-callback` is acked with `response_action=update` and a small view
  (loopbot answers a saved scorecard the same way);
- a block action with `--open-action` is acked, then the listener calls `views.open` on the Web API
  at `--api-url` with the view in `--open-view` (a JSON file; loopbot's feedback modal in the
  benchmark), through the WebClient Bolt gives every listener (a new connection per call).
With `--db URL`, every listener first makes exactly one round trip to the database from a pool
(SQLAlchemy Core, autocommit, `SELECT 1`): what any app with a database pays per request.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import sys
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import FrameType
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from sqlalchemy import create_engine
from waitress import create_server

SMALL_VIEW: dict[str, Any] = {
    "type": "modal",
    "title": {"type": "plain_text", "text": "Feedback submitted"},
    "close": {"type": "plain_text", "text": "Close"},
    "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": ":white_check_mark: Thank you!"}}],
}


def options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.baseline_app",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--db", help="SQLAlchemy URL: one SELECT 1 per request (omit for no database)")
    parser.add_argument("--api-url", default="https://slack.com/api/", help="the Web API (the stand-in)")
    parser.add_argument("--token", default=os.environ.get("SLACK_BOT_TOKEN", "xoxb-bench"))
    parser.add_argument("--secret", default=os.environ.get("SLACK_SIGNING_SECRET", "bench-signing-secret"))
    parser.add_argument("--view-callback", default="feedback_modal", help="callback_id of the submissions")
    parser.add_argument("--open-action", default="open_feedback", help="action_id that opens the modal")
    parser.add_argument("--open-view", type=Path, help="JSON file: the view sent with views.open")
    parser.add_argument(
        "--process-before-response", action="store_true", help="run listeners in the request's thread"
    )
    parser.add_argument(
        "--listener-threads", type=int, default=0, help="Bolt's listener executor size (0: Bolt's default)"
    )
    return parser.parse_args(argv)


def build(opts: argparse.Namespace) -> Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]:
    """The WSGI app of one worker process (its database pool is made here, after the fork)."""
    engine = create_engine(opts.db, isolation_level="AUTOCOMMIT", pool_size=opts.threads) if opts.db else None
    open_view = json.loads(opts.open_view.read_text()) if opts.open_view else SMALL_VIEW

    def round_trip() -> None:
        if engine is not None:
            with engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1").scalar()

    base_url = opts.api_url if opts.api_url.endswith("/") else opts.api_url + "/"
    executor: dict[str, Any] = {}
    if opts.listener_threads:  # as loopbot sizes its own (bot/app.py LISTENER_THREADS, when it has one)
        executor["listener_executor"] = ThreadPoolExecutor(max_workers=opts.listener_threads)
    app = App(
        client=WebClient(token=opts.token, base_url=base_url),
        signing_secret=opts.secret,
        token_verification_enabled=False,
        process_before_response=opts.process_before_response,
        **executor,
    )

    def submitted(ack: Ack) -> None:
        round_trip()
        ack(response_action="update", view=SMALL_VIEW)

    def opened(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        round_trip()
        client.views_open(trigger_id=body["trigger_id"], view=open_view)

    app.view(opts.view_callback)(submitted)
    app.action(opts.open_action)(opened)
    slack = SlackRequestHandler(app, path="/slack/events")

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "11")])
            return [b'{"ok":true}']
        return slack(environ, start_response)

    return application


def _worker(opts: argparse.Namespace, sock: socket.socket) -> None:
    server = create_server(build(opts), sockets=[sock], threads=opts.threads)

    def interrupt(_signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(0)  # raised inside waitress's loop, which stops its threads

    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent forwards what it gets
    try:
        server.run()
    finally:
        server.close()


def main(argv: list[str] | None = None) -> int:
    opts = options(argv)
    sock = socket.create_server((opts.host, opts.port), backlog=1024)
    sock.set_inheritable(True)
    children: set[int] = set()
    for _ in range(opts.workers):
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                _worker(opts, sock)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 0
            except BaseException:  # noqa: BLE001 - reported; the parent sees the exit code
                traceback.print_exc()
                code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        children.add(pid)

    def forward(_signum: int, _frame: FrameType | None) -> None:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):  # it has just exited
                os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    worst = 0
    while children:
        pid, status = os.wait()
        children.discard(pid)
        code = os.waitstatus_to_exitcode(status)
        if code != 0 and not worst:
            worst = code if code > 0 else 128 - code
            forward(signal.SIGTERM, None)
    return worst


if __name__ == "__main__":
    sys.exit(main())
