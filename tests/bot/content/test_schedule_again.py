"""`loopbot schedule FILE` twice: refused with the differences; `--update` applies moves and reassignments."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner, Result
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.cli import main
from models import CandidateLoop, Delivery, DeliveryKind, DeliveryStatus, Interview
from tests.bot.content.test_schedule_file import still_ahead
from tests.support.content_files import EXAMPLES, edit


def _env(engine: Engine) -> dict[str, str]:
    return {"DATABASE_URL": engine.url.render_as_string(hide_password=False)}


def _run(engine: Engine, *args: str) -> Result:
    return CliRunner().invoke(main, list(args), env=_env(engine))


def _counts(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        loops = conn.scalar(select(func.count()).select_from(CandidateLoop))
        deliveries = conn.scalar(select(func.count()).select_from(Delivery))
    return int(loops or 0), int(deliveries or 0)


def _scheduled(engine: Engine, tmp_path: Path) -> Path:
    assert _run(engine, "content", "import", str(EXAMPLES)).exit_code == 0
    path = still_ahead(tmp_path)
    first = _run(engine, "schedule", str(path))
    assert first.exit_code == 0, first.output
    return path


def test_same_file_twice_is_refused_and_books_nothing(fresh_engine: Engine, tmp_path: Path) -> None:
    path = _scheduled(fresh_engine, tmp_path)
    before = _counts(fresh_engine)
    assert before[0] == 1

    again = _run(fresh_engine, "schedule", str(path))
    assert again.exit_code == 0, again.output
    assert "Ada Lovelace is already scheduled on this loop (candidate loop" in again.output
    assert "nothing would change" in again.output
    assert _counts(fresh_engine) == before

    # Same person, differently spaced and cased, one interview moved: refused, the change listed.
    edit(path, "candidate: Ada Lovelace", "candidate: '  ada   LOVELACE '")
    edit(path, "T16:00:00+01:00", "T17:00:00+01:00")
    moved = _run(fresh_engine, "schedule", str(path))
    assert moved.exit_code == 1
    lines = moved.output.splitlines()
    assert any(line.startswith("  team-interviews: moves from ") for line in lines), moved.output
    assert "already scheduled; run with --update to apply the 1 changes above" in moved.output
    assert _counts(fresh_engine) == before


def test_update_moves_and_reassigns(fresh_engine: Engine, tmp_path: Path) -> None:
    path = _scheduled(fresh_engine, tmp_path)
    edit(path, "T16:00:00+01:00", "T17:00:00+01:00")  # the second team interview, an hour later
    edit(path, "user: U0DAVE", "user: U0GRACE")
    result = _run(fresh_engine, "schedule", str(path), "--update")
    assert result.exit_code == 0, result.output
    assert "2 change(s) applied" in result.output
    assert "team-interviews: interviewer U0DAVE -> U0GRACE" in result.output

    with Session(fresh_engine) as s:
        [cl] = s.scalars(select(CandidateLoop))
        team2 = cl.interviews[2]
        assert team2.ends_at - team2.starts_at == timedelta(minutes=30)  # the length is kept
        assert team2.starts_at.hour == 16  # 17:00+01:00
        assert [seat.user_id for seat in team2.panel] == ["U0CAROL", "U0GRACE"]
        pending = {
            (d.kind, d.recipient, d.due_at)
            for d in s.scalars(
                select(Delivery).where(
                    Delivery.interview_id == team2.id, Delivery.status == DeliveryStatus.PENDING
                )
            )
        }
        preps = {(who, at) for kind, who, at in pending if kind == DeliveryKind.PREP}
        assert {who for who, _at in preps} == {"U0CAROL", "U0GRACE"}
        assert all(at == team2.starts_at - timedelta(hours=24) for _who, at in preps)  # re-planned
        assert {kind for kind, who, _at in pending if who == "U0DAVE"} == {
            DeliveryKind.NOTICE
        }  # told, no prep
    assert _counts(fresh_engine)[0] == 1
    assert "nothing would change" in _run(fresh_engine, "schedule", str(path)).output


def test_update_refuses_changes_it_cannot_apply(fresh_engine: Engine, tmp_path: Path) -> None:
    path = _scheduled(fresh_engine, tmp_path)
    with Session(fresh_engine) as s:
        before = [
            (i.starts_at, [p.user_id for p in i.panel])
            for i in s.scalars(select(Interview).order_by(Interview.id))
        ]
    edit(path, "T16:00:00+01:00", "T17:00:00+01:00")  # applicable
    edit(path, "    duration_minutes: 30\n", "    duration_minutes: 50\n")  # a length change is not
    deliveries = _counts(fresh_engine)
    result = _run(fresh_engine, "schedule", str(path), "--update")
    assert result.exit_code == 1
    assert "team-interviews: 30 -> 50 minutes" in result.output
    assert "/loop status" in result.output
    assert "nothing updated" in result.output
    with Session(fresh_engine) as s:
        after = [
            (i.starts_at, [p.user_id for p in i.panel])
            for i in s.scalars(select(Interview).order_by(Interview.id))
        ]
    assert after == before
    assert _counts(fresh_engine) == deliveries


def test_another_candidate_on_the_same_panelist_at_the_same_time(
    fresh_engine: Engine, tmp_path: Path
) -> None:
    path = _scheduled(fresh_engine, tmp_path)
    edit(path, "candidate: Ada Lovelace", "candidate: Grace Hopper")
    # Everyone but U0ALICE is someone else: her team interview is the only clash.
    for user in ("U0HIRINGMGR", "U0BOB", "U0CAROL", "U0DAVE", "U0ERIN", "U0FRANK"):
        edit(path, f"user: {user}", f"user: {user}X")
    result = _run(fresh_engine, "schedule", str(path))
    assert result.exit_code == 1
    alice_line = path.read_text().split("\n").index("      - user: U0ALICE") + 1
    assert (
        f"{path}:{alice_line}: interviews.1.panel.0.user: U0ALICE is already on Ada Lovelace's "
        "team-interviews interview at " in result.output
    ), result.output
    assert "1 error(s); nothing scheduled" in result.output
    assert _counts(fresh_engine)[0] == 1
