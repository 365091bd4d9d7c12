"""Upsert a validated bundle by slug, in the caller's transaction; unchanged rows are left untouched."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.content.bundle import Bundle
from bot.content.import_pools import import_pool
from bot.content.schema import InterviewTypeDoc, LoopDoc, QuestionDoc, QuestionSetDoc, RubricDoc
from bot.content.upsert import ContentImportError, assign, get_or_new, lookup
from models import (
    InterviewType,
    Loop,
    LoopStage,
    Question,
    QuestionSet,
    QuestionSetItem,
    Rubric,
    RubricCategory,
    StageQuestionSet,
)

__all__ = ["ContentImportError", "ImportReport", "database_has_loops", "import_bundle"]

KINDS = ("rubrics", "questions", "question sets", "interview types", "loops", "interviewer pools")


@dataclass
class ImportReport:
    """How many items of each kind were created, updated or left as they were."""

    counts: dict[str, Counter[str]] = field(default_factory=lambda: {k: Counter() for k in KINDS})

    def note(self, kind: str, created: bool, changed: bool) -> None:
        self.counts[kind]["created" if created else "updated" if changed else "unchanged"] += 1

    @property
    def changed(self) -> int:
        return sum(c["created"] + c["updated"] for c in self.counts.values())

    def __str__(self) -> str:
        return "; ".join(
            f"{kind}: {c['created']} created, {c['updated']} updated, {c['unchanged']} unchanged"
            for kind, c in self.counts.items()
        )


def database_has_loops(session: Session) -> bool:
    """True when any loop exists (the `--if-empty` test)."""
    return bool(session.scalar(select(func.count()).select_from(Loop)))


def _reorder(session: Session, rows: Sequence[RubricCategory | LoopStage], keys: list[str]) -> None:
    # Positions are unique per parent and UPDATEs run in no useful order, so a reorder first parks
    # every row on a negative position.
    session.flush()  # removed rows are deleted before anything moves into their place
    if any(row.position != keys.index(row.key) for row in rows):
        for n, row in enumerate(rows):
            row.position = -1 - n
        session.flush()


def import_bundle(session: Session, bundle: Bundle) -> ImportReport:
    """Create or update every item of a bundle without errors; flushes, never commits."""
    if bundle.errors:
        raise ContentImportError(f"{len(bundle.errors)} error(s) in the content; nothing imported")
    report = ImportReport()
    dropped: list[tuple[Rubric, RubricCategory]] = []
    rubrics = {slug: _rubric(session, item.model, report, dropped) for slug, item in bundle.rubrics.items()}
    session.flush()
    questions = {
        slug: _question(session, item.model, rubrics, report) for slug, item in bundle.questions.items()
    }
    session.flush()
    _drop_categories(session, dropped)
    sets = {
        slug: _question_set(session, item.model, rubrics, questions, report)
        for slug, item in bundle.question_sets.items()
    }
    types = {
        slug: _interview_type(session, item.model, rubrics, report)
        for slug, item in bundle.interview_types.items()
    }
    session.flush()
    for item in bundle.loops.values():
        _loop(session, item.model, rubrics, types, sets, report)
    session.flush()
    for pool in bundle.pools.values():
        import_pool(session, pool.model, types, report)
    session.flush()
    return report


def _rubric(
    session: Session, doc: RubricDoc, report: ImportReport, dropped: list[tuple[Rubric, RubricCategory]]
) -> Rubric:
    """Create or update a rubric; categories it lost go to `dropped`, removed once questions have moved."""
    rubric, created = get_or_new(session, Rubric, doc.slug)
    changed = assign(
        rubric,
        name=doc.name,
        description=doc.description,
        scale=[level.model_dump() for level in doc.scale],
        no_signal_label=doc.no_signal_label,
    )
    keys = [c.key for c in doc.categories]
    if not created:
        gone = [c for c in rubric.categories if c.key not in keys]
        # Kept in place (after the others) until the bundle's questions have moved off them.
        _reorder(session, rubric.categories, keys + [c.key for c in gone])
        for n, category in enumerate(gone):
            category.position = len(keys) + n
            dropped.append((rubric, category))
        changed |= bool(gone)
    existing = {c.key: c for c in rubric.categories}
    for position, cat in enumerate(doc.categories):
        row = existing.get(cat.key)
        if row is None:
            row = RubricCategory(key=cat.key)
            rubric.categories.append(row)
            changed = True
        changed |= assign(
            row,
            position=position,
            name=cat.name,
            short=cat.short or "",
            description=cat.description,
            attributes=list(cat.attributes),
        )
    report.note("rubrics", created, changed)
    return rubric


def _drop_categories(session: Session, dropped: list[tuple[Rubric, RubricCategory]]) -> None:
    """Remove categories rubrics no longer have, unless a question outside this import still uses one."""
    for rubric, category in dropped:
        user = session.scalar(select(Question.slug).where(Question.category_id == category.id).limit(1))
        if user is not None:
            raise ContentImportError(
                f"rubric {rubric.slug!r}: category {category.key!r} is still used by question {user!r}"
            )
        rubric.categories.remove(category)
    session.flush()


def _question(
    session: Session, doc: QuestionDoc, rubrics: dict[str, Rubric], report: ImportReport
) -> Question:
    rubric = lookup(session, Rubric, rubrics, doc.rubric)
    category = next((c for c in rubric.categories if c.key == doc.category), None)
    if category is None:
        raise ContentImportError(
            f"question {doc.slug!r}: rubric {doc.rubric!r} has no category {doc.category!r}"
        )
    question, created = get_or_new(session, Question, doc.slug)
    changed = assign(
        question,
        category_id=category.id,
        prompt=doc.prompt,
        follow_ups=list(doc.follow_ups),
        goal=doc.goal,
        great_signals=list(doc.great_signals),
        negative_signals=list(doc.negative_signals),
        technologies=list(doc.technologies),
        is_backup=doc.backup,
        backup_when=doc.backup_when,
    )
    report.note("questions", created, changed)
    return question


def _question_set(
    session: Session,
    doc: QuestionSetDoc,
    rubrics: dict[str, Rubric],
    questions: dict[str, Question],
    report: ImportReport,
) -> QuestionSet:
    rubric = lookup(session, Rubric, rubrics, doc.rubric)
    qs, created = get_or_new(session, QuestionSet, doc.slug)
    changed = assign(qs, name=doc.name, description=doc.description, rubric_id=rubric.id)
    wanted = [lookup(session, Question, questions, slug).id for slug in doc.questions]
    if [item.question_id for item in qs.items] != wanted:
        qs.items.clear()
        session.flush()
        qs.items.extend(QuestionSetItem(question_id=qid, position=n) for n, qid in enumerate(wanted))
        changed = True
    report.note("question sets", created, changed)
    return qs


def _interview_type(
    session: Session, doc: InterviewTypeDoc, rubrics: dict[str, Rubric], report: ImportReport
) -> InterviewType:
    kind, created = get_or_new(session, InterviewType, doc.slug)
    rubric_id = lookup(session, Rubric, rubrics, doc.rubric).id if doc.rubric else None
    changed = assign(
        kind,
        name=doc.name,
        description=doc.description,
        duration_minutes=doc.duration_minutes,
        panel=[shape.model_dump(mode="json") for shape in doc.panel],
        candidate_prep=doc.candidate_prep,
        must_do_before=list(doc.must_do_before),
        guidance_during=list(doc.guidance_during),
        look_for=list(doc.look_for),
        resources=[r.model_dump() for r in doc.resources],
        rubric_id=rubric_id,
        focus=list(doc.focus or []),
        example_questions=list(doc.example_questions),
        lead_drives=doc.lead_drives,
        training=doc.training.model_dump() if doc.training else {},
        dry_run=doc.dry_run.model_dump(by_alias=True) if doc.dry_run else {},
        same_panel_for_role=doc.same_panel_for_role,
    )
    report.note("interview types", created, changed)
    return kind


def _loop(
    session: Session,
    doc: LoopDoc,
    rubrics: dict[str, Rubric],
    types: dict[str, InterviewType],
    sets: dict[str, QuestionSet],
    report: ImportReport,
) -> Loop:
    rubric = lookup(session, Rubric, rubrics, doc.rubric)
    loop, created = get_or_new(session, Loop, doc.slug)
    changed = assign(
        loop,
        name=doc.name,
        role=doc.role,
        rubric_id=rubric.id,
        hiring_channel=doc.hiring_channel,
        hiring_manager=doc.hiring_manager,
        recruiter=doc.recruiter,
    )
    keys = [s.key for s in doc.stages]
    if not created:
        for old in [s for s in loop.stages if s.key not in keys]:
            loop.stages.remove(old)
            changed = True
        _reorder(session, loop.stages, keys)
    existing = {s.key: s for s in loop.stages}
    for position, spec in enumerate(doc.stages):
        stage = existing.get(spec.key)
        if stage is None:
            stage = LoopStage(key=spec.key)
            loop.stages.append(stage)
            changed = True
        type_id = (
            lookup(session, InterviewType, types, spec.interview_type).id if spec.interview_type else None
        )
        changed |= assign(
            stage,
            position=position,
            name=spec.name,
            required=spec.required,
            interview_type_id=type_id,
            focus=list(spec.focus or []),
        )
        wanted = [lookup(session, QuestionSet, sets, slug).id for slug in spec.question_sets]
        if [alt.question_set_id for alt in stage.alternatives] != wanted:
            stage.alternatives.clear()
            session.flush()
            stage.alternatives.extend(
                StageQuestionSet(question_set_id=sid, position=n) for n, sid in enumerate(wanted)
            )
            changed = True
    report.note("loops", created, changed)
    return loop
