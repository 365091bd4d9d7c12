"""What reading content files gives: validated items by kind and slug, and every problem found."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from bot.content.schema import (
    InterviewerPoolDoc,
    InterviewTypeDoc,
    LoopDoc,
    QuestionDoc,
    QuestionSetDoc,
    RubricDoc,
)
from bot.content.yamlsrc import Document, Problem

T = TypeVar("T", bound=BaseModel)


@dataclass
class Item(Generic[T]):
    """A validated content item and the document it came from."""

    doc: Document
    model: T


@dataclass
class Bundle:
    """Everything read from a set of content files, by kind and slug."""

    rubrics: dict[str, Item[RubricDoc]] = field(default_factory=dict)
    questions: dict[str, Item[QuestionDoc]] = field(default_factory=dict)
    question_sets: dict[str, Item[QuestionSetDoc]] = field(default_factory=dict)
    interview_types: dict[str, Item[InterviewTypeDoc]] = field(default_factory=dict)
    loops: dict[str, Item[LoopDoc]] = field(default_factory=dict)
    pools: dict[str, Item[InterviewerPoolDoc]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # (kind, slug) of documents that failed validation: references to them are not reported again.
    broken: set[tuple[str, str]] = field(default_factory=set)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.warning]

    def table(self, kind: str) -> dict[str, Any]:
        tables: dict[str, dict[str, Any]] = {
            "rubric": self.rubrics,
            "question": self.questions,
            "question_set": self.question_sets,
            "interview_type": self.interview_types,
            "loop": self.loops,
            "interviewer_pool": self.pools,
        }
        return tables[kind]
