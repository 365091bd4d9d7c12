"""Checks of `focus`, types' own rubrics and coverage: each problem at the file and line it is about."""

from __future__ import annotations

from bot.content import focus as fc
from bot.content.bundle import Bundle, Item
from bot.content.schema import InterviewTypeDoc, LoopDoc, RubricDoc
from bot.content.yamlsrc import Document, Problem

ASKED_INSIDE = (fc.STAGE, fc.TYPE, fc.TYPE_RUBRIC)  # sources that questions must stay inside


def check_focus(bundle: Bundle) -> list[Problem]:
    """Errors for focus keys that name nothing and sets outside a focus; warnings for coverage gaps."""
    problems: list[Problem] = []
    for item in bundle.interview_types.values():
        problems += _check_type(bundle, item)
    for loop in bundle.loops.values():
        if fc.rubric(bundle, loop.model.rubric) is not None:  # an unknown rubric is reported already
            problems += _check_loop(bundle, loop)
    return problems


def _one_of(keys: list[str]) -> str:
    return "one of: " + ", ".join(keys)


def _check_type(bundle: Bundle, item: Item[InterviewTypeDoc]) -> list[Problem]:
    kind, doc = item.model, item.doc
    if kind.rubric is None:
        return []
    own = fc.rubric(bundle, kind.rubric)
    if own is None:
        broken = ("rubric", kind.rubric) in bundle.broken
        return [] if broken else [doc.problem(("rubric",), f"unknown rubric {kind.rubric!r}")]
    keys = [c.key for c in own.categories]
    return [
        doc.problem(("focus", n), f"rubric {own.slug!r} has no category {key!r} ({_one_of(keys)})")
        for n, key in enumerate(kind.focus or [])
        if key not in keys
    ]


def _check_loop(bundle: Bundle, item: Item[LoopDoc]) -> list[Problem]:
    loop, doc = item.model, item.doc
    problems: list[Problem] = []
    owners = {c.key: loop.rubric for c in fc.pool(bundle, loop, None)}
    types_seen: set[str] = set()
    for i, stage in enumerate(loop.stages):
        kind = fc.kind_of(bundle, stage)
        own = fc.rubric(bundle, kind.rubric) if kind else None
        if own is not None and own.slug != loop.rubric and own.slug not in types_seen:
            problems += _own_rubric(bundle, doc, loop, i, own, owners)
        elif kind is not None and kind.rubric is None and kind.focus and kind.slug not in types_seen:
            problems += _type_keys_in_loop(bundle, loop, i, kind)
        types_seen.update(s for s in (kind.slug if kind else None, own.slug if own else None) if s)
        problems += _stage_focus(bundle, doc, loop, i)
        problems += _stage_sets(bundle, doc, loop, i)
    return problems + _coverage(bundle, doc, loop)


def _own_rubric(
    bundle: Bundle, doc: Document, loop: LoopDoc, i: int, own: RubricDoc, owners: dict[str, str]
) -> list[Problem]:
    """A type's own rubric must share the loop's scale, and no category key with another rubric."""
    where = ("stages", i, "interview_type")
    problems = []
    main = fc.rubric(bundle, loop.rubric)
    scale = [level.key for level in own.scale]
    if main is not None and scale != [level.key for level in main.scale]:
        problems.append(
            doc.problem(
                where,
                f"rubric {own.slug!r} of interview type {loop.stages[i].interview_type!r} rates on "
                f"{', '.join(scale)}, rubric {loop.rubric!r} of this loop on "
                f"{', '.join(level.key for level in main.scale)}: a scorecard has one scale",
            )
        )
    for c in own.categories:
        other = owners.setdefault(c.key, own.slug)
        if other != own.slug:
            problems.append(
                doc.problem(
                    where,
                    f"category key {c.key!r} is in rubric {other!r} and in rubric {own.slug!r}: ratings "
                    "are stored by key, so rename one of them",
                )
            )
    return problems


