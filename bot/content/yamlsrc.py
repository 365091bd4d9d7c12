"""YAML documents that remember where they came from, and problems reported as `file:line: path: message`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    NodeEvent,
)

from bot.content.schema import DUPLICATE
from bot.content.schema_parts import PERSON_PATTERN

# Hostile files are refused before they cost anything: content and schedule files are a few kB
# (the largest example is 9 kB, about 450 YAML nodes, nested 5 deep), so these leave ample room.
MAX_FILE_BYTES = 128 * 1024
MAX_NODES = 10_000  # per file; each node is an event of the parser, read one at a time
MAX_DEPTH = 16
NO_ALIASES = (
    "anchors and aliases (&name, *name, <<: *name) are not allowed in loopbot files: "
    "write the values out in full"
)

# Patterns are unreadable in an error message; say what they mean instead.
_PATTERN_HINTS = {
    r"^[a-z0-9][a-z0-9_-]*$": "use lower-case letters, digits, '-' and '_' (like 'resume-deep-dive')",
    r"^([UW][A-Z0-9]{2,31})?$": "should be a Slack user id like U0123ABCD",
    r"^([CG][A-Z0-9]{2,31})?$": "should be a Slack channel id like C0123ABCD",
    r"^[UW][A-Z0-9]{2,31}$": "should be a Slack user id like U0123ABCD",
    r"^[CG][A-Z0-9]{2,31}$": "should be a Slack channel id like C0123ABCD",
    PERSON_PATTERN: "should be a Slack member id like U0123ABCD or an email like rita@example.com",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or, as a warning, worth a look) at one line of one file."""

    file: str
    line: int
    path: str
    message: str
    warning: bool = False
    # The file (or the rest of it) could not be read: a root cause, listed before anything else.
    unread: bool = False
    # Errors held back because they may only follow from this one (they name an item the unread
    # file seems to define); reported as one line after it.
    follows: int = 0

    def __str__(self) -> str:
        prefix = "warning: " if self.warning else ""
        where = f"{self.file}:{self.line}" if self.line > 0 else self.file  # 0: about the file as a whole
        return f"{where}: {prefix}{self.path or '(document)'}: {self.message}"

    def lines(self) -> list[str]:
        """The problem, and the errors held back behind it in one line."""
        if not self.follows:
            return [str(self)]
        more = f"{self.follows} more error{'' if self.follows == 1 else 's'}"
        return [
            str(self),
            f"  {more} may follow from this one (they name items {self.file} defines): "
            "fix it first, then validate again",
        ]


@dataclass
class Document:
    """A top-level YAML document: the ruamel node (for line numbers) and its plain Python value."""

    file: str
    node: Any
    data: Any
    start: int = 1  # the line the document's content starts at (a scalar document has no line of its own)

    @property
    def line(self) -> int:
        return self.at()

    def at(self, *path: str | int) -> int:
        """The 1-based line of the deepest part of `path` that exists in this document."""
        if not isinstance(self.node, CommentedMap | CommentedSeq):
            return self.start
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


def _read_text(path: Path, name: str) -> tuple[str | None, Problem | None]:
    """The file's text, read no further than the size cap."""
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, Problem(name, 0, "file", f"cannot read: {exc.strerror or exc}")
    if len(raw) > MAX_FILE_BYTES:
        return None, Problem(
            name, 0, "file", f"larger than {MAX_FILE_BYTES // 1024} KiB: split it into several files"
        )
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, Problem(name, line, "file", "not UTF-8 text")


def _scan(text: str, name: str) -> tuple[list[int], Problem | None]:
    """Walk the parser's events once, before anything is built: refuse aliases, deep nesting and too
    many nodes at the line where they start. Returns each document's first line."""
    starts: list[int] = []
    depth = nodes = 0
    expect_start = False
    for event in YAML(typ="rt").parse(text):
        line = event.start_mark.line + 1
        if isinstance(event, DocumentStartEvent):
            expect_start = True
            continue
        if isinstance(event, AliasEvent) or (isinstance(event, NodeEvent) and event.anchor):
            return starts, Problem(name, line, "yaml", NO_ALIASES)
        if isinstance(event, NodeEvent):
            nodes += 1
            if expect_start:
                starts.append(line)
                expect_start = False
            if nodes > MAX_NODES:
                return starts, Problem(name, line, "yaml", f"more than {MAX_NODES} values: split the file")
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                return starts, Problem(name, line, "yaml", f"nested more than {MAX_DEPTH} levels deep")
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
    return starts, None


def read_documents(path: Path, display: str | None = None) -> tuple[list[Document], list[Problem]]:
    """Every non-empty document of a file; a syntax error ends the file and is reported at its line.

    Size, aliases, nesting and node count are checked first (`_scan`), so a hostile file costs at
    most one streaming pass over 128 KiB. Every problem returned is `unread`: the file, or the rest
    of it, was not read.
    """
    documents, problems = _read_documents(path, display or str(path))
    return documents, [replace(p, unread=True) for p in problems]


def _read_documents(path: Path, name: str) -> tuple[list[Document], list[Problem]]:
    text, unreadable = _read_text(path, name)
    if text is None:
        return [], [unreadable] if unreadable else []
    documents: list[Document] = []
    try:
        starts, refused = _scan(text, name)
        if refused is not None:
            return [], [refused]
        for n, node in enumerate(YAML(typ="rt").load_all(text)):
            if node is not None:
                start = starts[n] if n < len(starts) else 1
                documents.append(Document(name, node, to_plain(node), start))
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
