"""`bench_ack --baseline`: loopbot against the floor, in one run, as ratios.

The servers run side by side for the whole run, each `--workers` processes with `--threads`
waitress threads, all talking to one stand-in (50 ms per call) and measured by the same load
process (bench/ack_load.py) with the same signed bodies:
- `loopbot`: the real `loopbot serve` on PostgreSQL (its dispatcher ticks only at start-up,
  LOOPBOT_TICK_SECONDS=3600, so that the digests the submissions plan are not posted in the middle of
  the other servers' turns: delivery is bench_delivery's; home refreshes trickle out as usual);
- `bare`: bench/baseline_app.py, a bare Bolt app that verifies, parses and acks (no database);
- `bare+db`: the same with one PostgreSQL round trip per request (`SELECT 1` from a pool).
Variants add one more loopbot each, compared with `loopbot` in the same run: `--keepalive`
(`loopbot+keepalive`, its Web API calls on kept-alive connections, bench/keepalive.py) and
`--history N` (`loopbot+history`, on its own database holding N past scorecards).
Each repetition runs every level, and within a level each kind of request (submissions, then modal
opens) on each server back to back (A/B/C, the order rotating per repetition), so that the
machine's drift hits them all alike. Ratios are taken within a repetition and summarised as
median [min-max] over the repetitions.

Open overhead = open latency minus the stand-in's answer time = the moment `views.open` reached the
stand-in minus the moment the block_actions request was sent: Bolt, the listener, the client and
the connection, without the stand-in's 50 ms and its view checks.
"""

from __future__ import annotations

import argparse
import json
import os
import ssl
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slack_sdk import WebClient

from bench import common, serving, standins
from bench.bench_ack import LATENCY, _bodies, _load, _quiesce, prepare
from blocks.ids import ActionId, CallbackId
from bot import app as bot_app
from bot.db import make_session_factory
from bot.deps import Deps
from bot.settings import load_settings
from bot.standin import Channel, Workspace
from handlers.feedback import open_feedback_modal

SYSTEMS = ("loopbot", "bare", "bare+db")
# Variants, each one more server beside the three (and compared with loopbot in the same run):
KEEPALIVE = "loopbot+keepalive"  # --keepalive: its Web API calls on kept-alive connections
HISTORY = "loopbot+history"  # --history N: on its own database holding N past scorecards
GOAL_CLIENTS = 32
BASES = ("bare", "bare+db")


@dataclass
class Source:
    """Interview/panelist pairs of one database, handed out once each (a first save, a first open)."""

    engine: Any
    pairs: list[tuple[int, str]]
    view: dict[str, Any]
    offset: int = 0

    def take(self, n: int) -> list[tuple[int, str]]:
        chunk, self.offset = self.pairs[self.offset : self.offset + n], self.offset + n
        return chunk


@dataclass
class Plan:
    levels: list[int]
    reps: int
    per_client: int
    minimum: int
    warmup: int
    workers: int
    threads: int
    history: int = 0
    tls: str | None = None  # certificate kind ("rsa" / "ec") or None for HTTP
    keepalive: bool = False
    counts: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.counts = {c: max(self.minimum, self.per_client * c) for c in self.levels}

    @property
    def variants(self) -> tuple[str, ...]:
        return ((KEEPALIVE,) if self.keepalive else ()) + ((HISTORY,) if self.history else ())

    @property
    def systems(self) -> tuple[str, ...]:
        return SYSTEMS + self.variants

    def pairs_needed(self) -> int:
        """For one loopbot server."""
        return 2 * self.warmup + 2 * self.reps * sum(self.counts.values())


def _modal_json(
    engine: Any, pair: tuple[int, str], slack: standins.TimedStandIn, work: Path, cert: Path | None
) -> Path:
    """The exact view loopbot sends with views.open for a fresh pair (the bare apps send the same)."""
    context = ssl.create_default_context(cafile=str(cert)) if cert else None
    client = WebClient(token=serving.TOKEN, base_url=slack.url, ssl=context)
    deps = Deps(settings=load_settings(), session_factory=make_session_factory(engine), client=client)
    open_feedback_modal(client, slack.new_trigger_id(pair[1]), deps, pair[0], pair[1])
    view = slack.calls_to("views.open")[-1].args["view"]
    path = work / "open-view.json"
    path.write_text(json.dumps(view))
    return path


def listener_threads() -> int:
    """The size of loopbot's Bolt listener executor (0 when it keeps Bolt's default), for the bare apps."""
    return int(getattr(bot_app, "LISTENER_THREADS", 0) or 0)


