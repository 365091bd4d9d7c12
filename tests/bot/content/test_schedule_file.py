"""`loopbot schedule FILE`: bad files get `file:line: field: message`, good ones are scheduled."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import Engine, func, select

from bot.cli import main
from bot.content.schedule_file import load_schedule
from models import Interview
from tests.support.content_files import EXAMPLES, edit

SCHEDULE = EXAMPLES.parent / "schedule.yaml"


def broken(tmp_path: Path) -> Path:
    target = tmp_path / "schedule.yaml"
    shutil.copy(SCHEDULE, target)
    return target


def still_ahead(tmp_path: Path) -> Path:
    """The example with its 2030 dates moved to a year still ahead (`loopbot schedule` refuses the past)."""
    year = max(2030, datetime.now(UTC).year + 1)
    target = tmp_path / "ahead.yaml"
    target.write_text(SCHEDULE.read_text().replace("start: 2030-", f"start: {year}-"))
    return target


def problems(path: Path) -> list[str]:
    return [str(p) for p in load_schedule(path)[2]]


def test_example_schedule_parses() -> None:
    request, _doc, found = load_schedule(SCHEDULE)
    assert found == []
    assert request is not None
    assert request.loop == "infrastructure-manager"
    assert request.interviews[1].panel[0].question_set is None  # "auto"


def test_field_errors_are_reported_at_their_lines(tmp_path: Path) -> None:
    path = broken(tmp_path)
    role = edit(path, "role: shadow", "role: observer")
    start = edit(path, "start: 2030-03-04T10:00:00+01:00", "start: 2030-03-04T10:00:00")
    typo = edit(path, "    duration_minutes: 30\n", "    duration_minute: 30\n")
    user = edit(path, "user: U0FRANK", "user: frank")
    assert problems(path) == [
        f"{path}:{start}: interviews.0.start: Input should have timezone info",
        f"{path}:{typo}: interviews.1.duration_minute: unknown field (a typo?)",
        f"{path}:{role}: interviews.1.panel.1.role: "
        "Input should be 'lead', 'interviewer', 'shadow' or 'reverse_shadow'",
        f"{path}:{user}: interviews.3.panel.1.user: 'frank': should be a Slack user id like U0123ABCD",
    ]


def test_missing_field_and_bad_indentation(tmp_path: Path) -> None:
    path = broken(tmp_path)
    edit(path, "candidate: Ada Lovelace\n", "")
    first = path.read_text().split("\n").index("loop: infrastructure-manager") + 1
    assert problems(path) == [f"{path}:{first}: candidate: Field required"]
    line = edit(
        path,
        "        role: lead\n        question_set: auto",
        "        role: lead\n         question_set: auto",
    )
    assert problems(path) == [f"{path}:{line + 1}: yaml: mapping values are not allowed here"]


def test_cli_schedules_and_maps_scheduling_errors_to_lines(fresh_engine: Engine, tmp_path: Path) -> None:
    env = {"DATABASE_URL": fresh_engine.url.render_as_string(hide_password=False)}
    runner = CliRunner()
    assert runner.invoke(main, ["content", "import", str(EXAMPLES)], env=env).exit_code == 0

    path = still_ahead(tmp_path)
    stage = edit(path, "stage: values", "stage: value")
    edit(path, "T16:00:00+01:00", "T15:15:00+01:00")
    alice = edit(path, "user: U0DAVE", "user: U0ALICE")
    bad = runner.invoke(main, ["schedule", str(path)], env=env)
    assert bad.exit_code == 1
    assert bad.output.splitlines()[:2] == [
        f"{path}:{stage}: interviews.3.stage: loop 'infrastructure-manager' has no stage 'value' "
        "(one of: recruiter-screen, hiring-manager-screen, resume-deep-dive, team-interviews, "
        "cross-functional, values, leadership, references)",
        f"{path}:{alice}: interviews.2.panel.1.user: U0ALICE is already on interviews.1 at that time",
    ]
    assert "nothing scheduled" in bad.output

    good = runner.invoke(main, ["schedule", str(still_ahead(tmp_path))], env=env)  # a fresh copy
    assert good.exit_code == 0, good.output
    assert "scheduled Ada Lovelace (infrastructure-manager)" in good.output
    assert "U0CAROL (lead, im-set-b), U0DAVE (interviewer, im-set-c)" in good.output
    with fresh_engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Interview)) == 4
