"""Cross-references between content items: every slug named must exist and fit together."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from bot.content.bundle import Bundle, Item
from bot.content.focus_checks import check_focus
from bot.content.schema import InterviewerPoolDoc, LoopDoc, QuestionDoc, QuestionSetDoc
from bot.content.yamlsrc import Document, Problem

MAX_CHOICES = 8  # more than this is a list nobody reads in one line; a near miss is named instead


def check_bundle(bundle: Bundle) -> list[Problem]:
    """Errors for dangling or mismatched references and focus, warnings for gaps in coverage."""
    problems: list[Problem] = []
    for item in bundle.questions.values():
        problems += _check_question(bundle, item)
    for qs in bundle.question_sets.values():
        problems += _check_set(bundle, qs)
    for loop in bundle.loops.values():
        problems += _check_loop(bundle, loop)
    for pool in bundle.pools.values():
        problems += _check_pool(bundle, pool)
    return problems + check_focus(bundle)


def _check_question(bundle: Bundle, item: Item[QuestionDoc]) -> list[Problem]:
    q, doc = item.model, item.doc
    rubric = bundle.rubrics.get(q.rubric)
    if rubric is None:
        return _unknown(bundle, doc, ("rubric",), "rubric", q.rubric)
    keys = [c.key for c in rubric.model.categories]
    if q.category not in keys:
        return [
            doc.problem(
                ("category",), f"rubric {q.rubric!r} has no category {q.category!r} ({_one_of(keys)})"
            )
        ]
    return []


def _check_set(bundle: Bundle, item: Item[QuestionSetDoc]) -> list[Problem]:
    qs, doc = item.model, item.doc
    problems: list[Problem] = []
    rubric = bundle.rubrics.get(qs.rubric)
    if rubric is None:
        return _unknown(bundle, doc, ("rubric",), "rubric", qs.rubric)
    covered: set[str] = set()
    for n, slug in enumerate(qs.questions):
        question = bundle.questions.get(slug)
        if question is None:
            problems += _unknown(bundle, doc, ("questions", n), "question", slug)
        elif question.model.rubric != qs.rubric:
            problems.append(
                doc.problem(
                    ("questions", n),
                    f"question {slug!r} is from rubric {question.model.rubric!r}, "
                    f"this set uses {qs.rubric!r}",
                )
            )
        elif not question.model.backup:
            # A backup is asked instead of another question, so it does not cover a category by itself.
            covered.add(question.model.category)
    categories = {c.key: c for c in rubric.model.categories}
    # What a stage assesses is its focus (bot/content/focus_checks.py); `covers` is the set's own intent.
    wanted: list[str] = []
    for n, key in enumerate(qs.covers or []):
        if key in categories:
            wanted.append(key)
        else:
            problems.append(
                doc.problem(
                    ("covers", n), f"rubric {qs.rubric!r} has no category {key!r} ({_one_of(categories)})"
                )
            )
    for key in wanted:
        if key not in covered:
            problems.append(
                doc.problem(
                    ("questions",),
                    f"no question covers category {key!r} ({categories[key].name}) of rubric {qs.rubric!r}",
                    warning=True,
                )
            )
    return problems


def _check_loop(bundle: Bundle, item: Item[LoopDoc]) -> list[Problem]:
    loop, doc = item.model, item.doc
    problems: list[Problem] = []
    if loop.rubric not in bundle.rubrics:
        problems += _unknown(bundle, doc, ("rubric",), "rubric", loop.rubric)
    for i, stage in enumerate(loop.stages):
        if stage.interview_type is not None and stage.interview_type not in bundle.interview_types:
            where = ("stages", i, "interview_type")
            problems += _unknown(bundle, doc, where, "interview_type", stage.interview_type)
        for j, slug in enumerate(stage.question_sets):
            path = ("stages", i, "question_sets", j)
            qs = bundle.question_sets.get(slug)
            if qs is None:
                problems += _unknown(bundle, doc, path, "question_set", slug)
            elif qs.model.rubric != loop.rubric:
                problems.append(
                    doc.problem(
                        path,
                        f"question set {slug!r} is for rubric {qs.model.rubric!r}, "
                        f"this loop uses {loop.rubric!r}",
                    )
                )
            elif slug in stage.question_sets[:j]:
                problems.append(doc.problem(path, f"question set {slug!r} is listed twice"))
    return problems


def _check_pool(bundle: Bundle, item: Item[InterviewerPoolDoc]) -> list[Problem]:
    """Every type a pool names exists, and every member's types are the pool's."""
    pool, doc = item.model, item.doc
    problems: list[Problem] = []
    for n, slug in enumerate(pool.interview_types):
        if slug not in bundle.interview_types:
            problems += _unknown(bundle, doc, ("interview_types", n), "interview_type", slug)
    for n, member in enumerate(pool.members):
        for slug in member.types:
            if slug not in pool.interview_types:
                problems.append(
                    doc.problem(
                        ("members", n, "types", slug),
                        f"{slug!r} is not one of this pool's interview types "
                        f"({_one_of(pool.interview_types)})",
                    )
                )
    return problems


def _unknown(
    bundle: Bundle, doc: Document, path: tuple[str | int, ...], kind: str, slug: str
) -> list[Problem]:
    # A document that exists but failed validation was reported already, and one in a file that could
    # not be read is held back behind that file's error (root_causes.py): naming it is no second error.
    if (kind, slug) in bundle.broken:
        return []
    what = kind.replace("_", " ")
    return [doc.problem(path, f"unknown {what} {slug!r}{_choices(what, slug, list(bundle.table(kind)))}")]


def _choices(what: str, slug: str, known: list[str]) -> str:
    """` (did you mean 'x'?)` for a near miss, else the few there are to choose from."""
    close = difflib.get_close_matches(slug, known, n=1)
    if close:
        return f" (did you mean {close[0]!r}?)"
    if not known:
        return f" (no {what} is defined in these files)"
    return f" ({_one_of(sorted(known))})" if len(known) <= MAX_CHOICES else ""


def _one_of(keys: Iterable[str]) -> str:
    return "one of: " + ", ".join(keys)