def _start(
    plan: Plan,
    dbs: dict[str, str],
    slack: standins.TimedStandIn,
    modal: Path,
    work: Path,
    extra: dict[str, str],
) -> dict[str, serving.Served]:
    started: dict[str, serving.Served] = {}
    db_url = dbs["loopbot"]
    for name in ("loopbot", *plan.variants):
        env = serving.serve_env(
            dbs[name], slack.url, serving.free_port(), LOOPBOT_TICK_SECONDS="3600", **extra
        )
        launcher = [sys.executable, "-m", "bench.keepalive"] if name == KEEPALIVE else None
        log = work / f"serve-{name.replace('+', '-')}.log"
        started[name] = serving.start_serve(
            env, log, threads=plan.threads, workers=plan.workers, launcher=launcher
        )
    for name in ("bare", "bare+db"):
        port = serving.free_port()
        command = [sys.executable, "-m", "bench.baseline_app", "--port", str(port)]
        command += ["--workers", str(plan.workers), "--threads", str(plan.threads), "--api-url", slack.url]
        command += ["--token", serving.TOKEN, "--secret", serving.SECRET, "--open-view", str(modal)]
        command += ["--view-callback", CallbackId.FEEDBACK, "--open-action", ActionId.OPEN_FEEDBACK]
        command += ["--listener-threads", str(listener_threads())]
        if name == "bare+db":
            command += ["--db", db_url]
        log = work / f"serve-{name.replace('+', '-')}.log"
        started[name] = serving.start_process(
            command, serving.serve_env(db_url, slack.url, port, **extra), log
        )
    return started


def _cpu_ms(before: common.CpuSnapshot, after: common.CpuSnapshot, name: str, n: int) -> tuple[float, float]:
    """(server CPU, PostgreSQL CPU) in ms per request between two snapshots."""
    hz = float(os.sysconf("SC_CLK_TCK"))
    server = (after.groups[name] - before.groups[name]) / hz * 1000 / n
    pg = sum(t - before.postgres.get(pid, 0) for pid, t in after.postgres.items()) / hz * 1000 / n
    return round(server, 2), round(pg, 2)


def _pct(values: list[float], p: float) -> float:
    return round(common.percentile(values, p), 1) if values else 0.0


def _turn(
    name: str,
    served: serving.Served,
    kind: str,
    items: list[Any],
    clients: int,
    slack: standins.TimedStandIn,
    work: Path,
) -> dict[str, Any]:
    """One load on one server; its figures (latencies in ms, CPU in ms per request)."""
    t0 = time.monotonic()
    _quiesce(slack, quiet=0.5, limit=60)
    groups = {name: served.pids()}
    before = common.cpu_snapshot(groups)
    recs = _load(served.base + "/slack/events", items, clients, work)
    if kind == "open":
        deadline = time.time() + 30
        while time.time() < deadline and any(r[0] not in slack.opened for r in recs):
            time.sleep(0.05)
    after = common.cpu_snapshot(groups)
    n = len(recs)
    first = min(r[1] for r in recs)
    server_ms, pg_ms = _cpu_ms(before, after, name, n)
    latency = [(r[2] - r[1]) * 1000 for r in recs]
    out: dict[str, Any] = {
        "n": n,
        "cpu_ms": server_ms,
        "pg_ms": pg_ms,
        "bad": sum(1 for r in recs if not r[4]),
        "turn_s": round(time.monotonic() - t0, 2),  # the whole turn: waits and the load process included
    }
    if kind == "submit":
        out.update(per_s=round(n / (max(r[2] for r in recs) - first), 1), p50=_pct(latency, 50))
        out.update(p99=_pct(latency, 99), max=_pct(latency, 100))
        return out
    done = [r for r in recs if r[0] in slack.opened]
    opened = [(slack.opened[r[0]] - r[1]) * 1000 for r in done]
    overhead = [(slack.arrived[r[0]] - r[1]) * 1000 for r in done]
    answer = [(slack.opened[r[0]] - slack.arrived[r[0]]) * 1000 for r in done]
    last = max((slack.opened[r[0]] for r in done), default=first + 1)
    out.update(per_s=round(len(done) / (last - first), 1), missing=n - len(done), ack_p50=_pct(latency, 50))
    out.update(ack_max=_pct(latency, 100), p50=_pct(opened, 50), p99=_pct(opened, 99), max=_pct(opened, 100))
    out.update(over_p50=_pct(overhead, 50), over_p99=_pct(overhead, 99), standin_p50=_pct(answer, 50))
    return out


