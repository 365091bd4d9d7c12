"""Where a request's CPU goes: loopbot and the bare Bolt apps, in-process, request by request.

The same signed bodies as bench_ack go through each app's WSGI callable in this process, one at a
time, with `process_before_response=True` so that the listener runs in the calling thread and its
CPU time (`time.thread_time`) and cProfile see all of it. No HTTP server, no load generator, no
concurrency: what is left is each request's own work, which is what a CPU-bound server divides its
cores by. loopbot is built as `loopbot serve` builds it (create_app, wsgi_app, the CLI's logging
into a file), except that App Home refreshes asked for by a submission are counted, not published
(they are background work, paced at 100 a minute, not part of the request). The stand-in answers
views.open at once, in its own threads (not counted in the caller's CPU).

    .venv/bin/python -m bench.profile_ack                       # 300 of each, PostgreSQL
    .venv/bin/python -m bench.profile_ack --requests 100 --history 100000 --top 30
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import importlib
import io
import logging
import pstats
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bench import baseline_app, common, serving
from bench.bench_ack import _bodies, prepare
from bench.standins import timed_standin
from blocks.ids import ActionId, CallbackId
from bot.app import create_app, deps_of, make_client
from bot.db import make_engine, make_session_factory
from bot.server import wsgi_app
from bot.settings import load_settings
from bot.standin import Channel, Workspace
from bot.standin.signing import signed_headers

Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

# Where a function's own time is counted, by the first matching part of its file's path.
GROUPS = [
    ("/slack_bolt/", "Bolt"),
    ("/slack_sdk/", "slack_sdk"),
    ("/sqlalchemy/", "SQLAlchemy"),
    ("/psycopg", "psycopg"),
    ("/pydantic", "pydantic"),
    ("/logging/", "logging"),
    ("/json/", "json"),
    ("/urllib/", "urllib"),
    ("/http/", "http.client"),
    ("/ssl.py", "ssl"),
    ("/socket.py", "socket"),
    ("/threading.py", "threading"),
    ("/bench/", "bench harness"),
]


# Phases timed (CPU of the calling thread, inclusive: a phase contains the phases it calls), as
# (label, module, attribute): the attribute is replaced where the caller looks it up. Missing ones
# (another version of the code) are skipped and named in the output.
PHASES = [
    ("HTTP body parse, Bolt (BoltRequest)", "slack_bolt.request.request", "parse_body"),
    ("HTTP body parse, loopbot's gate (bot/guard)", "bot.guard.wsgi", "parse_body"),
    ("signature checks (all)", "slack_sdk.signature", "SignatureVerifier.is_valid"),
    ("Bolt dispatch (middleware + listener + ack)", "slack_bolt.app.app", "App.dispatch"),
    ("ack(): building the answer", "slack_bolt.context.ack.ack", "Ack.__call__"),
    (
        "listener (the app's function, after Bolt's matching)",
        "slack_bolt.listener.custom_listener",
        "CustomListener.run_ack_function",
    ),  # fmt: skip
    ("  form state -> FeedbackForm", "handlers.feedback", "parse_state"),
    ("  feedback_service.submit (SQL + ORM)", "bot.feedback.service", "submit"),
    ("    digest_if_due", "bot.digest.service", "digest_if_due"),
    ("  commit", "sqlalchemy.orm.session", "SessionTransaction.commit"),
    ("  thank-you view", "handlers.feedback", "_thanks"),
    ("  publish_homes (asking only)", "handlers.feedback", "publish_homes"),
    ("  load_form (SQL + ORM)", "bot.feedback.service", "load_form"),
    ("  feedback_modal (cached kit)", "handlers.feedback", "feedback_modal"),
    ("  views.open call, client side", "slack_sdk.web.client", "WebClient.views_open"),
    ("SQLAlchemy statement execution (all)", "sqlalchemy.engine.base", "Connection._execute_context"),
    ("logging (all records)", "logging", "Logger._log"),
]


class PhaseTimer:
    """Wraps the PHASES' functions with a CPU-time accumulator (per label, recursion counted once)."""

    def __init__(self) -> None:
        self.ms: defaultdict[str, float] = defaultdict(float)
        self.calls: Counter[str] = Counter()
        self.missing: list[str] = []
        self._depth: Counter[str] = Counter()

    def install(self) -> None:
        for label, module_name, attr in PHASES:
            try:
                owner: Any = importlib.import_module(module_name)
                *path, name = attr.split(".")
                for part in path:
                    owner = getattr(owner, part)
                original = getattr(owner, name)
            except (ImportError, AttributeError):
                self.missing.append(f"{module_name}:{attr}")
                continue
            setattr(owner, name, self._wrap(label, original))

    def _wrap(self, label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            if self._depth[label]:
                return fn(*args, **kwargs)
            self._depth[label] += 1
            t0 = time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.ms[label] += (time.thread_time() - t0) * 1000
                self.calls[label] += 1
                self._depth[label] -= 1

        return timed

    def reset(self) -> None:
        self.ms.clear()
        self.calls.clear()

    def report(self, n: int) -> None:
        print("| phase (inclusive) | CPU ms per request | calls per request |")
        print("|---|---:|---:|")
        for label, _module, _attr in PHASES:
            if self.calls[label]:
                print(f"| {label} | {self.ms[label] / n:.2f} | {self.calls[label] / n:.1f} |")


class CountedHomes:
    """Home refreshes asked for, counted instead of published."""

    def __init__(self) -> None:
        self.asked = 0

    def request(self, users: Iterable[str]) -> None:
        self.asked += len(list(users))

    def close(self) -> None:
        pass


def _group(filename: str, root: str) -> str:
    for part, name in GROUPS:
        if part in filename:
            return name
    if filename.startswith(root):
        return "loopbot (" + filename[len(root) :].split("/")[0] + "/)"
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins (C)"
    return "other stdlib / libraries"


def _environ(body: bytes) -> dict[str, Any]:
    headers = signed_headers(serving.SECRET, body)
    env: dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/slack/events",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": headers.pop("Content-Type"),
        "wsgi.input": io.BytesIO(body),
    }
    env.update({"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()})
    return env


def _send(app: Wsgi, body: bytes) -> str:
    status: list[str] = []
    b"".join(app(_environ(body), lambda s, _h, *_a: status.append(s)))
    return status[0] if status else "?"


def _loopbot(db_url: str, api_url: str, log: Path) -> tuple[Wsgi, CountedHomes, Any]:
    settings = load_settings(
        DATABASE_URL=db_url,
        SLACK_API_URL=api_url,
        SLACK_BOT_TOKEN=serving.TOKEN,
        SLACK_SIGNING_SECRET=serving.SECRET,
    )
    _logging(log)
    engine = make_engine(settings.database_url)
    common.install_counter(engine)
    app = create_app(
        settings, make_session_factory(engine), client=make_client(settings), process_before_response=True
    )
    homes = CountedHomes()
    deps_of(app).homes = homes
    return wsgi_app(app, engine), homes, engine


def _logging(log: Path) -> None:
    """The CLI's logging (bot.guard.logs.configure when present), written to `log`, not the terminal."""
    saved = sys.stderr
    sys.stderr = log.open("a")
    try:
        try:
            from bot.guard.logs import configure  # noqa: PLC0415 - newer trees only

            configure("INFO")
        except ImportError:
            logging.basicConfig(level=logging.INFO)
    finally:
        sys.stderr = saved


def _measure(app: Wsgi, bodies: list[bytes], profile: cProfile.Profile | None) -> dict[str, Any]:
    cpu, wall, statuses = [], [], Counter[str]()
    for body in bodies:
        t0, c0 = time.perf_counter(), time.thread_time()
        if profile is not None:
            profile.enable()
        statuses[_send(app, body)] += 1
        if profile is not None:
            profile.disable()
        cpu.append((time.thread_time() - c0) * 1000)
        wall.append((time.perf_counter() - t0) * 1000)
    return {
        "cpu_ms": round(statistics.median(cpu), 2),
        "cpu_mean_ms": round(statistics.fmean(cpu), 2),
        "wall_ms": round(statistics.median(wall), 2),
        "statuses": dict(statuses),
    }


def _by_group(profile: cProfile.Profile, n: int, top: int) -> None:
    stats = pstats.Stats(profile)
    root = str(common.ROOT) + "/"
    groups: Counter[str] = Counter()
    rows = stats.stats  # type: ignore[attr-defined]  # {(file, line, name): (cc, nc, tt, ct, callers)}
    for (filename, _line, _name), (_cc, _nc, tt, _ct, _callers) in rows.items():
        groups[_group(filename, root)] += tt
    total = sum(groups.values())
    print(
        f"\nown time by package, ms per request (CPU, cProfile's overhead in; total {total / n * 1000:.2f}):"
    )
    for name, tt in groups.most_common():
        print(f"  {tt / n * 1000:6.2f} ms  {100 * tt / total:4.1f}%  {name}")
    print(f"\ntop {top} functions by cumulative time (ms per request):")
    ranked = sorted(rows.items(), key=lambda kv: kv[1][3], reverse=True)
    for (filename, line, name), (_cc, nc, _tt, ct, _callers) in ranked[:top]:
        where = (
            filename[len(root) :] if filename.startswith(root) else filename.rsplit("site-packages/", 1)[-1]
        )
        print(f"  {ct / n * 1000:6.2f}  {nc / n:5.1f} calls  {name}  ({where}:{line})")


def _statements(kind: str, counter: common.StatementCounter, n: int) -> None:
    """loopbot's statements for one kind: how often each ran and its time (driver call to result)."""
    total: defaultdict[str, float] = defaultdict(float)
    count: Counter[str] = Counter()
    for text, ms in zip(counter.statements, counter.ms, strict=False):
        total[text[:110]] += ms
        count[text[:110]] += 1
    print(f"\nloopbot's statements per {kind} (wall ms in the driver, per request; slowest first):")
    for text, ms in sorted(total.items(), key=lambda kv: kv[1], reverse=True)[:10]:
        print(f"  {ms / n:6.2f} ms  {count[text] / n:4.2f}x  {text}")


def _pass(app: Wsgi, kind: str, chunk: list[tuple[int, str]], view: dict[str, Any], slack: Any,
          profile: cProfile.Profile | None = None) -> dict[str, Any]:  # fmt: skip
    return _measure(app, [item[1].encode() for item in _bodies(kind, chunk, view, slack)], profile)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=300, help="of each kind per app and pass")
    parser.add_argument("--history", type=int, default=0, help="past scorecards in the database first")
    parser.add_argument("--kind", choices=["submit", "open", "both"], default="both")
    parser.add_argument("--cprofile", type=int, default=0, metavar="TOP", help="also cProfile loopbot: top N")
    args = parser.parse_args()
    n, warm = args.requests, 30
    kinds = ["submit", "open"] if args.kind == "both" else [args.kind]
    engine, pairs, view = prepare("postgresql", (warm + 3 * n) * len(kinds), args.history)
    common.banner("profile_ack: CPU per request, in-process, loopbot and the bare Bolt apps", [engine])
    db_url = common.url_of(engine)
    work = Path(tempfile.mkdtemp(prefix="profile-ack-"))
    ws = Workspace(auto_users=True)
    ws.add_channel(Channel("C0HIRING", "hiring-bench"))
    offset = 0

    def take(count: int) -> list[tuple[int, str]]:
        nonlocal offset
        chunk, offset = pairs[offset : offset + count], offset + count
        return chunk

    with timed_standin(ws, trigger_ttl=3600) as slack:
        loopbot, homes, lb_engine = _loopbot(db_url, slack.url, work / "loopbot.log")
        bare_opts = [
            "--port", "0", "--api-url", slack.url, "--token", serving.TOKEN, "--secret", serving.SECRET,
            "--view-callback", CallbackId.FEEDBACK, "--open-action", ActionId.OPEN_FEEDBACK,
            "--process-before-response",
        ]  # fmt: skip
        apps: dict[str, Wsgi] = {
            "loopbot": loopbot,
            "bare": baseline_app.build(baseline_app.options(bare_opts)),
            "bare+db": baseline_app.build(baseline_app.options([*bare_opts, "--db", db_url])),
        }
        chunks = {kind: (take(warm), take(n), take(n), take(n)) for kind in kinds}
        statements: dict[str, common.StatementCounter] = {}
        for kind in kinds:
            warm_chunk, clean, _, _ = chunks[kind]
            print(f"\n## {kind}: {n} requests per app, one at a time (after {warm} not counted)")
            print("| app | CPU per request, median (ms) | mean (ms) | wall, median (ms) | answers |")
            print("|---|---:|---:|---:|---|")
            for name, app in apps.items():
                _pass(app, kind, warm_chunk, view, slack)
                with common.counting() as counter:
                    result = _pass(app, kind, clean, view, slack)
                sql = (
                    f"; {len(counter) / n:.1f} statements, {sum(counter.ms) / n:.2f} ms in SQL"
                    if counter
                    else ""
                )
                print(f"| {name} | {result['cpu_ms']} | {result['cpu_mean_ms']} | {result['wall_ms']} |"
                      f" {result['statuses']}{sql} |")  # fmt: skip
                if counter:
                    statements[kind] = counter
        for kind, counter in statements.items():
            _statements(kind, counter, n)
        for kind in kinds if args.cprofile else []:  # before the phase timers wrap anything
            profile = cProfile.Profile(time.thread_time)  # CPU, not waits for PostgreSQL or the stand-in
            _pass(loopbot, kind, chunks[kind][3], view, slack, profile)
            print(f"\n### {kind}, loopbot, cProfile (CPU timer; its overhead inflates small calls)")
            _by_group(profile, n, args.cprofile)
        timer = PhaseTimer()
        timer.install()
        if timer.missing:
            print(f"\n(phases not in this tree, skipped: {', '.join(timer.missing)})")
        for kind in kinds:
            _, clean, phased, _ = chunks[kind]
            for name, app in apps.items():
                timer.reset()
                _pass(app, kind, phased if name == "loopbot" else clean, view, slack)
                print(f"\n### {kind}, {name}: where the CPU goes, by phase ({n} requests, timers in)")
                timer.report(n)
        print(f"\nApp Home refreshes asked for (not published): {homes.asked}")
        lb_engine.dispose()
    print(f"\nlogs: {work}")


if __name__ == "__main__":
    main()
