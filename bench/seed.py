"""Bulk rows for the benchmarks: a loop's content, candidate loops, interviews with snapshots, deliveries,
past scorecards."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Connection, Engine, Table, func, insert, select, text
from sqlalchemy.orm import Session, sessionmaker

from bot.delivery.plan_logic import delivery_key, iso
from models import (
    Base,
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


def _bulk(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows fast: COPY on PostgreSQL (psycopg), executemany elsewhere."""
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        conn.execute(insert(table), rows)
        return
    columns = list(rows[0])
    json_columns = {c.name for c in table.columns if isinstance(c.type, JSON)}
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([json.dumps(row[c]) if c in json_columns else row[c] for c in columns])


def _next_ids(conn: Connection, tables: list[Table]) -> dict[str, int]:
    return {
        t.name: int(conn.execute(select(func.coalesce(func.max(t.c.id), 0))).scalar_one()) + 1 for t in tables
    }


_PAST_FORM: dict[str, Any] = {
    "ratings": {cat["key"]: "yes" for cat in RUBRIC_SNAPSHOT["categories"]},
    "signals": [],
    "question_notes": {"q-build": "Good."},
    "recommendation": "yes",
    "summary": "Solid on fundamentals; clear about trade-offs; would hire for this team.",
    "private_note": "",
}
_PAST_TABLES = (
    "candidates",
    "candidate_loops",
    "interviews",
    "panel_seats",
    "feedback",
    "feedback_revisions",
)


def _past_loop(
    rows: dict[str, list[dict[str, Any]]],
    ids: dict[str, int],
    c: Content,
    k: int,
    ended: datetime,
    recruiters: int,
) -> int:
    """The candidate and candidate loop k of the past scorecards; returns the loop's id."""
    cand_id, loop_id = ids["candidates"] + k, ids["candidate_loops"] + k
    rows["candidates"].append(
        {"id": cand_id, "name": f"Past candidate {k}", "email": "", "created_at": ended}
    )
    rows["candidate_loops"].append(
        {
            "id": loop_id,
            "candidate_id": cand_id,
            "loop_id": c.loop_id,
            "hiring_channel": "C0HIRING",
            "recruiter": f"U0REC{k % recruiters:04d}",
            "hiring_manager": f"U0HMG{k % recruiters:04d}",
            "rubric": RUBRIC_SNAPSHOT,
            "digest_channel": "C0HIRING",
            "digest_ts": f"{ended.timestamp() + 86400:.6f}",
            "created_at": ended - timedelta(days=7),
        }
    )
    return loop_id


def _past_interview(
    rows: dict[str, list[dict[str, Any]]],
    ids: dict[str, int],
    c: Content,
    i: int,
    loop_id: int,
    starts: datetime,
    panel: list[tuple[int, str]],
) -> None:
    """Interview i of the past scorecards, its seats (number, user) and their submitted scorecards."""
    iid = ids["interviews"] + i
    rows["interviews"].append(
        {"id": iid, "candidate_loop_id": loop_id, "stage_key": "team", "interview_type_id": c.type_id,
         "starts_at": starts, "ends_at": starts + timedelta(hours=1), "status": "scheduled",
         "recording_consent": False, "guidance": GUIDANCE, "created_at": starts - timedelta(days=7)}
    )  # fmt: skip
    at = starts + timedelta(hours=3)
    for pos, (s, user) in enumerate(panel):
        rows["panel_seats"].append(
            {"id": ids["panel_seats"] + s, "interview_id": iid, "user_id": user,
             "role": "lead" if pos == 0 else "interviewer", "position": pos, "kit": kit()}
        )  # fmt: skip
        rows["feedback"].append(
            {"id": ids["feedback"] + s, "interview_id": iid, "interviewer": user, "status": "submitted",
             **_PAST_FORM, "version": 1, "submitted_at": at, "created_at": at, "updated_at": at}
        )  # fmt: skip
        rows["feedback_revisions"].append(
            {"id": ids["feedback_revisions"] + s, "feedback_id": ids["feedback"] + s, "version": 1,
             "data": {**_PAST_FORM, "at": iso(at)}, "created_at": at}
        )  # fmt: skip


def past_scorecards(
    engine: Engine,
    c: Content,
    n: int,
    interviewers: list[str],
    now: datetime,
    recruiters: int = 50,
    per_loop: int = 4,
) -> int:
    """n submitted scorecards from the past year: loops of `per_loop` interviews, two panelists each.

    Panelists are drawn in turn from `interviewers` (so each has about n / len(interviewers) past
    scorecards), recruiters and hiring managers from the same `recruiters` as `candidate_loops`;
    every loop's digest was posted. Each scorecard has its one revision. Rows are written with COPY
    on PostgreSQL and executemany on SQLite, with explicit ids (sequences moved past them after),
    then vacuumed and analysed, so that autovacuum does not start on them during the benchmark.
    Returns the number of scorecards written.
    """
    tables = {name: Base.metadata.tables[name] for name in _PAST_TABLES}
    n_interviews = (n + 1) // 2
    n_loops = (n_interviews + per_loop - 1) // per_loop
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in _PAST_TABLES}
    with engine.begin() as conn:
        ids = _next_ids(conn, list(tables.values()))
        for k in range(n_loops):
            ended = now - timedelta(days=1 + k * 365 / n_loops, hours=1)
            loop_id = _past_loop(rows, ids, c, k, ended, recruiters)
            for i in range(k * per_loop, min(n_interviews, (k + 1) * per_loop)):
                panel = [(s, interviewers[s % len(interviewers)]) for s in (2 * i, 2 * i + 1) if s < n]
                starts = ended - timedelta(days=(k + 1) * per_loop - i)
                _past_interview(rows, ids, c, i, loop_id, starts, panel)
        for name, table in tables.items():
            _bulk(conn, table, rows[name])
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))"
                )
    if engine.dialect.name == "postgresql":  # settled, as autovacuum would leave a live database
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(f"VACUUM (ANALYZE) {', '.join(_PAST_TABLES)}")
    else:
        analyze(engine)
    return len(rows["feedback"])
