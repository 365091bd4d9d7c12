"""A candidate's loop described in a YAML file, read with the same `file:line: path: message` problems."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from bot.content.yamlsrc import Document, Problem, read_documents, validation_problems
from bot.scheduling.requests import ScheduleRequest


def load_schedule(path: Path) -> tuple[ScheduleRequest | None, Document | None, list[Problem]]:
    """The request in a schedule file (one YAML document), or the problems that stop it."""
    documents, problems = read_documents(path)
    if problems:
        return None, None, problems
    if len(documents) != 1:
        return None, None, [Problem(str(path), 1, "file", "a schedule file holds exactly one YAML document")]
    doc = documents[0]
    if not isinstance(doc.data, dict):
        return None, doc, [doc.problem((), "a schedule must be a mapping (candidate, loop, interviews)")]
    try:
        return ScheduleRequest.model_validate(doc.data), doc, []
    except ValidationError as exc:
        return None, doc, sorted(validation_problems(doc, exc), key=lambda p: p.line)


def locate(doc: Document, problems: list[tuple[str, str]]) -> list[Problem]:
    """Scheduling problems (field path, message) placed at their lines in the schedule file."""
    located = []
    for path, message in problems:
        parts = [int(p) if p.isdigit() else p for p in path.split(".") if p]
        located.append(doc.problem(parts, message))
    return located
