"""The content file format: one YAML document per item, told apart by its top-level `kind:`.

A file may hold several documents separated by `---`; items refer to each other by slug, across files.
Every field has a description, from which examples/content/README.md is generated (bot/content/docs.py).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, ValidationInfo, field_validator

from bot.content.schema_interviewers import DryRunRule, InterviewerPoolDoc, TrainingRule
from bot.content.schema_parts import (
    DEFAULT_SCALE,
    DUPLICATE,
    Category,
    ChannelId,
    Item,
    Key,
    Name,
    PanelRoleShape,
    Person,
    Resource,
    ScaleLevel,
    Slug,
    distinct,
    unique,
)

__all__ = [
    "DUPLICATE",
    "KINDS",
    "Category",
    "InterviewTypeDoc",
    "InterviewerPoolDoc",
    "LoopDoc",
    "QuestionDoc",
    "QuestionSetDoc",
    "RubricDoc",
    "Stage",
    "json_schema",
]

FOCUS = (
    "Rubric categories assessed, by key, in any order (the scorecard keeps rubric order). An interview "
    "without a question set is rated on exactly these, with their attributes as signal checkboxes."
)


class RubricDoc(Item):
    """`kind: rubric`: the categories a role (or an interview type) is judged on, and the rating scale."""

    kind: Literal["rubric"] = Field(description="Always `rubric`.")
    slug: Slug
    name: Name = Field(description="Shown in the digest above its categories' ratings.")
    description: str = Field("", description="What the rubric is for; not shown in Slack.")
    scale: list[ScaleLevel] = Field(
        default_factory=lambda: [ScaleLevel(**level) for level in DEFAULT_SCALE],
        min_length=2,
        description="Rating levels, worst first; Strong No, No, Yes, Strong Yes when left out. The "
        "rubrics one loop uses share one scale.",
    )
    no_signal_label: Annotated[str, Field(min_length=1, max_length=75)] = Field(
        "No signal", description="The choice for a category the interview showed nothing about."
    )
    categories: list[Category] = Field(min_length=1, description="What is judged, in display order.")

    @field_validator("scale")
    @classmethod
    def _scale_keys(cls, value: list[ScaleLevel]) -> list[ScaleLevel]:
        unique(value, "key", "scale level")
        if any(level.key == "no_signal" for level in value):
            raise ValueError("'no_signal' is reserved; name it with no_signal_label instead")
        return value

    @field_validator("categories")
    @classmethod
    def _category_keys(cls, value: list[Category]) -> list[Category]:
        unique(value, "key", "category")
        return value


class QuestionDoc(Item):
    """`kind: question`: a question, what it probes, and what great and poor answers sound like."""

    kind: Literal["question"] = Field(description="Always `question`.")
    slug: Slug
    rubric: Slug = Field(description="The rubric whose category this question probes.")
    category: Key = Field(description="The key of the rubric category this question probes.")
    prompt: str = Field(min_length=1, description="The question as the interviewer asks it.")
    follow_ups: list[str] = Field(default_factory=list, description="Questions to dig deeper.")
    goal: str = Field("", description="What the question is for: the category it probes, and why.")
    great_signals: list[str] = Field(
        default_factory=list, description="A great answer will mention...; checkboxes on the form."
    )
    negative_signals: list[str] = Field(
        default_factory=list, description="Negative signals to look out for; checkboxes on the form."
    )
    technologies: list[str] = Field(default_factory=list, description="Technologies that may come up.")
    backup: bool = Field(False, description="A backup question, asked instead of another in some cases.")
    backup_when: str = Field("", validate_default=True, description="When to use the backup question.")

    @field_validator("backup_when")
    @classmethod
    def _backup_needs_when(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("backup") and not value:
            raise ValueError("a backup question must say when to use it")
        if value and not info.data.get("backup", False):
            raise ValueError("only a backup question (backup: true) has backup_when")
        return value


class QuestionSetDoc(Item):
    """`kind: question_set`: an ordered kit of questions from one rubric."""

    kind: Literal["question_set"] = Field(description="Always `question_set`.")
    slug: Slug
    name: Name = Field(description="Shown to the interviewer in the prep.")
    description: str = Field("", description="Why these questions belong together; not shown in Slack.")
    rubric: Slug = Field(description="The loop's rubric: every question of the set is from it.")
    questions: list[Slug] = Field(min_length=1, description="Question slugs in the order they are asked.")
    covers: list[Key] | None = Field(
        None,
        description="Categories the set means to cover: a warning names any without a main question. "
        "Which categories a stage assesses is its `focus`.",
    )

    @field_validator("questions")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        distinct(value, "question")
        return value


class InterviewTypeDoc(Item):
    """`kind: interview_type`: a kind of interview, what it assesses, its panel shape and guidance."""

    kind: Literal["interview_type"] = Field(description="Always `interview_type`.")
    slug: Slug
    name: Name = Field(description="How every message names an interview of this type.")
    description: str = Field("", description="What the interview is; not shown in Slack.")
    duration_minutes: int = Field(gt=0, le=24 * 60, description="The default length when scheduling.")
    panel: list[PanelRoleShape] = Field(min_length=1, description="The roles a panel has, and how many.")
    rubric: Slug | None = Field(
        None,
        description="A small rubric of the type's own (e.g. one category per company value): the "
        "categories it assesses join the scorecard of every loop that uses the type.",
    )
    focus: Annotated[list[Key], Field(min_length=1)] | None = Field(
        None,
        description=f"{FOCUS} Keys of its own `rubric` when it has one, else of the loop's rubric. Left "
        "out: every category of its own rubric, else what the question sets probe, else (as before "
        "focus existed) every category of the loop's rubric.",
    )
    lead_drives: bool = Field(
        False,
        description="The lead runs the whole interview (a pairing exercise with a silent observer): "
        "interviewers without questions are told to follow the lead's plan.",
    )
    candidate_prep: str = Field("", description="How the candidate prepares; in the prep.")
    must_do_before: list[str] = Field(
        default_factory=list, description="What an interviewer must do first (a dry run, a set-up)."
    )
    guidance_during: list[str] = Field(
        default_factory=list,
        description="How to run it, including its timing (e.g. the last minutes for the candidate's "
        "questions): the prep's only time guidance.",
    )
    example_questions: list[str] = Field(
        default_factory=list, description="Questions to draw on when the interview has no question set."
    )
    look_for: list[str] = Field(
        default_factory=list,
        description="What to look for. In an interview without a question set each item is a signal "
        "checkbox on the feedback form.",
    )
    resources: list[Resource] = Field(default_factory=list, description="Links for the interviewer.")
    training: TrainingRule | None = Field(
        None,
        description="How trainees of this type graduate (interviewer pools); the defaults apply when "
        "left out: shadow 2, reverse_shadow 1, agreement 0.75, approver hiring_manager.",
    )
    dry_run: DryRunRule | None = Field(
        None, description="A rehearsal a person must do before they first lead this type; none when left out."
    )
    same_panel_for_role: bool = Field(
        False,
        description="Every candidate of a role meets the same people in this interview (a pairing "
        "exercise): a suggested panel repeats the one earlier candidates of the loop had.",
    )

    @field_validator("panel")
    @classmethod
    def _roles_once(cls, value: list[PanelRoleShape]) -> list[PanelRoleShape]:
        unique(value, "role", "role")
        return value

    @field_validator("focus")
    @classmethod
    def _focus_once(cls, value: list[str] | None) -> list[str] | None:
        return distinct(value, "category")


class Stage(Item):
    """One ordered step of a loop."""

    key: Key = Field(description="Names the stage when scheduling; unique in its loop.")
    name: Name = Field(description="Shown when scheduling and in `content validate`.")
    required: bool = Field(
        True, description="Every candidate goes through it; only required stages count for coverage."
    )
    interview_type: Slug | None = Field(
        None, description="The default type of its interviews (scheduling may pick another)."
    )
    question_sets: list[Slug] = Field(
        default_factory=list, description="Alternative question sets that panelists rotate through."
    )
    focus: Annotated[list[Key], Field(min_length=1)] | None = Field(
        None,
        description=f"{FOCUS} Narrows the interview type's focus for this stage (or gives one to a type "
        "without). The questions of its sets must stay inside it.",
    )

    @field_validator("focus")
    @classmethod
    def _focus_once(cls, value: list[str] | None) -> list[str] | None:
        return distinct(value, "category")


class LoopDoc(Item):
    """`kind: loop`: a role's interview plan."""

    kind: Literal["loop"] = Field(description="Always `loop`.")
    slug: Slug
    name: Name = Field(description="The loop's name, as recruiters choose it when scheduling.")
    role: Name = Field(description="The job title candidates are interviewing for; in every prep.")
    rubric: Slug = Field(
        description="What the role is judged on. The scorecard adds the assessed categories of the "
        "rubrics its interview types bring."
    )
    hiring_channel: ChannelId = Field("", description="Where the digest goes (scheduling may override).")
    hiring_manager: Person = Field("", description="Gets escalations and the private notes.")
    recruiter: Person = Field("", description="Gets escalations and declines.")
    stages: list[Stage] = Field(min_length=1, description="The interview plan, in order.")

    @field_validator("stages")
    @classmethod
    def _stage_keys(cls, value: list[Stage]) -> list[Stage]:
        unique(value, "key", "stage")
        return value


Doc = RubricDoc | QuestionDoc | QuestionSetDoc | InterviewTypeDoc | LoopDoc | InterviewerPoolDoc

KINDS: dict[str, type[Item]] = {
    "rubric": RubricDoc,
    "question": QuestionDoc,
    "question_set": QuestionSetDoc,
    "interview_type": InterviewTypeDoc,
    "loop": LoopDoc,
    "interviewer_pool": InterviewerPoolDoc,
}


def json_schema() -> dict[str, Any]:
    """A JSON Schema for one content document (any kind), for editors."""
    defs: dict[str, Any] = {}
    refs = []
    for model in KINDS.values():
        schema = model.model_json_schema(ref_template="#/$defs/{model}")
        defs.update(schema.pop("$defs", {}))
        defs[model.__name__] = schema
        refs.append({"$ref": f"#/$defs/{model.__name__}"})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "loopbot content document",
        "description": "One YAML document of a loopbot content file; `kind` says which.",
        "oneOf": refs,
        "$defs": dict(sorted(defs.items())),
    }
