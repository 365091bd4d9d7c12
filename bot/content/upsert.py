"""Upsert helpers every kind of content import shares: set what differs, find by slug, refer across files."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import InterviewerPool, InterviewType, Loop, Question, QuestionSet, Rubric

M = TypeVar("M", Rubric, Question, QuestionSet, InterviewType, Loop, InterviewerPool)


class ContentImportError(Exception):
    """The files are valid but cannot be applied to what the database already holds."""


def assign(obj: Any, **values: Any) -> bool:
    """Set only the attributes that differ, so a re-import issues no UPDATE; True if any did."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def get_or_new(session: Session, model: type[M], slug: str) -> tuple[M, bool]:
    row = session.scalar(select(model).where(model.slug == slug))
    if row is not None:
        return row, False
    row = model(slug=slug)
    session.add(row)
    return row, True


def lookup(session: Session, model: type[M], cache: dict[str, M], slug: str) -> M:
    # Items may refer to content imported earlier and absent from these files.
    if slug not in cache:
        row = session.scalar(select(model).where(model.slug == slug))
        if row is None:
            raise ContentImportError(f"unknown {model.__tablename__[:-1]} {slug!r}")
        cache[slug] = row
    return cache[slug]
