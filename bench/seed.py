"""Bulk rows for the benchmarks: a loop's content, candidate loops, interviews with snapshots, deliveries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert, select, text
from sqlalchemy.orm import Session, sessionmaker

from bot.delivery.plan_logic import delivery_key, iso
from models import (
    Candidate,
    CandidateLoop,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Interview,
    InterviewType,
    Loop,
    PanelSeat,
    Rubric,
    RubricCategory,
)
from tests.support.factories import GUIDANCE, RUBRIC_SNAPSHOT, SCALE, kit

# How SQLAlchemy's SQLite DateTime stores values (compared as strings, so the format must match).
SQLITE_TS = "%Y-%m-%d %H:%M:%S.%f"


@dataclass(frozen=True)
class Content:
    loop_id: int
    type_id: int


def content(sf: sessionmaker[Session]) -> Content:
    """One rubric, loop and interview type (what the frozen snapshots were taken from)."""
    with sf.begin() as s:
        r = Rubric(slug="bench", name="Engineering", description="", scale=SCALE)
        r.categories = [
            RubricCategory(key=c["key"], position=n, name=c["name"], attributes=[])
            for n, c in enumerate(RUBRIC_SNAPSHOT["categories"])
        ]
        loop = Loop(slug="bench-loop", name="Software engineer", role="Software Engineer", rubric=r)
        itype = InterviewType(slug="bench-arch", name="Architecture", duration_minutes=60, panel=[])
        s.add_all([loop, itype])
        s.flush()
        return Content(loop.id, itype.id)


def candidate_loops(
    sf: sessionmaker[Session], c: Content, n: int, channel: str = "C0HIRING", recruiters: int = 0
) -> list[int]:
    """n candidates, each in a candidate loop of the bench loop; returns the candidate loop ids.

    With `recruiters`, loops are spread over that many recruiters and as many hiring managers;
    otherwise U0RECRUIT and U0HMANAGE run them all.
    """
    with sf.begin() as s:
        cand_ids = s.scalars(
            insert(Candidate).returning(Candidate.id, sort_by_parameter_order=True),
            [{"name": f"Candidate {i}"} for i in range(n)],
        ).all()
        rows = [
            {
                "candidate_id": cid,
                "loop_id": c.loop_id,
                "hiring_channel": channel,
                "recruiter": f"U0REC{n % recruiters:04d}" if recruiters else "U0RECRUIT",
                "hiring_manager": f"U0HMG{n % recruiters:04d}" if recruiters else "U0HMANAGE",
                "rubric": RUBRIC_SNAPSHOT,
            }
            for n, cid in enumerate(cand_ids)
        ]
        return list(
            s.scalars(insert(CandidateLoop).returning(CandidateLoop.id, sort_by_parameter_order=True), rows)
        )


def interviews(
    sf: sessionmaker[Session],
    c: Content,
    loop_ids: list[int],
    panels: list[list[str]],
    starts: list[datetime],
) -> list[int]:
    """One interview per (loop id, panel, start); panel[0] leads. Returns the interview ids."""
    kit_snapshot = kit()
    with sf.begin() as s:
        ids = list(
            s.scalars(
                insert(Interview).returning(Interview.id, sort_by_parameter_order=True),
                [
                    {
                        "candidate_loop_id": cl,
                        "stage_key": "team",
                        "interview_type_id": c.type_id,
                        "starts_at": start,
                        "ends_at": start + timedelta(hours=1),
                        "status": "scheduled",
                        "guidance": GUIDANCE,
                    }
                    for cl, start in zip(loop_ids, starts, strict=True)
                ],
            )
        )
        seats = [
            {
                "interview_id": iid,
                "user_id": user,
                "role": "lead" if pos == 0 else "interviewer",
                "position": pos,
                "kit": kit_snapshot,
            }
            for iid, panel in zip(ids, panels, strict=True)
            for pos, user in enumerate(panel)
        ]
        s.execute(insert(PanelSeat), seats)
    return ids


def feedback_requests(
    sf: sessionmaker[Session],
    interview_ids: list[int],
    due: datetime,
    kind: str = DeliveryKind.FEEDBACK_REQUEST,
) -> list[int]:
    """A `kind` delivery per seat of each interview, due at `due`, keyed like the planner does."""
    with sf() as s:
        rows = s.execute(
            select(Interview.id, Interview.candidate_loop_id, Interview.starts_at, PanelSeat.user_id)
            .join(PanelSeat, PanelSeat.interview_id == Interview.id)
            .where(Interview.id.in_(interview_ids))
            .order_by(Interview.id, PanelSeat.position)
        ).all()
    values: list[dict[str, Any]] = [
        {
            "dedupe_key": delivery_key(kind, iid, user, start),
            "kind": kind,
            "recipient": user,
            "candidate_loop_id": cl,
            "interview_id": iid,
            "payload": {"v": 1, "start": iso(start)},
            "due_at": due,
            "next_attempt_at": due,
            "status": DeliveryStatus.PENDING,
            "attempts": 0,
        }
        for iid, cl, start, user in rows
    ]
    with sf.begin() as s:
        return list(s.scalars(insert(Delivery).returning(Delivery.id, sort_by_parameter_order=True), values))


def filler(engine: Engine, n: int, now: datetime, first: int = 1) -> None:
    """n outbox rows (numbered from `first`), not due: 90% sent in the past, 9% pending later, 1% cancelled.

    PostgreSQL: one INSERT ... SELECT generate_series; SQLite: executemany in chunks.
    """
    if n <= 0:
        return
    if engine.dialect.name == "postgresql":
        sql = text(
            """
            INSERT INTO deliveries (dedupe_key, kind, recipient, payload, due_at, next_attempt_at,
                                    status, attempts, sent_at, created_at)
            SELECT 'filler:' || g, 'notice', 'U' || lpad((g % 5000)::text, 8, '0'), '{"v": 1, "text": "x"}',
                   t, t,
                   CASE WHEN g % 100 < 90 THEN 'sent' WHEN g % 100 < 99 THEN 'pending' ELSE 'cancelled' END,
                   CASE WHEN g % 100 < 90 THEN 1 ELSE 0 END,
                   CASE WHEN g % 100 < 90 THEN t END,
                   :now
            FROM (SELECT g, CASE WHEN g % 100 BETWEEN 90 AND 98
                                 THEN CAST(:now AS timestamptz) + (g % 1000 + 1) * interval '1 hour'
                                 ELSE CAST(:now AS timestamptz) - (g % 10000 + 1) * interval '1 minute'
                            END AS t
                  FROM generate_series(:first, :first + :n - 1) AS g) AS src
            """
        )
        with engine.begin() as conn:
            conn.execute(sql, {"n": n, "now": now, "first": first})
            conn.exec_driver_sql("ANALYZE deliveries")
        return
    naive = now.replace(tzinfo=None)
    chunk: list[tuple[Any, ...]] = []
    sql_lite = (
        "INSERT INTO deliveries (dedupe_key, kind, recipient, payload, due_at, next_attempt_at, status,"
        " attempts, sent_at, created_at)"
        ' VALUES (?, \'notice\', ?, \'{"v": 1, "text": "x"}\', ?, ?, ?, ?, ?, ?)'
    )
    with engine.begin() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        for g in range(first, first + n):
            bucket = g % 100
            if 90 <= bucket <= 98:
                t, status, attempts, sent = naive + timedelta(hours=g % 1000 + 1), "pending", 0, None
            else:
                t = naive - timedelta(minutes=g % 10000 + 1)
                status = "sent" if bucket < 90 else "cancelled"
                attempts, sent = (1, t) if bucket < 90 else (0, None)
            ts = t.strftime(SQLITE_TS)
            chunk.append(
                (
                    f"filler:{g}",
                    f"U{g % 5000:08d}",
                    ts,
                    ts,
                    status,
                    attempts,
                    sent.strftime(SQLITE_TS) if sent else None,
                    naive.strftime(SQLITE_TS),
                )
            )
            if len(chunk) == 50_000:
                raw.executemany(sql_lite, chunk)
                chunk.clear()
        if chunk:
            raw.executemany(sql_lite, chunk)
        conn.exec_driver_sql("ANALYZE")


def analyze(engine: Engine) -> None:
    """Fresh statistics after a bulk load, as autovacuum would gather them on a live database."""
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
