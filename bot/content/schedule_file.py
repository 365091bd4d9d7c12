"""A candidate's loop described in a YAML file, read with the same `file:line: path: message` problems.

People (recruiter, hiring manager, each panelist) are named by Slack member id or by email; emails are
looked up in the workspace (users.lookupByEmail) before the file is checked, and with Slack configured
member ids are checked too, so an unknown person is an error at their line.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.content.people import Found, Lookup, is_email, offline
from bot.content.yamlsrc import Document, Problem, read_documents, validation_problems
from bot.scheduling.requests import ScheduleRequest

_MEMBER_ID = re.compile(r"^[UW][A-Z0-9]{2,31}$")


def _people(data: dict[str, Any]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(path, value) of every person the file names; values of the wrong shape are pydantic's."""
    for key in ("recruiter", "hiring_manager"):
        if isinstance(data.get(key), str):
            yield (key,), data[key]
    interviews = data.get("interviews")
    for n, interview in enumerate(interviews if isinstance(interviews, list) else []):
        panel = interview.get("panel") if isinstance(interview, dict) else None
        for m, seat in enumerate(panel if isinstance(panel, list) else []):
            if isinstance(seat, dict) and isinstance(seat.get("user"), str):
                yield ("interviews", n, "panel", m, "user"), seat["user"]


def _set(data: dict[str, Any], path: tuple[str | int, ...], value: str) -> None:
    target: Any = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


def resolve_people(doc: Document, data: dict[str, Any], lookup: Lookup) -> list[Problem]:
    """Replace emails in `data` by member ids; a person who cannot be found is a problem at their line."""
    problems = []
    cache: dict[str, Found] = {}
    for path, who in list(_people(data)):
        who = who.strip()
        if not (is_email(who) or _MEMBER_ID.match(who)):
            continue  # the schema says what is wrong with it
        if who not in cache:
            cache[who] = lookup(who)
        found = cache[who]
        if found.problem:
            problems.append(doc.problem(path, found.problem))
        elif found.user_id != who:
            _set(data, path, found.user_id)
    return problems


def load_schedule(
    path: Path, lookup: Lookup = offline
) -> tuple[ScheduleRequest | None, Document | None, list[Problem]]:
    """The request in a schedule file (one YAML document), or the problems that stop it.

    `lookup` finds the people it names (bot/content/people.py): `offline` lets member ids pass and
    refuses emails, saying to set SLACK_BOT_TOKEN."""
    documents, problems = read_documents(path)
    if problems:
        return None, None, problems
    if len(documents) != 1:
        return None, None, [Problem(str(path), 1, "file", "a schedule file holds exactly one YAML document")]
    doc = documents[0]
    if not isinstance(doc.data, dict):
        return None, doc, [doc.problem((), "a schedule must be a mapping (candidate, loop, interviews)")]
    data = copy.deepcopy(doc.data)
    unknown = resolve_people(doc, data, lookup)
    try:
        request = ScheduleRequest.model_validate(data)
    except ValidationError as exc:
        said = {p.path for p in unknown}  # an unresolved email is not also "not a member id"
        schema = [p for p in validation_problems(doc, exc) if p.path not in said]
        return None, doc, sorted([*unknown, *schema], key=lambda p: p.line)
    return (None if unknown else request), doc, unknown


def locate(doc: Document, problems: list[tuple[str, str]]) -> list[Problem]:
    """Scheduling problems (field path, message) placed at their lines in the schedule file."""
    located = []
    for path, message in problems:
        parts = [int(p) if p.isdigit() else p for p in path.split(".") if p]
        located.append(doc.problem(parts, message))
    return located
