"""Benchmarks 1 and 4: acknowledgement latency of the real `loopbot serve`, and its memory.

A `loopbot serve` subprocess (PostgreSQL, then SQLite) gets signed requests from a separate load
process (bench/ack_load.py) at 1, 8, 32 and 64 concurrent clients:
- feedback `view_submission`s, each for a different interview/panelist (a real save + history);
- `block_actions` "Open feedback form": Bolt acks at once, the modal opens with `views.open` on the
  stand-in (50 ms per call). "open" latency = request sent -> views.open answered by the stand-in.
Each level starts once the server has drained the previous one's post-ack work (home refreshes).
Peak RSS (VmHWM) of the serve process is read from /proc when idle and after all of the load.

    .venv/bin/python -m bench.bench_ack                    # both backends, 1/8/32/64 clients
    .venv/bin/python -m bench.bench_ack --backend postgresql --clients 32 --scale 0.2
    .venv/bin/python -m bench.bench_ack --baseline         # ratios to a bare Bolt app (bench/ack_baseline.py)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import common, seed, serving
from bench.standins import TimedStandIn
from blocks.feedback import feedback_view
from blocks.ids import ActionId
from bot.db import make_session_factory
from bot.feedback import service as feedback_service
from bot.standin import Channel, StandIn, Workspace
from bot.standin.signing import block_actions_payload, interaction_body, view_submission_payload

LATENCY = 0.05
LEVELS = [1, 8, 32, 64]


def _state(block: dict[str, Any]) -> dict[str, Any]:
    element, bid = block["element"], block["block_id"]
    kind = element["type"]
    options = {o["value"]: o for o in element.get("options", [])}
    if kind in ("radio_buttons", "static_select"):
        wanted = "yes" if bid.startswith("rating__") or bid == "recommendation" else None
        return {"type": kind, "selected_option": options.get(wanted or "") or element.get("initial_option")}
    if kind == "checkboxes":
        return {"type": kind, "selected_options": list(options.values())[:2]}
    text = "Clear thinker; strong trade-off reasoning throughout." if bid == "summary" else "Noted."
    return {"type": kind, "value": text}


def _filled(view: dict[str, Any]) -> dict[str, Any]:
    """The view as Slack sends it back on submit: every input answered so that validation passes."""
    values = {
        b["block_id"]: {b["element"]["action_id"]: _state(b)} for b in view["blocks"] if b["type"] == "input"
    }
    return {**view, "id": "V0BENCH", "team_id": "T0STANDIN", "state": {"values": values}, "hash": "h"}


def prepare(
    backend: str, pairs_needed: int, history: int = 0
) -> tuple[Any, list[tuple[int, str]], dict[str, Any]]:
    """A migrated DB with ended interviews (each in its own loop, two panelists); the pairs and a view.

    With `history`, that many past scorecards (bench/seed.py `past_scorecards`) by the same panelists
    are in the database first.
    """
    engine = common.migrated_engine(backend)
    sf = make_session_factory(engine)
    now = datetime.now(UTC)
    content = seed.content(sf)
    n = (pairs_needed + 1) // 2
    # A busy week: 50 recruiters and 50 hiring managers, each running about n / 50 candidates.
    loops = seed.candidate_loops(sf, content, n, recruiters=50)
    panels = [[f"UL{i:06d}", f"UI{i:06d}"] for i in range(n)]
    ids = seed.interviews(sf, content, loops, panels, [now - timedelta(hours=2)] * n)
    if history:
        t0 = time.monotonic()
        written = seed.past_scorecards(engine, content, history, [u for p in panels for u in p], now)
        print(f"# {written:,} past scorecards seeded in {time.monotonic() - t0:.1f} s", flush=True)
    pairs = [(iid, user) for iid, panel in zip(ids, panels, strict=True) for user in panel]
    seed.analyze(engine)
    with sf() as s:
        ctx = feedback_service.load_form(s, ids[0], panels[0][0], now)
        view = feedback_view(ctx.interview, ctx.seat, ctx.categories).to_dict()
    return engine, pairs, _filled(view)


def _bodies(kind: str, pairs: list[tuple[int, str]], view: dict[str, Any], slack: StandIn) -> list[Any]:
    out = []
    for iid, user in pairs:
        if kind == "submit":
            meta = json.dumps({"interview_id": iid, "user": user})
            payload = view_submission_payload(user, {**view, "private_metadata": meta})
            out.append([f"{iid}:{user}", interaction_body(payload).decode()])
        else:
            trigger = slack.new_trigger_id(user)
            payload = block_actions_payload(user, ActionId.OPEN_FEEDBACK, str(iid), trigger_id=trigger)
            out.append([trigger, interaction_body(payload).decode()])
    return out


def _load(url: str, items: list[Any], clients: int, work: Path) -> list[list[Any]]:
    bodies, out = work / "bodies.jsonl", work / "out.json"
    bodies.write_text("\n".join(json.dumps(i) for i in items))
    cmd = [
        sys.executable,
        "-m",
        "bench.ack_load",
        url,
        str(bodies),
        str(out),
        "--clients",
        str(clients),
        "--secret",
        serving.SECRET,
    ]
    subprocess.run(cmd, cwd=common.ROOT, check=True)
    return list(json.loads(out.read_text()))


def _quiesce(slack: StandIn, quiet: float = 1.5, limit: float = 120) -> None:
    """Wait until serve has made no Web API call for `quiet` s (post-ack work drained).

    Home refreshes (views.publish) do not count: they trickle out in the background at Slack's
    rate limit (~100 a minute) for minutes after a burst of submissions, as they would in production.
    """
    deadline = time.time() + limit
    while time.time() < deadline:
        calls = [c for c in slack.calls if c.method != "views.publish"]
        if not calls or time.time() - calls[-1].at > quiet:
            return
        time.sleep(0.2)


def _stats(latencies_ms: list[float], first: float, last: float, bad: int, n: int) -> dict[str, Any]:
    return {
        "n": n,
        "per_s": round(n / (last - first), 1) if last > first else 0.0,
        "p50": round(common.percentile(latencies_ms, 50), 1),
        "p95": round(common.percentile(latencies_ms, 95), 1),
        "p99": round(common.percentile(latencies_ms, 99), 1),
        "max": round(max(latencies_ms), 1),
        "bad": bad,
    }


def run(
    backend: str,
    levels: list[int],
    per_client: int,
    minimum: int,
    work: Path,
    workers: int,
    profile: str | None = None,
    threads: int = 8,
    history: int = 0,
) -> dict[str, Any]:
    counts = {c: max(minimum, per_client * c) for c in levels}
    engine, pairs, view = prepare(backend, 2 * sum(counts.values()), history)
    ws = Workspace(auto_users=True)
    ws.add_channel(Channel("C0HIRING", "hiring-bench"))
    results: dict[str, Any] = {"backend": backend, "submit": {}, "open": {}, "engines": [engine]}
    slack = TimedStandIn(ws, latency=LATENCY, trigger_ttl=3600)
    with slack:
        env = serving.serve_env(common.url_of(engine), slack.url, serving.free_port())
        served = serving.start_serve(env, work / f"serve-{backend}.log", threads=threads, workers=workers)
        spy = None
        if profile:
            out = work / f"profile-{backend}.txt"
            spy = subprocess.Popen(
                [
                    profile,
                    "record",
                    "--pid",
                    str(served.proc.pid),
                    "--rate",
                    "50",
                    "--format",
                    "raw",
                    "--output",
                    str(out),
                    "--nonblocking",
                    "--subprocesses",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        try:
            time.sleep(2)
            results["rss_idle"] = served.rss_mb()
            results["pss_idle"] = served.pss_mb()
            url = served.base + "/slack/events"
            offset = 0
            for clients in levels:
                chunk, offset = pairs[offset : offset + counts[clients]], offset + counts[clients]
                _quiesce(slack)
                recs = _load(url, _bodies("submit", chunk, view, slack), clients, work)
                lat = [(r[2] - r[1]) * 1000 for r in recs]
                bad = sum(1 for r in recs if not r[4])
                results["submit"][clients] = _stats(
                    lat, min(r[1] for r in recs), max(r[2] for r in recs), bad, len(recs)
                )
                print(f"  {backend} submit  {clients:>2} clients: {results['submit'][clients]}", flush=True)
            for clients in levels:
                chunk, offset = pairs[offset : offset + counts[clients]], offset + counts[clients]
                _quiesce(slack)
                recs = _load(url, _bodies("open", chunk, view, slack), clients, work)
                deadline = time.time() + 30
                while time.time() < deadline and any(r[0] not in slack.opened for r in recs):
                    time.sleep(0.1)
                ack = [(r[2] - r[1]) * 1000 for r in recs]
                opened = [(slack.opened[r[0]] - r[1]) * 1000 for r in recs if r[0] in slack.opened]
                missing = sum(1 for r in recs if r[0] not in slack.opened or not r[4])
                last = max(slack.opened.get(r[0], r[2]) for r in recs)
                results["open"][clients] = {
                    "ack": _stats(ack, min(r[1] for r in recs), max(r[2] for r in recs), 0, len(recs)),
                    "open": _stats(opened or [0.0], min(r[1] for r in recs), last, missing, len(recs)),
                }
                print(f"  {backend} open    {clients:>2} clients: {results['open'][clients]}", flush=True)
            _quiesce(slack)
            results["rss_after"] = served.rss_mb()
            results["pss_after"] = served.pss_mb()
            failed_opens = [c for c in slack.calls_to("views.open") if c.outcome != "ok"]
            results["views_open_errors"] = len(failed_opens)
            results["processes"] = len(served.pids())
            results["homes_published"] = len(slack.calls_to("views.publish"))
        finally:
            results["exit_code"] = served.stop()
            if spy is not None:
                spy.wait(60)
    return results


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def report(r: dict[str, Any], levels: list[int]) -> None:
    b = r["backend"]
    print(f"\n## Feedback submissions (view_submission) — {b}")
    print(_row("clients", "requests", "per second", "p50 (ms)", "p95 (ms)", "p99 (ms)", "max (ms)", "not ok"))
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for c in levels:
        s = r["submit"][c]
        print(_row(c, s["n"], s["per_s"], s["p50"], s["p95"], s["p99"], s["max"], s["bad"]))
    print(f"\n## Modal opens (block_actions -> views.open answered, stand-in 50 ms) — {b}")
    head = (
        "clients",
        "requests",
        "opens/s",
        "ack p50 / p99 (ms)",
        "open p50",
        "open p95",
        "open p99",
        "open max",
    )
    print(_row(*head, "missing"))
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for c in levels:
        a, o = r["open"][c]["ack"], r["open"][c]["open"]
        ack = f"{a['p50']} / {a['p99']}"
        print(_row(c, o["n"], o["per_s"], ack, o["p50"], o["p95"], o["p99"], o["max"], o["bad"]))
    idle, after = r["rss_idle"], r["rss_after"]
    print(
        f"\nloopbot serve RSS (biggest of {r['processes']} processes): idle {idle[0]:.0f} MB"
        f" (peak {idle[1]:.0f}); after the load {after[0]:.0f} MB (peak {after[1]:.0f});"
        f" goal < 150 MB: {common.verdict(after[1] < 150)}"
    )
    print(
        f"all {r['processes']} processes together (PSS, shared pages once): idle {r['pss_idle']:.0f} MB,"
        f" after the load {r['pss_after']:.0f} MB"
    )
    print(f"home refreshes published in the background during the run: {r['homes_published']}")
    print(f"views.open errors at the stand-in: {r['views_open_errors']}; serve exit code {r['exit_code']}")
    if 32 in r["submit"] and b == "postgresql":
        s, o = r["submit"][32], r["open"][32]["open"]
        worst = max([r["submit"][c]["max"] for c in levels] + [r["open"][c]["open"]["max"] for c in levels])
        print(
            f"\ngoals (PostgreSQL, 32 clients): submissions p99 {s['p99']} ms < 100:"
            f" {common.verdict(s['p99'] < 100)}; {s['per_s']}/s >= 300: {common.verdict(s['per_s'] >= 300)};"
            f" opens p99 {o['p99']} ms < 300: {common.verdict(o['p99'] < 300)};"
            f" worst request {worst} ms < 3000: {common.verdict(worst < 3000)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=["postgresql", "sqlite", "both"], default="both")
    parser.add_argument(
        "--clients", default=",".join(map(str, LEVELS)), help="client counts, comma-separated"
    )
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the requests per level")
    parser.add_argument("--workers", type=int, default=2, help="loopbot serve --workers (one per core)")
    parser.add_argument("--threads", type=int, default=8, help="loopbot serve --threads (per worker)")
    parser.add_argument("--profile", metavar="PY_SPY", help="path to py-spy: record the serve process")
    parser.add_argument(
        "--history",
        type=int,
        default=0,
        metavar="N",
        help="N past scorecards in the database first (--baseline: one more loopbot on such a database)",
    )
    baseline = parser.add_argument_group("--baseline (bench/ack_baseline.py; PostgreSQL only)")
    baseline.add_argument(
        "--baseline",
        action="store_true",
        help="loopbot beside a bare Bolt app and bare Bolt + one DB round trip",
    )
    baseline.add_argument("--repeat", type=int, default=3, help="repetitions of every level (min/median/max)")
    baseline.add_argument(
        "--tls", choices=["rsa", "ec"], help="the stand-in over HTTPS (self-signed certificate)"
    )
    baseline.add_argument(
        "--keepalive",
        action="store_true",
        help="one more loopbot, its Web API calls on kept-alive connections (bench/keepalive.py)",
    )
    baseline.add_argument("--json", type=Path, help="write every turn's figures here")
    args = parser.parse_args()
    levels = [int(c) for c in args.clients.split(",")]
    if args.baseline:
        from bench import ack_baseline  # noqa: PLC0415 - it imports this module

        ack_baseline.main(args, levels)
        return
    backends = ["postgresql", "sqlite"] if args.backend == "both" else [args.backend]
    probe = [common.migrated_engine("postgresql")] if "postgresql" in backends else []
    common.banner("bench_ack: acknowledgement latency and memory of loopbot serve", probe)
    print(
        f"# stand-in {LATENCY * 1000:.0f} ms per call; serve: --workers {args.workers},"
        f" --threads {args.threads} (waitress threads per worker), defaults otherwise\n"
    )
    work = Path(tempfile.mkdtemp(prefix="bench-ack-"))
    per_client, minimum = max(1, round(8 * args.scale)), max(10, round(60 * args.scale))
    for backend in backends:
        results = run(
            backend, levels, per_client, minimum, work, args.workers, args.profile, args.threads, args.history
        )
        report(results, levels)
    print(f"\nlogs: {work}")


if __name__ == "__main__":
    main()
