"""`loopbot interviewers`: the roster table, and admin overrides recorded with who and why.

People by email are looked up with users.lookupByEmail, which answers `users_not_found` for an unknown
address (docs.slack.dev/reference/methods/users.lookupByEmail).
"""

from __future__ import annotations

from click.testing import CliRunner, Result
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.cli import main
from bot.standin import StandIn
from models import Qualification, QualificationEvent
from tests.bot.interviewers.table_data import pairing_world

TOKEN = "xoxb-interviewers-test"


def cli(engine: Engine, *args: str, api: str | None = None) -> Result:
    env = {
        "DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "SLACK_BOT_TOKEN": TOKEN if api else "",
        "LOGNAME": "rita",  # getpass.getuser() reads it first: the `by` of an override
    }
    if api:
        env["SLACK_API_URL"] = api
    return CliRunner().invoke(main, ["interviewers", *args], env=env)


def seed(engine: Engine) -> None:
    with Session(engine) as s:
        pairing_world(s)
        s.commit()


def last_line(result: Result) -> str:
    return result.output.strip().splitlines()[-1]


def qualification(engine: Engine, user: str) -> tuple[str, str, list[tuple[str, str, str]]]:
    with Session(engine) as s:
        q = s.scalars(select(Qualification).where(Qualification.user_id == user)).one()
        events = s.execute(
            select(QualificationEvent.action, QualificationEvent.by, QualificationEvent.reason).where(
                QualificationEvent.user_id == user
            )
        ).all()
        return q.state, q.source, [(a, b, r) for a, b, r in events]


def test_without_pools_it_says_how_to_add_one(fresh_engine: Engine) -> None:
    result = cli(fresh_engine)
    assert result.exit_code == 0, result.output
    assert result.output == (
        "No interviewer pools yet: add a `kind: interviewer_pool` file (see examples/content/README.md) "
        "and run loopbot content import\n"
    )


def test_the_table_lists_each_person_and_type_plainly_when_piped(fresh_engine: Engine) -> None:
    seed(fresh_engine)
    result = cli(fresh_engine)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split("  ")[0] == "person"
    assert "load this week" in lines[0]
    [tia] = [line for line in lines if line.startswith("U0TIA") and "pairing" in line]
    assert "trainee" in tia
    assert "shadow 1/2, reverse 1/1" in tia
    assert "3 of 4 (75%)" in tia
    assert "\x1b[" not in result.output  # no terminal styling in a pipe
    assert lines[-1].startswith("load: interviews in the week of ")
    only = cli(fresh_engine, "--type", "arch-review", "--pool", "platform")
    assert [line.split()[0] for line in only.output.splitlines()[1:-1]] == ["U0LEE", "U0TIA"]


def test_an_unknown_type_or_pool_is_one_line_with_the_choices(fresh_engine: Engine) -> None:
    seed(fresh_engine)
    result = cli(fresh_engine, "--type", "pairng")
    assert result.exit_code == 1
    assert last_line(result) == (
        "loopbot: unknown interview type 'pairng' (did you mean 'pairing'?); "
        "choose from: arch-review, pairing"
    )
    assert last_line(cli(fresh_engine, "--pool", "x")) == (
        "loopbot: unknown pool 'x'; choose from: backend, platform"
    )
    wrong = cli(fresh_engine, "qualify", "U0TIA", "paring", "--reason", "r")
    assert last_line(wrong).startswith("loopbot: unknown interview type 'paring' (did you mean 'pairing'?)")


def test_qualify_and_unqualify_are_overrides_recorded_with_who_and_why(fresh_engine: Engine) -> None:
    seed(fresh_engine)
    result = cli(fresh_engine, "qualify", "U0TIA", "pairing", "--reason", "Led ten of these at her last job")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "U0TIA is now qualified for Pairing exercise (was trainee); recorded as an override by cli:rita\n"
    )
    assert qualification(fresh_engine, "U0TIA") == (
        "qualified",
        "override",
        [("override:qualified", "cli:rita", "Led ten of these at her last job")],
    )
    table = cli(fresh_engine, "--type", "pairing").output
    assert any(line.startswith("U0TIA") and "qualified (override)" in line for line in table.splitlines())
    again = cli(fresh_engine, "unqualify", "U0TIA", "pairing", "--reason", "Needs a reverse shadow first")
    assert again.exit_code == 0, again.output
    state, source, events = qualification(fresh_engine, "U0TIA")
    assert (state, source, len(events)) == ("trainee", "override", 2)


def test_a_reason_is_required(fresh_engine: Engine) -> None:
    seed(fresh_engine)
    missing = cli(fresh_engine, "qualify", "U0TIA", "pairing")
    assert missing.exit_code == 2
    assert last_line(missing) == "loopbot: Missing option '--reason'."
    blank = cli(fresh_engine, "qualify", "U0TIA", "pairing", "--reason", "  ")
    assert last_line(blank) == "loopbot: --reason is empty: say why, it is recorded with the change"
    assert qualification(fresh_engine, "U0TIA")[0] == "trainee"


def test_the_table_filters_are_refused_before_an_override_instead_of_ignored(fresh_engine: Engine) -> None:
    seed(fresh_engine)
    result = cli(fresh_engine, "--pool", "backend", "qualify", "U0TIA", "pairing", "--reason", "Led ten")
    assert result.exit_code == 1
    assert last_line(result) == (
        "loopbot: --pool only filters the table; `qualify` changes USER for TYPE in every pool: nothing "
        "changed. Run `loopbot interviewers qualify USER TYPE --reason ...` without them."
    )
    assert qualification(fresh_engine, "U0TIA")[0] == "trainee"
    both = cli(
        fresh_engine,
        "--pool",
        "backend",
        "--type",
        "pairing",
        "unqualify",
        "U0TIA",
        "pairing",
        "--reason",
        "x",
    )
    assert last_line(both).startswith("loopbot: --pool and --type only filter the table; `unqualify`")


def test_an_email_needs_slack_and_is_looked_up_there(fresh_engine: Engine) -> None:
    seed(fresh_engine)
    offline = cli(fresh_engine, "qualify", "lena@example.com", "pairing", "--reason", "r")
    assert offline.exit_code == 1
    assert last_line(offline) == (
        "loopbot: 'lena@example.com' is an email: set SLACK_BOT_TOKEN so loopbot can look it up, "
        "or use a member id"
    )
    with StandIn(tokens=[TOKEN]) as slack:
        found = cli(fresh_engine, "qualify", "lena@example.com", "pairing", "--reason", "r", api=slack.url)
        nobody = cli(fresh_engine, "qualify", "x@nowhere.example", "pairing", "--reason", "r", api=slack.url)
    assert found.exit_code == 0, found.output
    assert found.output.startswith("U0ENGLEAD is now qualified for Pairing exercise (had no state before)")
    assert last_line(nobody).startswith("loopbot: no member of the workspace is 'x@nowhere.example'")