def run(plan: Plan, work: Path) -> dict[str, Any]:
    """Seed, start the servers, run every repetition; the raw figures of every turn."""
    main = Source(*prepare("postgresql", plan.pairs_needed() * (2 if plan.keepalive else 1)))
    sources = {"loopbot": main, KEEPALIVE: main}  # one database, distinct interviews
    if plan.history:
        sources[HISTORY] = Source(*prepare("postgresql", plan.pairs_needed(), history=plan.history))
    view = main.view
    ws = Workspace(auto_users=True)
    ws.add_channel(Channel("C0HIRING", "hiring-bench"))
    certificate = standins.make_certificate(work, plan.tls) if plan.tls else None
    extra = {"SSL_CERT_FILE": str(certificate.cert)} if certificate else {}
    slack = standins.timed_standin(ws, latency=LATENCY, trigger_ttl=3600, certificate=certificate)
    turns: dict[str, Any] = {"levels": {}, "warmup": {}}
    with slack:
        modal = _modal_json(
            main.engine, main.pairs[-1], slack, work, certificate.cert if certificate else None
        )
        dbs = {name: common.url_of(source.engine) for name, source in sources.items()}
        servers = _start(plan, dbs, slack, modal, work, extra)
        loopbots = ("loopbot", *plan.variants)
        try:
            systems = plan.systems
            for kind in ("submit", "open"):  # first requests: auth.test, pools, caches; not counted
                chunks = {name: sources[name].take(plan.warmup) for name in loopbots}
                for name in systems:
                    items = _bodies(kind, chunks.get(name, chunks["loopbot"]), view, slack)
                    turns["warmup"][f"{kind} {name}"] = _turn(
                        name, servers[name], kind, items, 8, slack, work
                    )
            for rep in range(plan.reps):
                order = systems[rep % len(systems) :] + systems[: rep % len(systems)]
                for clients in plan.levels:
                    level = turns["levels"].setdefault(str(clients), {"submit": {}, "open": {}})
                    for kind in ("submit", "open"):
                        # Each loopbot gets fresh interviews (a first save, a first open); the bare
                        # apps get the same bodies as the first (they only parse them).
                        chunks = {n: sources[n].take(plan.counts[clients]) for n in loopbots}
                        for name in order:
                            items = _bodies(kind, chunks.get(name, chunks["loopbot"]), view, slack)
                            result = _turn(name, servers[name], kind, items, clients, slack, work)
                            level[kind].setdefault(name, []).append(result)
                            print(
                                f"  rep {rep + 1} {clients:>2} clients {kind:<6} {name:<17} {result}",
                                flush=True,
                            )
            turns["views_open_errors"] = sum(1 for c in slack.calls_to("views.open") if c.outcome != "ok")
        finally:
            turns["exit_codes"] = {name: s.stop() for name, s in servers.items()}
    for source in sources.values():
        source.engine.dispose()
    return turns


# -- the report


def _span(values: list[float], digits: int = 2) -> str:
    if not values:
        return "–"
    med = statistics.median(values)
    if len(values) == 1:
        return f"{med:.{digits}f}"
    return f"{med:.{digits}f} [{min(values):.{digits}f}–{max(values):.{digits}f}]"


def _ratios(level: dict[str, list[dict[str, Any]]], key: str, base: str, top: str = "loopbot") -> list[float]:
    """top / base for `key`, within each repetition."""
    return [
        a[key] / b[key]
        for a, b in zip(level[top], level[base], strict=True)
        if isinstance(b.get(key), int | float) and b[key]
    ]


def _diffs(level: dict[str, list[dict[str, Any]]], key: str, base: str, top: str = "loopbot") -> list[float]:
    return [a[key] - b[key] for a, b in zip(level[top], level[base], strict=True)]


ROWS = {
    "submit": [
        ("per_s", "submissions/s"),
        ("p50", "submission p50 (ms)"),
        ("p99", "submission p99 (ms)"),
        ("cpu_ms", "server CPU per submission (ms)"),
        ("pg_ms", "PostgreSQL CPU per submission (ms)"),
    ],
    "open": [
        ("per_s", "opens/s"),
        ("over_p50", "open overhead p50 (ms)"),
        ("over_p99", "open overhead p99 (ms)"),
        ("cpu_ms", "server CPU per open (ms)"),
    ],
}


def report(turns: dict[str, Any], plan: Plan) -> dict[str, Any]:
    """Print the ratio table (with each variant against loopbot), the goals; return the goal figures."""
    systems, variants = plan.systems, plan.variants
    print(
        f"\n## Ratios — PostgreSQL, median [min–max] over {plan.reps} repetition(s);"
        " the absolute columns are medians"
    )
    extra = "".join(f" | {v} / loopbot" for v in variants)
    print(f"| clients | metric | {' | '.join(systems)} | loopbot / bare | loopbot / bare+db{extra} |")
    print("|---:|---|" + "---:|" * (len(systems) + 2 + len(variants)))
    for clients in plan.levels:
        level = turns["levels"][str(clients)]
        for kind, rows in ROWS.items():
            for key, label in rows:
                absolute = [f"{statistics.median(t[key] for t in level[kind][s]):.1f}" for s in systems]
                # The bare apps' PostgreSQL CPU is near 0 (one SELECT 1, in 10 ms clock ticks): no ratio.
                ratios = [_span(_ratios(level[kind], key, base)) if key != "pg_ms" else "–" for base in BASES]
                ratios += [_span(_ratios(level[kind], key, "loopbot", v)) for v in variants]
                print(f"| {clients} | {label} | {' | '.join(absolute)} | {' | '.join(ratios)} |")
        blank = " |" * (len(systems) + 1)
        diffs = [_span(_diffs(level["open"], "over_p50", "bare+db"), 1)]
        diffs += [_span(_diffs(level["open"], "over_p50", "loopbot", v), 1) for v in variants]
        print(f"| {clients} | open overhead p50, difference (ms) |{blank} {' | '.join(diffs)} |")
        answer = [t["standin_p50"] for s in systems for t in level["open"][s]]
        print(f"| {clients} | stand-in's views.open answer p50, all servers (ms) | {_span(answer, 1)} |")
    return {name: goals(turns, name) for name in ("loopbot", *variants)}


