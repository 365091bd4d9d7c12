"""Benchmark 3, cost as the data grows: dispatcher tick at 10k vs 1M outbox rows, App Home, digest.

.venv/bin/python -m bench.bench_growth            # both backends, all parts
.venv/bin/python -m bench.bench_growth --backend postgresql --part tick --sizes 10000,100000
"""

from __future__ import annotations

import argparse
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session, sessionmaker

from bench import common, seed
from bench.growth_views import digest_part, home_part
from bot.clock import SystemClock
from bot.db import make_session_factory
from bot.delivery.claim import claim_due
from bot.delivery.dispatcher import Dispatcher
from bot.settings import load_settings
from bot.standin import StandIn, default_workspace
from models import Delivery, DeliveryStatus

DUE = 100


def _reset(sf: sessionmaker[Session], ids: list[int], due: datetime) -> None:
    """Put the due rows back to pending, as if they had just come due."""
    with sf.begin() as s:
        s.execute(
            update(Delivery)
            .where(Delivery.id.in_(ids))
            .values(
                status=DeliveryStatus.PENDING,
                next_attempt_at=due,
                attempts=0,
                lease_until=None,
                claim_token=None,
                sent_at=None,
                ts=None,
                channel=None,
                last_error=None,
            )
        )


def _explain(engine: Engine, statement: str, params: Any) -> list[str]:
    """The plan of the dispatcher's own claim statement (as captured), run in a rolled-back transaction."""
    with engine.connect() as conn:
        trans = conn.begin()
        if engine.dialect.name == "postgresql":
            rows = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + statement, params).all()
            lines = [r[0] for r in rows]
        else:
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all()
            lines = [f"{r[3]}" for r in rows]
        trans.rollback()
    return lines


def tick_part(backend: str, sizes: list[int], reps: int) -> dict[str, Any]:
    """Median tick with 100 rows due, and the claim statement's time and plan, at each table size."""
    engine = common.migrated_engine(backend)
    common.install_counter(engine)
    sf = make_session_factory(engine)
    now = datetime.now(UTC)
    content = seed.content(sf)
    loops = seed.candidate_loops(sf, content, DUE // 2)
    panels = [[f"U{n:05d}A", f"U{n:05d}B"] for n in range(DUE // 2)]
    interviews = seed.interviews(sf, content, loops, panels, [now - timedelta(hours=2)] * len(loops))
    due = now - timedelta(minutes=1)
    ids = seed.feedback_requests(sf, interviews, due)
    # The pace (LOOPBOT_POST_RATE, 48/s) would make every tick of 100 posts last ~2.1 s whatever the
    # table's size; lifted here so that the tick measures loopbot's own work (bench_delivery measures pacing).
    settings = load_settings(LOOPBOT_LEASE_SECONDS=60, LOOPBOT_POST_RATE=1_000, LOOPBOT_POST_BURST=50)
    out: dict[str, Any] = {"backend": backend, "sizes": {}}
    with StandIn(default_workspace(auto_users=True)) as slack:
        client = WebClient(token="xoxb-bench", base_url=slack.url)
        dispatcher = Dispatcher(sf, client, settings, SystemClock())
        filled = DUE
        for size in sizes:
            print(f"  {backend}: filling the outbox to {size:,} rows ...", flush=True)
            with common.Stopwatch() as fill:
                seed.filler(engine, size - filled, now, first=filled + 1)
            filled = size
            _reset(sf, ids, due)
            dispatcher.tick()  # warm-up: connections, caches, imports
            ticks, statements = [], 0
            for _ in range(reps):
                _reset(sf, ids, due)
                with common.counting() as counter, common.Stopwatch() as sw:
                    result = dispatcher.tick()
                if result.sent != DUE:
                    raise SystemExit(f"tick sent {result.sent} of {DUE}: {result}")
                ticks.append(sw.ms)
                statements = len(counter)
            claims: list[float] = []
            captured: tuple[str, Any] | None = None
            for _ in range(reps):
                _reset(sf, ids, due)
                with common.counting() as counter, common.Stopwatch() as sw:
                    claim_due(sf, now, now + timedelta(minutes=1), 32, f"bench:{uuid.uuid4().hex}")
                claims.append(sw.ms)
                captured = next(r for r in counter.raw if r[0].lstrip().upper().startswith("UPDATE"))
            _reset(sf, ids, due)
            assert captured is not None
            plan = _explain(engine, *captured)
            out["sizes"][size] = {
                "fill_s": round(fill.seconds, 1),
                "tick_ms": round(common.median(ticks), 1),
                "tick_min_ms": round(min(ticks), 1),
                "statements": statements,
                "claim_ms": round(common.median(claims), 2),
                "plan": plan,
            }
            row = out["sizes"][size]
            print(
                f"  {backend} {size:>9,} rows: tick median {row['tick_ms']} ms (min {row['tick_min_ms']}),"
                f" {statements} statements/tick, claim(32) median {row['claim_ms']} ms",
                flush=True,
            )
        dispatcher.close()
    small, large = out["sizes"][sizes[0]], out["sizes"][sizes[-1]]
    out["ratio"] = round(large["tick_ms"] / small["tick_ms"], 2)
    out["claim_ratio"] = round(large["claim_ms"] / small["claim_ms"], 2)
    engine.dispose()
    return out


def report_tick(r: dict[str, Any], sizes: list[int]) -> None:
    print(f"\n## Dispatcher tick, {DUE} rows due — {r['backend']}")
    print("| outbox rows | tick median (ms) | tick min (ms) | statements / tick | claim of 32 (ms) |")
    print("|---:|---:|---:|---:|---:|")
    for size in sizes:
        row = r["sizes"][size]
        print(
            f"| {size:,} | {row['tick_ms']} | {row['tick_min_ms']} | {row['statements']}"
            f" | {row['claim_ms']} |"
        )
    ok = r["ratio"] <= 1.3
    print(
        f"\nratio {sizes[-1]:,} / {sizes[0]:,}: tick {r['ratio']} (goal <= 1.3: {common.verdict(ok)}),"
        f" claim statement {r['claim_ratio']}"
    )
    print(f"\nclaim plan at {sizes[-1]:,} rows:")
    for line in r["sizes"][sizes[-1]]["plan"]:
        print(f"    {line}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--part", choices=["tick", "home", "digest", "all"], default="all")
    parser.add_argument("--sizes", default="10000,1000000", help="outbox sizes, comma-separated")
    parser.add_argument("--reps", type=int, default=7)
    args = parser.parse_args()
    backends = ["postgresql", "sqlite"] if args.backend == "both" else [args.backend]
    sizes = [int(s) for s in args.sizes.split(",")]
    probe = [common.migrated_engine("postgresql")] if "postgresql" in backends else []
    common.banner("bench_growth: cost as the data grows", probe)
    for backend in backends:
        if args.part in ("tick", "all"):
            report_tick(tick_part(backend, sizes, args.reps), sizes)
        if args.part in ("home", "all"):
            home_part(backend)
        if args.part in ("digest", "all"):
            digest_part(backend)


if __name__ == "__main__":
    main()
