"""What a new connection per Slack Web API call costs: slack_sdk's WebClient against the stand-in.

Four ways of calling, in alternating rounds so that drift hits all of them: HTTP and HTTPS
(self-signed certificate on loopback), each with a new connection per call (what slack_sdk does)
and with kept-alive connections (bench/keepalive.py's urllib handler). The stand-in answers at
once (no added latency), so what is left is the client's and the stand-in's own work.
Per call: wall time, the calling thread's CPU time (the app's side) and the rest of the process's
CPU time (the stand-in's side; on Slack that is not ours, but on this machine it shares the cores).

    .venv/bin/python -m bench.bench_webapi                  # 10 rounds x 100 calls per way
    .venv/bin/python -m bench.bench_webapi --rounds 3 --calls 50 --method views.open
"""

from __future__ import annotations

import argparse
import json
import ssl
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from slack_sdk import WebClient

from bench import common, keepalive, serving, standins
from bot.standin import Workspace

WAYS = ("http, new connection", "http, kept alive", "https, new connection", "https, kept alive")


def _modal() -> dict[str, Any]:
    """A feedback-sized modal (~10 KB of JSON): loopbot's views.open carries one like it."""
    blocks: list[dict[str, Any]] = [
        {"type": "input", "block_id": f"b{n}", "label": {"type": "plain_text", "text": f"Question {n}"},
         "element": {"type": "plain_text_input", "action_id": "a", "multiline": True},
         "hint": {"type": "plain_text", "text": "What great and poor answers sound like. " * 4}}
        for n in range(30)
    ]  # fmt: skip
    return {"type": "modal", "callback_id": "x", "title": {"type": "plain_text", "text": "Feedback"},
            "submit": {"type": "plain_text", "text": "Submit"}, "blocks": blocks}  # fmt: skip


def _caller(
    client: WebClient, method: str, slack: standins.TimedStandIn, view: dict[str, Any]
) -> Callable[[], None]:
    def views_open() -> None:
        client.views_open(trigger_id=slack.new_trigger_id("U0BENCH"), view=view)

    def other() -> None:
        client.api_call(method)

    return views_open if method == "views.open" else other


def _round(call: Callable[[], None], n: int) -> tuple[list[float], float, float]:
    """n calls: each call's wall ms, and this thread's and the whole process's CPU ms for all of them."""
    walls = []
    thread0, process0 = time.thread_time(), time.process_time()
    for _ in range(n):
        t0 = time.perf_counter()
        call()
        walls.append((time.perf_counter() - t0) * 1000)
    return walls, (time.thread_time() - thread0) * 1000, (time.process_time() - process0) * 1000


def run(rounds: int, calls: int, method: str, cert_kind: str) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="bench-webapi-"))
    certificate = standins.make_certificate(work, cert_kind)
    client_tls = ssl.create_default_context(cafile=str(certificate.cert))
    ws = Workspace(auto_users=True)
    plain = standins.timed_standin(ws, trigger_ttl=3600)
    tls = standins.timed_standin(ws, trigger_ttl=3600, certificate=certificate)
    view = _modal()
    handler = keepalive.KeepAliveHandler(client_tls)
    kept = urllib.request.build_opener(handler)
    results: dict[str, dict[str, list[float]]] = {w: {"wall": [], "app": [], "standin": []} for w in WAYS}
    with plain, tls:
        # New connection: an ssl context of its own makes urlopen build a fresh opener (slack_sdk's
        # behaviour with or without one). Kept alive: ssl=None, so urlopen uses the installed opener.
        fresh = {s: WebClient(token=serving.TOKEN, base_url=s.url, ssl=client_tls) for s in (plain, tls)}
        pooled = {s: WebClient(token=serving.TOKEN, base_url=s.url) for s in (plain, tls)}
        ways = {
            WAYS[0]: (fresh[plain], plain),
            WAYS[1]: (pooled[plain], plain),
            WAYS[2]: (fresh[tls], tls),
            WAYS[3]: (pooled[tls], tls),
        }
        previous = urllib.request._opener  # type: ignore[attr-defined]  # restored below
        urllib.request.install_opener(kept)
        try:
            for client, slack in ways.values():  # warm-up, not counted
                _round(_caller(client, method, slack, view), 20)
            for r in range(rounds):
                order = list(WAYS[r % 4 :] + WAYS[: r % 4])
                for name in order:
                    client, slack = ways[name]
                    walls, app_ms, process_ms = _round(_caller(client, method, slack, view), calls)
                    results[name]["wall"] += walls
                    results[name]["app"].append(app_ms / calls)
                    results[name]["standin"].append(max(0.0, process_ms - app_ms) / calls)
        finally:
            urllib.request.install_opener(previous)
    return {
        "method": method,
        "certificate": certificate.kind,
        "rounds": rounds,
        "calls": calls,
        "connections_opened_kept_alive": handler.opened,
        "reused": handler.reused,
        "ways": {
            name: {
                "wall_p50": round(common.percentile(v["wall"], 50), 2),
                "wall_p99": round(common.percentile(v["wall"], 99), 2),
                "app_cpu": round(common.median(v["app"]), 2),
                "standin_cpu": round(common.median(v["standin"]), 2),
            }
            for name, v in results.items()
        },
    }


def report(r: dict[str, Any]) -> None:
    print(
        f"\n## {r['method']}: {r['rounds']} rounds x {r['calls']} calls per way, stand-in latency 0,"
        f" certificate {r['certificate']}"
    )
    print("| way | wall p50 (ms) | wall p99 (ms) | app CPU / call (ms) | stand-in CPU / call (ms) |")
    print("|---|---:|---:|---:|---:|")
    for name, w in r["ways"].items():
        print(f"| {name} | {w['wall_p50']} | {w['wall_p99']} | {w['app_cpu']} | {w['standin_cpu']} |")
    ways = r["ways"]
    for scheme in ("http", "https"):
        new, kept = ways[f"{scheme}, new connection"], ways[f"{scheme}, kept alive"]
        print(
            f"{scheme}: a new connection per call costs {new['wall_p50'] - kept['wall_p50']:+.2f} ms wall,"
            f" {new['app_cpu'] - kept['app_cpu']:+.2f} ms of the app's CPU and"
            f" {new['standin_cpu'] - kept['standin_cpu']:+.2f} ms of the stand-in's, over a kept-alive one"
        )
    print(
        f"(kept-alive opener: {r['connections_opened_kept_alive']} connections opened for"
        f" {r['reused']} reuses)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--calls", type=int, default=100, help="calls per way per round")
    parser.add_argument("--method", default="auth.test,views.open", help="Web API methods, comma-separated")
    parser.add_argument("--cert", choices=["rsa", "ec"], default="rsa", help="RSA 2048 or ECDSA P-256")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    common.banner("bench_webapi: the cost of a new connection per Web API call")
    results = [run(args.rounds, args.calls, m, args.cert) for m in args.method.split(",")]
    for r in results:
        report(r)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