def _all_turns(turns: dict[str, Any], system: str | None = None) -> list[dict[str, Any]]:
    return [
        t
        for level in turns["levels"].values()
        for kind in level.values()
        for name, results in kind.items()
        if system in (None, name)
        for t in results
    ]


def goals(turns: dict[str, Any], who: str) -> dict[str, Any]:
    """The issue's goals for `who` (loopbot, or one of its variants)."""
    worst = max(t["max"] for t in _all_turns(turns, who))
    bad = sum(t["bad"] + t.get("missing", 0) for t in _all_turns(turns))
    out: dict[str, Any] = {"worst_ms": worst, "not_ok_any_server": bad}
    print(f"\n### goals for {who}")
    print(
        f"worst request (a submission, or block_actions sent → views.open answered): {worst:.0f} ms;"
        f" goal < 3000: {common.verdict(worst < 3000)}"
    )
    print(
        f"requests not answered 200 (or with errors), or modals not opened, on any server: {bad};"
        f" views.open errors at the stand-in: {turns.get('views_open_errors')};"
        f" exit codes {turns.get('exit_codes')}"
    )
    if str(GOAL_CLIENTS) not in turns["levels"]:
        return out
    level = turns["levels"][str(GOAL_CLIENTS)]
    tput = _ratios(level["submit"], "per_s", "bare+db", who)
    p99 = _ratios(level["submit"], "p99", "bare+db", who)
    diff = _diffs(level["open"], "over_p50", "bare+db", who)
    out.update(throughput=tput, p99=p99, open_overhead_diff=diff)
    print(f"PostgreSQL, {GOAL_CLIENTS} clients; verdict on the median, [min–max] over the repetitions:")
    print(
        f"- submissions/s ≥ 0.7 × bare+db: {_span(tput)} → {common.verdict(statistics.median(tput) >= 0.7)}"
    )
    print(f"- submission p99 ≤ 1.5 × bare+db: {_span(p99)} → {common.verdict(statistics.median(p99) <= 1.5)}")
    print(
        f"- open overhead p50 at most 10 ms above bare+db's: {_span(diff, 1)} ms →"
        f" {common.verdict(statistics.median(diff) <= 10)}"
    )
    return out


def main(args: argparse.Namespace, levels: list[int]) -> None:
    t0 = time.monotonic()
    plan = Plan(
        levels=levels,
        reps=args.repeat,
        per_client=max(1, round(8 * args.scale)),
        minimum=max(10, round(200 * args.scale)),
        warmup=max(10, round(100 * args.scale)),
        workers=args.workers,
        threads=args.threads,
        history=args.history,
        tls=args.tls,
        keepalive=args.keepalive,
    )
    probe = common.migrated_engine("postgresql")
    common.banner(
        "bench_ack --baseline: loopbot against a bare Bolt app and a bare Bolt app with a database", [probe]
    )
    probe.dispose()
    web = f"HTTPS ({args.tls} certificate, self-signed)" if args.tls else "HTTP"
    print(
        f"# stand-in {LATENCY * 1000:.0f} ms per call over {web}; every server --workers {plan.workers}"
        f" --threads {plan.threads}, Bolt listener threads {listener_threads() or 'Bolt default'};"
        f" requests per turn {plan.counts}; {plan.reps} repetitions;"
        " Web API connections new per call (slack_sdk's default);"
        f" variants: {', '.join(plan.variants) or 'none'}"
        f"{f' ({plan.history:,} past scorecards)' if plan.history else ''}\n"
    )
    work = Path(tempfile.mkdtemp(prefix="bench-ack-baseline-"))
    turns = run(plan, work)
    summary = report(turns, plan)
    print(f"\nwhole run {time.monotonic() - t0:.0f} s; logs {work}")
    if args.json:
        args.json.write_text(json.dumps({"plan": plan.__dict__, "turns": turns, "goals": summary}, indent=2))