def _type_keys_in_loop(bundle: Bundle, loop: LoopDoc, i: int, kind: InterviewTypeDoc) -> list[Problem]:
    """A type without a rubric of its own names categories of each loop's rubric that uses it."""
    item = bundle.interview_types[kind.slug]
    keys = [c.key for c in fc.pool(bundle, loop, None)]
    stage = loop.stages[i]
    return [
        item.doc.problem(
            ("focus", n),
            f"rubric {loop.rubric!r} of loop {loop.slug!r} (stage {stage.key!r} uses this type) has no "
            f"category {key!r} ({_one_of(keys)})",
        )
        for n, key in enumerate(kind.focus or [])
        if key not in keys
    ]


def _stage_focus(bundle: Bundle, doc: Document, loop: LoopDoc, i: int) -> list[Problem]:
    stage = loop.stages[i]
    kind = fc.kind_of(bundle, stage)
    keys = [c.key for c in fc.pool(bundle, loop, kind)]
    wide = fc.type_focus(bundle, kind) if kind else None
    problems = []
    for j, key in enumerate(stage.focus or []):
        where = ("stages", i, "focus", j)
        if key not in keys:
            problems.append(doc.problem(where, f"no category {key!r} for this stage ({_one_of(keys)})"))
        elif wide is not None and key not in wide:
            problems.append(
                doc.problem(
                    where,
                    f"category {key!r} is outside the focus of interview type {stage.interview_type!r} "
                    f"({', '.join(wide)}): a stage may only narrow it",
                )
            )
    # A type naming a rubric that does not exist was reported already; no advice on top of it.
    if fc.assessed(bundle, loop, stage).source == fc.WHOLE_RUBRIC and not (kind and kind.rubric):
        problems.append(
            doc.problem(
                ("stages", i, "interview_type"),
                f"stage {stage.key!r} declares no focus, nor does interview type {stage.interview_type!r}: "
                f"it is rated on every category of rubric {loop.rubric!r}. Add `focus:` (category keys) "
                "to the stage or the interview type",
                warning=True,
            )
        )
    return problems


def _stage_sets(bundle: Bundle, doc: Document, loop: LoopDoc, i: int) -> list[Problem]:
    """Questions of a stage's sets stay inside its focus; each set asks about every category of it."""
    stage = loop.stages[i]
    found = fc.assessed(bundle, loop, stage)
    if found.source not in ASKED_INSIDE:
        return []
    names = {c.key: c.name for c in fc.pool(bundle, loop, fc.kind_of(bundle, stage))}
    problems = []
    for j, slug in enumerate(stage.question_sets):
        qs = bundle.question_sets.get(slug)
        if qs is None or qs.model.rubric != loop.rubric:
            continue  # reported by the reference checks
        questions = [q.model for q in (bundle.questions.get(s) for s in qs.model.questions) if q]
        outside = [f"{q.slug!r} ({q.category})" for q in questions if q.category not in found.keys]
        where = ("stages", i, "question_sets", j)
        if outside:
            problems.append(
                doc.problem(
                    where,
                    f"question set {slug!r} asks outside the focus of stage {stage.key!r} "
                    f"({', '.join(found.keys)}): {', '.join(outside)}",
                )
            )
        asked = {q.category for q in questions if not q.backup}
        problems += [
            doc.problem(
                where,
                f"question set {slug!r} has no question on {key!r} ({names.get(key, key)}), which stage "
                f"{stage.key!r} assesses",
                warning=True,
            )
            for key in found.keys
            if key not in asked
        ]
    return problems


def _coverage(bundle: Bundle, doc: Document, loop: LoopDoc) -> list[Problem]:
    """A warning for every scorecard category that no required stage assesses."""
    report = fc.loop_report(bundle, loop)
    problems = []
    for c in fc.scorecard(bundle, loop, report):
        if any(c.key in a.keys for a in report if a.stage.required):
            continue
        optional = [a.stage.key for a in report if c.key in a.keys]
        only = f"; only optional stage(s) {', '.join(optional)} do" if optional else ""
        problems.append(
            doc.problem(
                ("stages",),
                f"no required stage assesses category {c.key!r} ({c.name}) of rubric {c.rubric!r}{only}",
                warning=True,
            )
        )
    return problems
