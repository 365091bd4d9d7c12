"""People in content files: by email or member id, looked up in the workspace when content is imported.

users.lookupByEmail answers `users_not_found` for an unknown email (scope users:read.email) and users.info
`user_not_found` for an unknown id (docs.slack.dev/reference/methods/users.lookupByEmail, users.info).
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.cli import main
from bot.standin import StandIn
from bot.standin.workspace import default_workspace
from models import Loop
from tests.support.content_files import copy_examples, edit

TOKEN = "xoxb-people-test"


def import_(engine: Engine, root: Path, api: str | None, *extra: str) -> Result:
    env = {"DATABASE_URL": engine.url.render_as_string(hide_password=False), "SLACK_BOT_TOKEN": ""}
    if api:
        env.update(SLACK_API_URL=api, SLACK_BOT_TOKEN=TOKEN)
    return CliRunner().invoke(main, ["content", "import", *extra, str(root)], env=env)


def people(engine: Engine, slug: str) -> tuple[str, str]:
    with Session(engine) as s:
        loop = s.scalars(select(Loop).where(Loop.slug == slug)).one()
        return loop.recruiter, loop.hiring_manager


def pools_standin() -> StandIn:
    """The stand-in, knowing the placeholder member ids the example pools name (any U… id is a member)."""
    return StandIn(default_workspace(auto_users=True), tokens=[TOKEN])


def with_people(tmp_path: Path, recruiter: str, manager: str) -> tuple[Path, int]:
    """The examples with every loop's people replaced; the line of the infra loop's recruiter."""
    root = copy_examples(tmp_path)
    line = 0
    for loop in root.glob("*/loop.yaml"):
        at = edit(loop, "recruiter: U0RECRUITER", f"recruiter: {recruiter}")
        edit(loop, "hiring_manager: U0HIRINGMGR", f"hiring_manager: {manager}")
        if loop.parent.name == "infrastructure-manager":
            line = at
    return root, line


def test_an_email_is_stored_as_the_member_id_slack_gives(fresh_engine: Engine, tmp_path: Path) -> None:
    root, _ = with_people(tmp_path, "rosa@example.com", "U0HMANAGE")
    with pools_standin() as slack:
        result = import_(fresh_engine, root, slack.url)
        looked_up = [c.args["email"] for c in slack.calls_to("users.lookupByEmail")]
    assert result.exit_code == 0, result.output
    assert people(fresh_engine, "infrastructure-manager") == ("U0RECRUIT", "U0HMANAGE")
    assert looked_up == ["rosa@example.com"]  # once, however many loops name her


def test_unknown_and_deactivated_people_are_errors_at_their_line(
    fresh_engine: Engine, tmp_path: Path
) -> None:
    root, line = with_people(tmp_path, "rita@nowhere.example", "U0GONEAWAY")
    with pools_standin() as slack:
        result = import_(fresh_engine, root, slack.url)
    assert result.exit_code == 1
    loop = root / "infrastructure-manager" / "loop.yaml"
    assert (
        f"{loop}:{line}: recruiter: no member of the workspace is 'rita@nowhere.example': check it "
        "(Slack does not find a deactivated account by email), or use their member id"
    ) in result.output
    assert "hiring_manager: Former Employee (U0GONEAWAY) is deactivated in Slack" in result.output
    assert "nothing imported" in result.output
    with Session(fresh_engine) as s:
        assert s.scalars(select(Loop)).all() == []


def test_the_examples_placeholder_people_can_seed_with_a_warning(
    fresh_engine: Engine, tmp_path: Path
) -> None:
    root = copy_examples(tmp_path)
    with StandIn(tokens=[TOKEN]) as slack:
        refused = import_(fresh_engine, root, slack.url)
        seeded = import_(fresh_engine, root, slack.url, "--placeholder-people")
    assert refused.exit_code == 1
    assert "recruiter: no member of the workspace is 'U0RECRUITER'" in refused.output
    assert seeded.exit_code == 0, seeded.output
    assert "warning: recruiter: no member of the workspace is 'U0RECRUITER'" in seeded.output
    assert people(fresh_engine, "infrastructure-manager") == ("U0RECRUITER", "U0HIRINGMGR")


def test_without_slack_an_email_cannot_be_imported(fresh_engine: Engine, tmp_path: Path) -> None:
    root, _ = with_people(tmp_path, "rosa@example.com", "U0HMANAGE")
    result = import_(fresh_engine, root, None)
    assert result.exit_code == 1
    assert "'rosa@example.com' is an email: set SLACK_BOT_TOKEN so loopbot can look it up" in result.output


def test_without_slack_member_ids_import_as_written(fresh_engine: Engine, tmp_path: Path) -> None:
    result = import_(fresh_engine, copy_examples(tmp_path), None)
    assert result.exit_code == 0, result.output
    assert people(fresh_engine, "software-engineer") == ("U0RECRUITER", "U0HIRINGMGR")
