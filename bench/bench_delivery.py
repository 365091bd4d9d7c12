"""Benchmark 2, delivery throughput against Slack's rate limits, through real `loopbot serve` processes.

4,000 feedback requests (2,000 interviews, two panelists each) come due at once. The stand-in answers
every call in 100 ms and allows 50 chat.postMessage/s per workspace plus 1/s per channel (429 +
Retry-After beyond), so the floor is 4,000 / 50 = 80 s. Measured from the moment the rows come due to
the last accepted post; duplicates and lost rows are counted from the stand-in's records.

    .venv/bin/python -m bench.bench_delivery                     # 1, 2 and 3 replicas on PostgreSQL
    .venv/bin/python -m bench.bench_delivery --repeat 3          # each three times (min/median/max)
    .venv/bin/python -m bench.bench_delivery --scale 0.1         # quick smoke run (400 deliveries)
    .venv/bin/python -m bench.bench_delivery --replicas 1 --backend sqlite
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update

from bench import common, seed, serving
from bot.db import make_session_factory
from bot.delivery.pacing import CHANNEL_BURST, CHANNEL_RATE
from bot.delivery.slack_io import EVENT_TYPE
from bot.standin import RateLimits, StandIn, Workspace
from models import Delivery, DeliveryStatus

WORKSPACE_PER_SECOND = 50.0
CHANNEL_PER_SECOND = 1.0
LATENCY = 0.1


def _key_hash(call: Any) -> str | None:
    md = call.args.get("metadata")
    if isinstance(md, str):
        md = json.loads(md)
    if isinstance(md, dict) and md.get("event_type") == EVENT_TYPE:
        return str(md["event_payload"]["key_hash"])
    return None


def _fields(line: str) -> dict[str, str]:
    return dict(re.findall(r"(\w+)=(\S+)", line))


def choices(log: Path) -> dict[str, Any]:
    """What a replica chose, from its log: the pacing settings and the in-flight target it ended with."""
    pacing: dict[str, str] = {}
    ticks = []
    for line in log.read_text().splitlines():
        if "delivery.pacing " in line:
            pacing = _fields(line)
        elif "delivery.tick " in line:
            ticks.append(_fields(line))
    last = max(ticks, key=lambda t: int(t.get("claimed", 0)), default={})
    return {
        "post_rate": float(pacing.get("post_rate", 0)),
        "post_burst": int(pacing.get("post_burst", 0)),
        "max_in_flight": int(pacing.get("max_in_flight", 0)),
        "in_flight": int(last.get("in_flight", 0)),
        "ms_per_post": int(last.get("ms_per_post", 0)),
        "deferred": sum(int(t.get("deferred", 0)) for t in ticks),
    }


def run(
    backend: str,
    replicas: int,
    n_interviews: int,
    interviewers: int,
    extra_env: dict[str, str],
    profile: str | None,
    workdir: Path,
) -> dict[str, Any]:
    """One configuration: seed, start the replicas, make everything due, wait until all is sent."""
    engine = common.migrated_engine(backend)
    sf = make_session_factory(engine)
    now = datetime.now(UTC)
    content = seed.content(sf)
    loops = seed.candidate_loops(sf, content, max(1, n_interviews // 4))
    pool = [f"U{n:06d}" for n in range(interviewers)]
    panels = [[pool[(2 * i) % interviewers], pool[(2 * i + 1) % interviewers]] for i in range(n_interviews)]
    starts = [now - timedelta(hours=2)] * n_interviews
    ids = seed.interviews(sf, content, [loops[i % len(loops)] for i in range(n_interviews)], panels, starts)
    far = now + timedelta(days=1)
    total = len(seed.feedback_requests(sf, ids, far))
    limits = RateLimits(
        post_workspace_per_second=WORKSPACE_PER_SECOND, post_channel_per_second=CHANNEL_PER_SECOND
    )
    floor = total / WORKSPACE_PER_SECOND
    procs: list[serving.Served] = []
    spies: list[subprocess.Popen[bytes]] = []
    with StandIn(Workspace(auto_users=True), latency=LATENCY, rate_limits=limits) as slack:
        try:
            for n in range(replicas):
                env = serving.serve_env(
                    common.url_of(engine),
                    slack.url,
                    serving.free_port(),
                    LOOPBOT_TICK_SECONDS="1",
                    **extra_env,
                )
                procs.append(serving.start_serve(env, workdir / f"serve-{backend}-{replicas}-{n}.log"))
            slack.reset_calls()
            groups = {"serve": [p.proc.pid for p in procs], "bench+stand-in": [os.getpid()]}
            cpu_before = common.cpu_snapshot(groups)
            t0 = time.time()
            with sf.begin() as s:  # everything comes due now
                s.execute(
                    update(Delivery).values(due_at=datetime.now(UTC), next_attempt_at=datetime.now(UTC))
                )
            if profile:
                for p in procs:
                    out = workdir / f"profile-{replicas}-{p.proc.pid}.txt"
                    spies.append(
                        subprocess.Popen(
                            [
                                profile,
                                "record",
                                "--pid",
                                str(p.proc.pid),
                                "--duration",
                                str(int(floor * 1.5)),
                                "--rate",
                                "50",
                                "--format",
                                "raw",
                                "--output",
                                str(out),
                                "--nonblocking",
                            ],
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL,
                        )
                    )
            deadline = t0 + max(60.0, floor * 3)
            open_rows = total
            while time.time() < deadline:
                time.sleep(0.5)
                with sf() as s:
                    open_rows = (
                        s.scalar(
                            select(func.count())
                            .select_from(Delivery)
                            .where(Delivery.status.in_([DeliveryStatus.PENDING, DeliveryStatus.SENDING]))
                        )
                        or 0
                    )
                if not open_rows:
                    break
            cpu = common.cpu_used(cpu_before, common.cpu_snapshot(groups))
            posts = [c for c in slack.calls_to("chat.postMessage") if c.outcome == "ok"]
            last = max((c.at for c in posts), default=time.time())
            hashes = Counter(h for h in map(_key_hash, posts) if h)
            rate_limited = slack.rate_limited("chat.postMessage")
            attempts = len(slack.calls_to("chat.postMessage"))
        finally:
            codes = [p.stop() for p in procs]
            for spy in spies:
                spy.wait(120)
    chosen = [choices(p.log) for p in procs]
    with sf() as s:
        statuses = dict(s.execute(select(Delivery.status, func.count()).group_by(Delivery.status)).all())
    engine.dispose()
    elapsed = last - t0
    return {
        "backend": backend,
        "replicas": replicas,
        "deliveries": total,
        "floor_s": round(floor, 1),
        "elapsed_s": round(elapsed, 1),
        "ratio": round(elapsed / floor, 3),
        "posts_per_s": round(len(posts) / elapsed, 1) if elapsed > 0 else 0,
        "accepted_posts": len(posts),
        "post_attempts": attempts,
        "rate_limited_429": rate_limited,
        "duplicates": sum(n - 1 for n in hashes.values() if n > 1),
        "lost": total - len(hashes),
        "still_open": open_rows,
        "statuses": statuses,
        "exit_codes": codes,
        "cpu_s": cpu,
        "chosen": chosen,
        "load_average": Path("/proc/loadavg").read_text().split()[:3],
    }


def report(r: dict[str, Any]) -> None:
    ok = r["ratio"] <= 1.15 and r["duplicates"] == 0 and r["lost"] == 0
    print(
        f"| {r['backend']} | {r['replicas']} | {r['deliveries']:,} | {r['floor_s']} | {r['elapsed_s']} | "
        f"{r['ratio']} | {r['posts_per_s']} | {r['rate_limited_429']} | {r['duplicates']} | {r['lost']} | "
        f"{common.verdict(ok)} |",
        flush=True,
    )


def summary(results: list[dict[str, Any]], counts: list[int]) -> None:
    """Per replica count: the ratio to the floor as median [min–max] over the runs, and the totals."""
    print(
        "\n| replicas | runs | ratio to the floor, median [min–max] | posts/s (median) | 429s"
        " | duplicates | lost |"
    )
    print("|---:|---:|---|---:|---:|---:|---:|")
    for replicas in counts:
        mine = [r for r in results if r["replicas"] == replicas]
        ratios = [r["ratio"] for r in mine]
        span = f"{statistics.median(ratios):.3f} [{min(ratios):.3f}–{max(ratios):.3f}]"
        print(
            f"| {replicas} | {len(mine)} | {span} | {statistics.median(r['posts_per_s'] for r in mine):.1f} |"
            f" {sum(r['rate_limited_429'] for r in mine)} | {sum(r['duplicates'] for r in mine)} |"
            f" {sum(r['lost'] for r in mine)} |"
        )


def explain(r: dict[str, Any]) -> None:
    """How pacing and concurrency were chosen in this run, from the replicas' own log lines."""
    for n, c in enumerate(r["chosen"]):
        w = c["ms_per_post"] / 1000
        print(
            f"  replica {n}: pacing {c['post_rate']:g} posts/s for the whole workspace (one schedule in the"
            f" send_pace row, shared with the other replicas), bursts of {c['post_burst']}; per channel"
            f" {CHANNEL_RATE:g}/s, bursts of {CHANNEL_BURST}.\n"
            f"    in flight = rate x time a post holds a send thread x 1.25 = {c['post_rate']:g} x {w:.3f} s"
            f" x 1.25 -> {c['in_flight']} (at most LOOPBOT_SEND_CONCURRENCY={c['max_in_flight']});"
            f" sequential posts would reach {1 / w if w else 0:.1f}/s. Rows handed back (deferred):"
            f" {c['deferred']}."
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--scale", type=float, default=1.0, help="fraction of the 2,000 interviews (0.1 = smoke)"
    )
    parser.add_argument("--replicas", default="1,2,3", help="replica counts to run, comma-separated")
    parser.add_argument(
        "--repeat", type=int, default=1, help="run every replica count this many times (order rotates)"
    )
    parser.add_argument("--backend", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--interviewers", type=int, default=500, help="distinct panelists (DM channels)")
    parser.add_argument("--concurrency", type=int, help="LOOPBOT_SEND_CONCURRENCY (default: the app's)")
    parser.add_argument("--rate", type=float, help="LOOPBOT_POST_RATE (default: the app's)")
    parser.add_argument("--env", action="append", default=[], help="extra NAME=VALUE for loopbot serve")
    parser.add_argument(
        "--profile", metavar="PY_SPY", help="path to py-spy: record each replica while it runs"
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    extra = dict(item.split("=", 1) for item in args.env)
    if args.concurrency:
        extra["LOOPBOT_SEND_CONCURRENCY"] = str(args.concurrency)
    if args.rate:
        extra["LOOPBOT_POST_RATE"] = str(args.rate)
    n_interviews = max(1, round(2000 * args.scale))
    engines = [common.migrated_engine("postgresql")] if args.backend == "postgresql" else []
    common.banner("bench_delivery: throughput against Slack's rate limits", engines)
    print(
        f"# stand-in: {LATENCY * 1000:.0f} ms per call, chat.postMessage"
        f" {WORKSPACE_PER_SECOND:.0f}/s per workspace"
        f" + {CHANNEL_PER_SECOND:.0f}/s per channel; {n_interviews:,} interviews x 2 panelists from a pool of"
        f" {args.interviewers}; serve env {extra or 'defaults'}\n"
    )
    print(
        "| backend | replicas | deliveries | floor (s) | took (s) | ratio | posts/s | 429s"
        " | duplicates | lost | goal |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|", flush=True)
    workdir = Path(tempfile.mkdtemp(prefix="bench-delivery-"))
    results = []
    counts = [int(r) for r in args.replicas.split(",")]
    if args.backend == "sqlite" and any(c > 1 for c in counts):
        print("(only 1 replica on SQLite: it is one host, one process)")
        counts = [c for c in counts if c == 1]
    for rep in range(args.repeat):
        for replicas in counts[rep % len(counts) :] + counts[: rep % len(counts)]:
            r = run(args.backend, replicas, n_interviews, args.interviewers, extra, args.profile, workdir)
            r["repetition"] = rep + 1
            results.append(r)
            report(r)
    summary(results, counts)
    for r in results:
        print(
            f"\n{r['replicas']} replica(s), run {r['repetition']}: statuses {r['statuses']},"
            f" post attempts {r['post_attempts']},"
            f" exit codes {r['exit_codes']}\n  CPU seconds while sending: {r['cpu_s']}"
            f"\n  load average at the end {r['load_average']}"
        )
        explain(r)
    print(f"\nlogs and profiles: {workdir}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
