"""Gather every check: the token first (nothing else can be asked of Slack without it), then the rest."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from ruamel.yaml import YAML
from slack_sdk import WebClient
from sqlalchemy import Engine, select

from bot.db import make_session_factory
from bot.doctor import checks
from bot.doctor.checks import Check
from bot.server import schema_problem
from models import Loop

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"


def manifest_scopes(path: Path = MANIFEST) -> set[str]:
    """The bot scopes manifest.yml asks for."""
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return set(data["oauth_config"]["scopes"]["bot"])


def _loops(engine: Engine) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Hiring channels and people of every loop: {channel: loop slugs}, {user: roles}."""
    channels: dict[str, set[str]] = defaultdict(set)
    people: dict[str, set[str]] = defaultdict(set)
    with make_session_factory(engine)() as s:
        for loop in s.scalars(select(Loop).order_by(Loop.slug)):
            if loop.hiring_channel:
                channels[loop.hiring_channel].add(loop.slug)
            for role, user in (("recruiter", loop.recruiter), ("hiring manager", loop.hiring_manager)):
                if user:
                    people[user].add(f"{role} of {loop.slug}")
    return channels, people


def run(client: WebClient, bot_token: str, engine: Engine) -> list[Check]:
    """Every check, in the order a newcomer fixes them."""
    problem = schema_problem(engine)
    schema = Check("database", problem is None, "the schema is at the latest revision" if problem is None
                   else problem.removeprefix("loopbot: "), "run `loopbot db upgrade`")  # fmt: skip
    found, auth = checks.token(client, bot_token)
    report = [schema, found]
    if auth is None:
        return report
    granted = {s.strip() for s in str(auth.headers.get("x-oauth-scopes", "")).split(",") if s.strip()}
    report.append(checks.scopes(granted, manifest_scopes()))
    report.append(checks.clock(auth.headers, datetime.now(UTC)))
    if problem is None:
        channels, people = _loops(engine)
        if not channels and not people:
            report.append(
                Check("loops", False, "no loops yet", "import your content: `loopbot content import DIR`")
            )
        report += [checks.channel(client, c, loops) for c, loops in sorted(channels.items())]
        report += [checks.person(client, u, roles) for u, roles in sorted(people.items())]
    return report
