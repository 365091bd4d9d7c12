"""Copies of the example content that tests can break on purpose."""

from __future__ import annotations

import shutil
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "content"


def copy_examples(tmp_path: Path) -> Path:
    """A private copy of examples/content."""
    target = tmp_path / "content"
    shutil.copytree(EXAMPLES, target)
    return target


def edit(path: Path, old: str, new: str, count: int = 1) -> int:
    """Replace `old` (which must occur) and return the 1-based line where the edit starts."""
    text = path.read_text(encoding="utf-8")
    index = text.index(old)
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return text.count("\n", 0, index) + 1


def line_of(path: Path, needle: str, after: str | None = None) -> int:
    """The 1-based line of the first `needle` (after the first `after`, when given)."""
    text = path.read_text(encoding="utf-8")
    start = text.index(after) if after else 0
    return text.count("\n", 0, text.index(needle, start)) + 1
