"""Root causes first: a file that could not be read hides what it defines, and every reference to
those items elsewhere fails too. Those follow-on errors are held back behind the one that causes them."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from bot.content.bundle import Bundle
from bot.content.schema import KINDS
from bot.content.yamlsrc import MAX_FILE_BYTES, Problem

# Top-level keys of a document, read line by line: a file with a syntax error cannot be parsed, but
# its `kind:` and `slug:` lines still say what it was meant to define.
_KEY = re.compile(r"^(kind|slug):[ \t]*(?P<value>[^#]*?)[ \t]*(#.*)?$")
_DOCUMENT_START = re.compile(r"^---(\s|$)")


def declared(path: Path) -> set[tuple[str, str]]:
    """The (kind, slug) pairs a file seems to define, from its text alone; a slug whose kind cannot be
    read could be of any kind."""
    try:
        with path.open("rb") as f:
            text = f.read(MAX_FILE_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return set()
    found: set[tuple[str, str]] = set()
    kind: str | None = None
    slugs: list[str] = []

    def close() -> None:
        for slug in slugs:
            found.update((k, slug) for k in ([kind] if kind in KINDS else list(KINDS)))

    for line in text.splitlines():
        if _DOCUMENT_START.match(line):
            close()
            kind, slugs = None, []
            continue
        match = _KEY.match(line)
        if match is None:
            continue
        value = match["value"].strip("'\"")
        if match[1] == "kind":
            kind = value
        elif value:
            slugs.append(value)
    close()
    return found


def hold_back(
    bundle: Bundle,
    unread: list[tuple[Problem, set[tuple[str, str]]]],
    check: Callable[[Bundle], list[Problem]],
) -> list[Problem]:
    """The cross-check problems (from `check`) that do not follow from an unread file.

    Each unread file's declared items are marked broken in turn (references to broken items are not
    reported); what that removes is counted on the file's problem, which `bundle.problems` holds.
    """
    shown = check(bundle)
    for cause, items in unread:
        bundle.broken |= items
        fewer = check(bundle)
        held = sum((Counter(shown) - Counter(fewer)).values())
        shown = fewer
        if held:
            at = bundle.problems.index(cause)
            bundle.problems[at] = replace(cause, follows=held)
    return shown
