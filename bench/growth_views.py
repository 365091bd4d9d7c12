"""Benchmark 3, second half: App Home at 10 vs 1,000 past interviews, digest at 2 vs 10 interviews.

Statements are counted with a SQLAlchemy `before_cursor_execute` listener (bench.common.counting).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from bench import common, seed
from bot.db import make_session_factory
from bot.delivery.render import render
from bot.home.publish import build_home
from models import Delivery, DeliveryKind, Feedback, PanelSeat
from tests.support.factories import RUBRIC_SNAPSHOT

REPS = 30
LEVELS = ["strong_no", "no", "yes", "strong_yes"]


def _feedback(
    sf: sessionmaker[Session], pairs: list[tuple[int, str]], now: datetime, submitted: bool = True
) -> None:
    """A filled-in scorecard for each (interview id, interviewer)."""
    keys = [c["key"] for c in RUBRIC_SNAPSHOT["categories"]]
    rows: list[dict[str, Any]] = [
        {
            "interview_id": iid,
            "interviewer": who,
            "status": "submitted" if submitted else "draft",
            "ratings": {k: LEVELS[(iid + n) % 4] for n, k in enumerate(keys)},
            "signals": ["great:q-learn:0", "negative:q-build:0"],
            "question_notes": {"q-learn": "Explained the trade-offs clearly.", "q-build": "Solid design."},
            "recommendation": LEVELS[iid % 4] if submitted else None,
            "summary": "Good signal on systems design; less on teaching.",
            "version": 1 if submitted else 0,
            "submitted_at": now - timedelta(hours=1) if submitted else None,
        }
        for iid, who in pairs
    ]
    with sf.begin() as s:
        s.execute(insert(Feedback), rows)


def _timed(sf: sessionmaker[Session], fn: Callable[[Session], object]) -> tuple[int, float, float, list[str]]:
    """(statements of one run, median ms over REPS runs, median ms in SQL, the statements); fresh sessions."""
    with sf() as s, common.counting() as counter:
        fn(s)
    times, sql = [], []
    for _ in range(REPS):
        with sf() as s, common.counting() as c, common.Stopwatch() as sw:
            fn(s)
        times.append(sw.ms)
        sql.append(sum(c.ms))
    return len(counter), common.median(times), common.median(sql), counter.statements


def home_part(backend: str) -> dict[int, Any]:
    """Two interviewers in one database: one with 10 past interviews, one with 1,000."""
    engine = common.migrated_engine(backend)
    common.install_counter(engine)
    sf = make_session_factory(engine)
    now = datetime.now(UTC)
    content = seed.content(sf)
    out: dict[int, Any] = {}
    for user, past in (("U0TEN", 10), ("U0THOUSAND", 1000)):
        n = past + 5  # plus five coming up
        loops = seed.candidate_loops(sf, content, n)
        starts = [now - timedelta(days=past - i, hours=3) for i in range(past)]
        starts += [now + timedelta(days=i + 1) for i in range(5)]
        panels = [[user, f"UO{i % 40:04d}", f"UP{i % 40:04d}"] for i in range(n)]
        ids = seed.interviews(sf, content, loops, panels, starts)
        # All but the last three past interviews have the user's feedback in; two of those have a draft.
        _feedback(sf, [(iid, user) for iid in ids[: past - 3]], now)
        _feedback(sf, [(iid, user) for iid in ids[past - 2 : past]], now, submitted=False)
        _feedback(sf, [(iid, f"UO{i % 40:04d}") for i, iid in enumerate(ids[:past])], now)

    seed.analyze(engine)

    def build(user: str) -> Callable[[Session], object]:
        return lambda s: build_home(s, user, now).to_dict()

    print(f"\n## App Home for an interviewer — {backend}")
    print("| past interviews | SQL statements | build median (ms) | of which in SQL (ms) | blocks |")
    print("|---:|---:|---:|---:|---:|")
    for user, past in (("U0TEN", 10), ("U0THOUSAND", 1000)):
        with sf() as s:
            blocks = len(build_home(s, user, now).to_dict()["blocks"])
        count, ms, in_sql, statements = _timed(sf, build(user))
        out[past] = {"statements": count, "ms": round(ms, 1), "sql_ms": round(in_sql, 1), "sql": statements}
        print(f"| {past:,} | {count} | {ms:.1f} | {in_sql:.1f} | {blocks} |")
    small, large = out[10], out[1000]
    same = small["statements"] == large["statements"] and large["statements"] <= 10
    print(
        f"\nsame count and <= 10: {common.verdict(same)};"
        f" < 50 ms at 1,000: {common.verdict(large['ms'] < 50)}"
    )
    engine.dispose()
    return out


def digest_part(backend: str) -> dict[int, Any]:
    """The dispatcher's digest render (main message + scorecard replies) for 2 and for 10 interviews x 3."""
    engine = common.migrated_engine(backend)
    common.install_counter(engine)
    sf = make_session_factory(engine)
    now = datetime.now(UTC)
    content = seed.content(sf)
    out: dict[int, Any] = {}
    print(f"\n## Digest of a loop, 3 panelists per interview — {backend}")
    print("| interviews | scorecards | SQL statements | render median (ms) | of which in SQL (ms) |")
    print("|---:|---:|---:|---:|---:|")
    for count in (2, 10):
        [cl] = seed.candidate_loops(sf, content, 1)
        panels = [[f"UA{i:03d}", f"UB{i:03d}", f"UC{i:03d}"] for i in range(count)]
        starts = [now - timedelta(days=count - i) for i in range(count)]
        ids = seed.interviews(sf, content, [cl] * count, panels, starts)
        with sf() as s:
            pairs = list(
                s.execute(
                    select(PanelSeat.interview_id, PanelSeat.user_id).where(PanelSeat.interview_id.in_(ids))
                )
            )
        _feedback(sf, [(iid, who) for iid, who in pairs], now)
        seed.analyze(engine)
        with sf.begin() as s:
            row = Delivery(
                dedupe_key=f"digest.all_in:cl{cl}",
                kind=DeliveryKind.DIGEST,
                recipient="C0HIRING",
                candidate_loop_id=cl,
                payload={"v": 1, "reason": "all_in"},
                due_at=now,
                next_attempt_at=now,
                status="sending",
            )
            s.add(row)
            s.flush()
            row_id = row.id

        def run(s: Session, row_id: int = row_id) -> list[list[dict[str, Any]]]:
            rendered = render(s, s.get_one(Delivery, row_id), now)
            return [p.message.blocks_dicts() for p in rendered.parts]

        statements, ms, in_sql, sql = _timed(sf, run)
        out[count] = {"statements": statements, "ms": round(ms, 1), "sql_ms": round(in_sql, 1), "sql": sql}
        print(f"| {count} | {len(pairs)} | {statements} | {ms:.1f} | {in_sql:.1f} |")
    same = out[2]["statements"] == out[10]["statements"]
    print(f"\nconstant statement count: {common.verdict(same)}")
    if not same:
        print("statements at 10 interviews:")
        for line in out[10]["sql"]:
            print(f"    {line[:120]}")
    engine.dispose()
    return out
