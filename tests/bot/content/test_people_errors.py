"""Slack's other answers about people: about one person at their line, about the token or app once.

Slack's method pages (docs.slack.dev/reference/methods/users.lookupByEmail, .../users.info):
- users.lookupByEmail answers `users_not_found` for an unknown email, and also for a deactivated account
  ("If the user has been deactivated, users_not_found will be returned instead of a user object").
- users.info answers `user_not_found` for an unknown id and `user_not_visible` when "the requested user is
  not visible to the calling user".
- Every method may answer `not_authed`, `invalid_auth`, `account_inactive` ("Authentication token is for a
  deleted user or workspace when using a bot token"), `token_revoked`, `missing_scope` (with the scope
  `needed`) and `ratelimited` (HTTP 429 with Retry-After): none of these is about the person asked.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.cli import main
from bot.content.bundle import Bundle
from bot.content.loader import load_content
from bot.content.people import RATE_LIMIT_RETRIES, resolve_people, slack_lookup
from bot.standin import StandIn
from bot.standin.server import DEFAULT_SCOPES
from bot.standin.workspace import default_workspace
from tests.bot.content.test_people import TOKEN, with_people
from tests.support.content_files import line_of


def resolved(root: Path, slack: StandIn, placeholders: bool = False) -> Bundle:
    bundle = load_content([root])
    client = WebClient(token=TOKEN, base_url=slack.url)
    resolve_people(bundle, slack_lookup(client), unknown_is_warning=placeholders)
    return bundle


def standin(**kwargs: object) -> StandIn:
    # Any U… id is a member, so the example pools' placeholder ids are found.
    return StandIn(default_workspace(auto_users=True), tokens=[TOKEN], **kwargs)  # type: ignore[arg-type]


def test_a_member_slack_hides_from_the_app_is_a_problem_at_their_line(tmp_path: Path) -> None:
    root, line = with_people(tmp_path, "rosa@example.com", "U0HMANAGE")
    with standin() as slack:
        # Rosa is the only email: the one users.lookupByEmail call is about her.
        slack.inject_error("users.lookupByEmail", "user_not_visible")
        bundle = resolved(root, slack)
    loop = root / "infrastructure-manager" / "loop.yaml"
    assert (
        f"{loop}:{line}: recruiter: 'rosa@example.com' is not visible to loopbot (user_not_visible: Slack "
        "hides members of other workspaces or organisations from the app): name a member of this workspace"
    ) in [str(p) for p in bundle.errors]
    # Every loop naming her says so, and nothing else is wrong.
    assert {p.path for p in bundle.errors} == {"recruiter"}
    assert len(bundle.errors) == len(list(root.glob("*/loop.yaml")))


def test_a_member_id_slack_hides_is_a_problem_too(tmp_path: Path) -> None:
    root, _ = with_people(tmp_path, "U0RECRUIT", "U0HMANAGE")
    with standin() as slack:
        slack.inject_error("users.info", "user_not_visible")  # the first id asked: the first recruiter
        bundle = resolved(root, slack)
    assert [p.path for p in bundle.errors] == ["recruiter"] * len(list(root.glob("*/loop.yaml")))
    assert all("'U0RECRUIT' is not visible to loopbot" in p.message for p in bundle.errors)


def test_a_deactivated_account_is_not_found_by_email(tmp_path: Path) -> None:
    root, line = with_people(tmp_path, "gone@example.com", "U0HMANAGE")
    with standin() as slack:
        bundle = resolved(root, slack)
    loop = root / "infrastructure-manager" / "loop.yaml"
    assert (
        f"{loop}:{line}: recruiter: no member of the workspace is 'gone@example.com': check it (Slack does "
        "not find a deactivated account by email), or use their member id"
    ) in [str(p) for p in bundle.errors]


def test_a_missing_scope_is_one_error_naming_the_scope(tmp_path: Path) -> None:
    root, _ = with_people(tmp_path, "rosa@example.com", "U0HMANAGE")
    with standin(scopes=DEFAULT_SCOPES - {"users:read.email"}) as slack:
        bundle = resolved(root, slack)
        asked = len(slack.calls_to("users.lookupByEmail")) + len(slack.calls_to("users.info"))
    first = root / "developer-advocate" / "loop.yaml"  # the first file read
    assert [str(p) for p in bundle.errors] == [
        f"{first}:{line_of(first, 'recruiter:')}: recruiter: the bot token lacks the scope users:read.email, "
        "which users.lookupByEmail needs: add it to the app (manifest.yml lists it), reinstall the app to "
        "the workspace, then run `loopbot doctor`"
    ]
    assert asked == 1  # nobody else is asked once Slack refused the lookup itself


def test_a_rate_limit_is_waited_out(tmp_path: Path) -> None:
    # users.lookupByEmail is Tier 3 (about 50 a minute): a file naming more people must not fail
    # at the 51st, so the lookup waits for Retry-After (slack_sdk's RateLimitErrorRetryHandler).
    root, _ = with_people(tmp_path, "rosa@example.com", "U0HMANAGE")
    with standin() as slack:
        slack.inject_rate_limit("users.lookupByEmail", n=2, retry_after=0)
        bundle = resolved(root, slack)
        asked = len(slack.calls_to("users.lookupByEmail"))
    assert bundle.errors == []
    assert asked == 3  # refused twice, then answered


def test_rate_limited_past_the_retries_is_one_error_saying_when_to_try_again(tmp_path: Path) -> None:
    root, _ = with_people(tmp_path, "rosa@example.com", "U0HMANAGE")
    with standin() as slack:
        slack.inject_rate_limit("users.lookupByEmail", n=RATE_LIMIT_RETRIES + 1, retry_after=0)
        bundle = resolved(root, slack)
    assert [p.message for p in bundle.errors] == [
        "Slack is rate limiting users.lookupByEmail (retry after 0 s): wait a minute, then try again"
    ]


def test_an_unexpected_answer_names_it_and_where_to_look(tmp_path: Path) -> None:
    root, _ = with_people(tmp_path, "U0RECRUIT", "U0HMANAGE")
    with standin() as slack:
        slack.inject_error("users.info", "fatal_error")
        bundle = resolved(root, slack)
    assert [p.message for p in bundle.errors] == [
        "Slack refused users.info (fatal_error): run `loopbot doctor`, or look the error up at "
        "https://docs.slack.dev/reference/methods/users.info"
    ]


def test_a_refused_token_is_one_error_even_with_placeholder_people(
    fresh_engine: Engine, tmp_path: Path
) -> None:
    root, _ = with_people(tmp_path, "U0RECRUIT", "U0HMANAGE")
    env = {
        "DATABASE_URL": fresh_engine.url.render_as_string(hide_password=False),
        "SLACK_BOT_TOKEN": "xoxb-revoked",
    }
    with standin() as slack:
        env["SLACK_API_URL"] = slack.url
        result = CliRunner().invoke(main, ["content", "import", "--placeholder-people", str(root)], env=env)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == 2, result.output
    assert lines[0].endswith(
        "recruiter: Slack refused the bot token (invalid_auth): set SLACK_BOT_TOKEN to the app's Bot User "
        "OAuth Token (OAuth & Permissions), then run `loopbot doctor`"
    )
    assert "warning" not in lines[0]
    assert lines[1] == "loopbot: 1 error(s); nothing imported"
