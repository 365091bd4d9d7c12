"""Read content files into a bundle of validated items, with every problem located at its line."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ValidationError

from bot.content.bundle import Bundle, Item
from bot.content.checks import check_bundle
from bot.content.root_causes import declared, hold_back
from bot.content.schema import KINDS
from bot.content.yamlsrc import Document, Problem, read_documents, validation_problems

SUFFIXES = (".yaml", ".yml")


def yaml_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[Problem]]:
    """The YAML files named, or found recursively under the directories named, in a stable order."""
    files: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in SUFFIXES)
            if not found:
                problems.append(
                    Problem(str(path), 0, "file", "no .yaml or .yml files in this directory", unread=True)
                )
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem(str(path), 0, "file", "no such file or directory", unread=True))
    unique = list(dict.fromkeys(files))
    return unique, problems


def parse_document(doc: Document) -> tuple[BaseModel | None, list[Problem]]:
    """Validate one document against the model its `kind` names."""
    if not isinstance(doc.data, dict):
        return None, [doc.problem((), "a content document must be a mapping with a 'kind'")]
    kind = doc.data.get("kind")
    if kind is None:
        return None, [doc.problem((), f"missing 'kind' (one of: {', '.join(KINDS)})")]
    model = KINDS.get(str(kind))
    if model is None:
        return None, [doc.problem(("kind",), f"unknown kind {kind!r} (one of: {', '.join(KINDS)})")]
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        return None, validation_problems(doc, exc)


def load_content(paths: Iterable[str | Path]) -> Bundle:
    """Read, validate and cross-check content files; problems are collected, never raised."""
    bundle = Bundle()
    files, bundle.problems = yaml_files(paths)
    unread: list[tuple[Problem, set[tuple[str, str]]]] = []
    for path in files:
        documents, problems = read_documents(path)
        bundle.problems.extend(problems)
        unread += [(p, declared(path)) for p in problems if p.unread]
        if not documents and not problems:
            bundle.problems.append(
                Problem(str(path), 0, "file", "empty: no YAML documents in it", warning=True)
            )
        for doc in documents:
            model, problems = parse_document(doc)
            bundle.problems.extend(problems)
            if model is None:
                if isinstance(doc.data, dict) and isinstance(doc.data.get("slug"), str):
                    bundle.broken.add((str(doc.data.get("kind")), doc.data["slug"]))
                continue
            kind, slug = doc.data["kind"], getattr(model, "slug")  # noqa: B009 - every kind has a slug
            table = bundle.table(kind)
            if slug in table:
                first = table[slug].doc
                bundle.problems.append(
                    doc.problem(
                        ("slug",),
                        f"duplicate {kind} slug {slug!r} (first defined at {first.file}:{first.line})",
                    )
                )
                continue
            table[slug] = Item(doc, model)
    bundle.problems.extend(hold_back(bundle, unread, check_bundle))
    # Root causes first: what could not be read explains errors elsewhere.
    bundle.problems.sort(key=lambda p: not p.unread)
    return bundle


def problem_lines(problems: Iterable[Problem]) -> list[str]:
    """Every problem as `file:line: path: message`, files that could not be read first, then by file
    and line; errors held back behind a root cause are one line after it."""
    ordered = sorted(problems, key=lambda p: (not p.unread, p.file, p.line, p.warning))
    return [line for problem in ordered for line in problem.lines()]
