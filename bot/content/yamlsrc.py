"""YAML documents that remember where they came from, and problems reported as `file:line: path: message`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from bot.content.schema import DUPLICATE

# Patterns are unreadable in an error message; say what they mean instead.
_PATTERN_HINTS = {
    r"^[a-z0-9][a-z0-9_-]*$": "use lower-case letters, digits, '-' and '_' (like 'resume-deep-dive')",
    r"^([UW][A-Z0-9]{2,31})?$": "should be a Slack user id like U0123ABCD",
    r"^([CG][A-Z0-9]{2,31})?$": "should be a Slack channel id like C0123ABCD",
    r"^[UW][A-Z0-9]{2,31}$": "should be a Slack user id like U0123ABCD",
    r"^[CG][A-Z0-9]{2,31}$": "should be a Slack channel id like C0123ABCD",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or, as a warning, worth a look) at one line of one file."""

    file: str
    line: int
    path: str
    message: str
    warning: bool = False

    def __str__(self) -> str:
        prefix = "warning: " if self.warning else ""
        return f"{self.file}:{self.line}: {prefix}{self.path or '(document)'}: {self.message}"


@dataclass
class Document:
    """A top-level YAML document: the ruamel node (for line numbers) and its plain Python value."""

    file: str
    node: Any
    data: Any

    @property
    def line(self) -> int:
        return line_of(self.node, ())

    def at(self, *path: str | int) -> int:
        """The 1-based line of the deepest part of `path` that exists in this document."""
        return line_of(self.node, path)

    def problem(self, path: Sequence[str | int], message: str, warning: bool = False) -> Problem:
        return Problem(self.file, self.at(*path), dotted(path), message, warning)


def dotted(path: Sequence[str | int]) -> str:
    """`("interviews", 0, "panel")` as `interviews.0.panel`."""
    return ".".join(str(part) for part in path)


def line_of(node: Any, path: Sequence[str | int]) -> int:
    """Walk `path` into a ruamel node; the line of the deepest key or item found (1-based)."""
    line = node.lc.line if isinstance(node, CommentedMap | CommentedSeq) else 0
    current = node
    for part in path:
        if isinstance(current, CommentedMap) and part in current:
            line = current.lc.key(part)[0]
            current = current[part]
        elif isinstance(current, CommentedSeq) and isinstance(part, int) and 0 <= part < len(current):
            line = current.lc.item(part)[0]
            current = current[part]
        else:
            break
    return int(line) + 1


def to_plain(value: Any) -> Any:
    """ruamel's round-trip types as plain dicts, lists, str, int, float, bool and datetime."""
    if isinstance(value, dict):
        return {to_plain(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, datetime):
        return datetime.fromisoformat(value.isoformat())
    return value


def read_documents(path: Path, display: str | None = None) -> tuple[list[Document], list[Problem]]:
    """Every non-empty document of a file; a syntax error ends the file and is reported at its line."""
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [Problem(name, 1, "file", f"cannot read: {exc}")]
    documents: list[Document] = []
    try:
        for node in YAML(typ="rt").load_all(text):
            if node is not None:
                documents.append(Document(name, node, to_plain(node)))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        message = exc.problem or "invalid YAML"
        if exc.context:
            message = f"{message} ({exc.context})"
        return documents, [Problem(name, line, "yaml", message)]
    return documents, []


def validation_problems(
    doc: Document, exc: ValidationError, prefix: Sequence[str | int] = ()
) -> list[Problem]:
    """A pydantic error per problem, each at the line of the YAML node it is about."""
    problems = []
    for error in exc.errors():
        loc = [*prefix, *error["loc"]]
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "string_pattern_mismatch":
            pattern = str((error.get("ctx") or {}).get("pattern", ""))
            message = _PATTERN_HINTS.get(pattern, message)
            message = f"{error['input']!r}: {message}"
        elif error["type"] == "extra_forbidden":
            message = "unknown field (a typo?)"
        elif error["type"] == DUPLICATE:  # at the repeated item, not at the list
            ctx = error.get("ctx") or {}
            loc += [int(ctx["index"])] + ([str(ctx["field"])] if ctx.get("field") else [])
        problems.append(doc.problem(loc, message))
    return problems
