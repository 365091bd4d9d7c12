"""What each stage of a loop assesses, read from validated content files (no database).

A stage assesses, in this order of precedence: its own `focus`; its interview type's `focus` (or every
category of the type's own rubric); the categories its question sets probe; and, for a stage with an
interview type and none of these, every category of the loop's rubric (how loopbot worked before
`focus` existed). A stage without an interview type or any of these assesses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.content.bundle import Bundle
from bot.content.schema import InterviewTypeDoc, LoopDoc, RubricDoc, Stage

STAGE, TYPE, TYPE_RUBRIC, SETS, WHOLE_RUBRIC, NOTHING = (
    "stage focus",
    "interview type focus",
    "interview type's rubric",
    "question sets",
    "no focus: every category of the loop's rubric",
    "nothing",
)


@dataclass(frozen=True)
class Assessed:
    """The categories one stage assesses (scorecard order) and where that comes from."""

    stage: Stage
    keys: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class ScoreCategory:
    """A category of a loop's scorecard and the rubric it belongs to."""

    key: str
    name: str
    rubric: str


def kind_of(bundle: Bundle, stage: Stage) -> InterviewTypeDoc | None:
    item = bundle.interview_types.get(stage.interview_type or "")
    return item.model if item else None


def rubric(bundle: Bundle, slug: str | None) -> RubricDoc | None:
    item = bundle.rubrics.get(slug or "")
    return item.model if item else None


def type_focus(bundle: Bundle, kind: InterviewTypeDoc) -> list[str] | None:
    """The keys a type assesses wherever it is used: its focus, else its own rubric's; None without."""
    if kind.focus:
        return list(kind.focus)
    own = rubric(bundle, kind.rubric)
    return [c.key for c in own.categories] if own else None


def pool(bundle: Bundle, loop: LoopDoc, kind: InterviewTypeDoc | None) -> list[ScoreCategory]:
    """The categories a stage of this type may assess: the loop's rubric's, then the type's own."""
    found: dict[str, ScoreCategory] = {}
    for r in (rubric(bundle, loop.rubric), rubric(bundle, kind.rubric if kind else None)):
        for c in r.categories if r else []:
            found.setdefault(c.key, ScoreCategory(c.key, c.name, r.slug if r else ""))
    return list(found.values())


def _set_categories(bundle: Bundle, stage: Stage) -> list[str]:
    keys: list[str] = []
    for slug in stage.question_sets:
        qs = bundle.question_sets.get(slug)
        for q in (bundle.questions.get(s) for s in (qs.model.questions if qs else [])):
            if q is not None and not q.model.backup:
                keys.append(q.model.category)
    return keys


def assessed(bundle: Bundle, loop: LoopDoc, stage: Stage) -> Assessed:
    """What one stage assesses; unknown keys are left out (they are reported as errors elsewhere)."""
    kind = kind_of(bundle, stage)
    known = [c.key for c in pool(bundle, loop, kind)]
    declared = type_focus(bundle, kind) if kind else None
    for keys, source in (
        (stage.focus, STAGE),
        (declared, TYPE if kind and kind.focus else TYPE_RUBRIC),
        (_set_categories(bundle, stage), SETS),
        (known if kind else None, WHOLE_RUBRIC),
    ):
        if keys:
            return Assessed(stage, tuple(k for k in known if k in keys), source)
    return Assessed(stage, (), NOTHING)


def loop_report(bundle: Bundle, loop: LoopDoc) -> list[Assessed]:
    """What every stage of a loop assesses, in stage order."""
    return [assessed(bundle, loop, stage) for stage in loop.stages]


def scorecard(bundle: Bundle, loop: LoopDoc, report: list[Assessed]) -> list[ScoreCategory]:
    """The loop's rubric's categories, then those of types' own rubrics that some stage assesses."""
    cards = {c.key: c for c in pool(bundle, loop, None)}
    for a in report:
        for c in pool(bundle, loop, kind_of(bundle, a.stage)):
            if c.key in a.keys:
                cards.setdefault(c.key, c)
    return list(cards.values())


def report_lines(bundle: Bundle) -> list[str]:
    """`content validate`'s report: per loop, what each stage assesses and where that comes from."""
    lines = []
    for item in bundle.loops.values():
        loop = item.model
        report = loop_report(bundle, loop)
        rubrics = list(dict.fromkeys(c.rubric for c in scorecard(bundle, loop, report)))
        lines.append(f"loop {loop.slug} ({loop.name}), rated on: {', '.join(rubrics) or 'nothing'}")
        for a in report:
            optional = "" if a.stage.required else " (optional)"
            keys = ", ".join(a.keys)
            lines.append(f"  {a.stage.key}{optional}: {keys + ' (' + a.source + ')' if keys else NOTHING}")
    return lines
