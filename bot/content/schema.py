"""The content file format: one YAML document per item, told apart by its top-level `kind:`.

A file may hold several documents separated by `---`; items refer to each other by slug, across files.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from models import PanelRole

Slug = Annotated[
    str,
    Field(
        min_length=1,
        max_length=100,
        pattern=r"^[a-z0-9][a-z0-9_-]*$",
        description="Lower-case letters, digits, '-' and '_'; unique among items of its kind.",
    ),
]
Key = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[a-z0-9][a-z0-9_-]*$")]
Name = Annotated[str, Field(min_length=1, max_length=200)]
UserId = Annotated[
    str, Field(pattern=r"^([UW][A-Z0-9]{2,31})?$", description="A Slack user id, e.g. U0123ABCD.")
]
ChannelId = Annotated[
    str, Field(pattern=r"^([CG][A-Z0-9]{2,31})?$", description="A Slack channel id, e.g. C0123ABCD.")
]

DEFAULT_SCALE = [
    {"key": "strong_no", "label": "Strong No"},
    {"key": "no", "label": "No"},
    {"key": "yes", "label": "Yes"},
    {"key": "strong_yes", "label": "Strong Yes"},
]


class _Item(BaseModel):
    # Unknown fields are errors, so a typo'd field name is reported instead of silently ignored.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# An error about one item of a list: `index` (and `field`) in its context say which, so that the
# problem is reported at the duplicate's own line (bot/content/yamlsrc.py).
DUPLICATE = "duplicate"


def _duplicate(what: str, key: str, index: int, field: str = "") -> PydanticCustomError:
    context = {"what": what, "key": repr(key), "index": index, "field": field}
    return PydanticCustomError(DUPLICATE, "{what} {key} appears more than once", context)


def _unique(values: list[Any], attr: str, what: str) -> None:
    seen: set[str] = set()
    for index, value in enumerate(values):
        key = getattr(value, attr)
        if key in seen:
            raise _duplicate(what, key, index, attr)
        seen.add(key)


class ScaleLevel(_Item):
    """One named level of a rating scale."""

    key: Key
    label: Annotated[str, Field(min_length=1, max_length=75)]


class Category(_Item):
    """One thing a candidate is judged on."""

    key: Key
    name: Name
    description: str = ""
    attributes: list[str] = Field(default_factory=list, description="e.g. 'Curiosity: asks why'")


class RubricDoc(_Item):
    """`kind: rubric`: the categories a role is judged on and the rating scale."""

    kind: Literal["rubric"]
    slug: Slug
    name: Name
    description: str = ""
    scale: list[ScaleLevel] = Field(
        default_factory=lambda: [ScaleLevel(**level) for level in DEFAULT_SCALE],
        min_length=2,
        description="Rating levels, worst first.",
    )
    no_signal_label: Annotated[str, Field(min_length=1, max_length=75)] = "No signal"
    categories: list[Category] = Field(min_length=1)

    @field_validator("scale")
    @classmethod
    def _scale_keys(cls, value: list[ScaleLevel]) -> list[ScaleLevel]:
        _unique(value, "key", "scale level")
        if any(level.key == "no_signal" for level in value):
            raise ValueError("'no_signal' is reserved; name it with no_signal_label instead")
        return value

    @field_validator("categories")
    @classmethod
    def _category_keys(cls, value: list[Category]) -> list[Category]:
        _unique(value, "key", "category")
        return value


class QuestionDoc(_Item):
    """`kind: question`: a question, what it probes, and what great and poor answers sound like."""

    kind: Literal["question"]
    slug: Slug
    rubric: Slug
    category: Key = Field(description="The key of the rubric category this question probes.")
    prompt: str = Field(min_length=1)
    follow_ups: list[str] = Field(default_factory=list)
    goal: str = ""
    great_signals: list[str] = Field(default_factory=list, description="A great answer will mention...")
    negative_signals: list[str] = Field(default_factory=list, description="Negative signals to look out for.")
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


class QuestionSetDoc(_Item):
    """`kind: question_set`: an ordered kit of questions from one rubric."""

    kind: Literal["question_set"]
    slug: Slug
    name: Name
    description: str = ""
    rubric: Slug
    questions: list[Slug] = Field(min_length=1)
    covers: list[Key] | None = Field(
        None, description="Categories this set means to cover; all of the rubric's when left out."
    )

    @field_validator("questions")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        seen: set[str] = set()
        for index, slug in enumerate(value):
            if slug in seen:
                raise _duplicate("question", slug, index)
            seen.add(slug)
        return value


class PanelRoleShape(_Item):
    """How many panelists of one role an interview of this type has."""

    role: PanelRole
    min: int = Field(0, ge=0)
    max: int = Field(1, ge=1, validate_default=True)  # a `min` above the default max is an error too

    @field_validator("max")
    @classmethod
    def _max_at_least_min(cls, value: int, info: ValidationInfo) -> int:
        if value < info.data.get("min", 0):
            raise ValueError("max must be at least min")
        return value


class Resource(_Item):
    """A link an interviewer may want."""

    title: Name
    url: str = ""


class InterviewTypeDoc(_Item):
    """`kind: interview_type`: a kind of interview with its panel shape and guidance."""

    kind: Literal["interview_type"]
    slug: Slug
    name: Name
    description: str = ""
    duration_minutes: int = Field(gt=0, le=24 * 60)
    panel: list[PanelRoleShape] = Field(min_length=1)
    candidate_prep: str = ""
    must_do_before: list[str] = Field(default_factory=list)
    guidance_during: list[str] = Field(default_factory=list)
    look_for: list[str] = Field(default_factory=list)
    resources: list[Resource] = Field(default_factory=list)

    @field_validator("panel")
    @classmethod
    def _roles_once(cls, value: list[PanelRoleShape]) -> list[PanelRoleShape]:
        _unique(value, "role", "role")
        return value


class Stage(_Item):
    """One ordered step of a loop."""

    key: Key
    name: Name
    required: bool = True
    interview_type: Slug | None = None
    question_sets: list[Slug] = Field(
        default_factory=list, description="Alternative question sets that panelists rotate through."
    )


class LoopDoc(_Item):
    """`kind: loop`: a role's interview plan."""

    kind: Literal["loop"]
    slug: Slug
    name: Name
    role: Name
    rubric: Slug
    hiring_channel: ChannelId = ""
    hiring_manager: UserId = ""
    recruiter: UserId = ""
    stages: list[Stage] = Field(min_length=1)

    @field_validator("stages")
    @classmethod
    def _stage_keys(cls, value: list[Stage]) -> list[Stage]:
        _unique(value, "key", "stage")
        return value


Doc = RubricDoc | QuestionDoc | QuestionSetDoc | InterviewTypeDoc | LoopDoc

KINDS: dict[str, type[_Item]] = {
    "rubric": RubricDoc,
    "question": QuestionDoc,
    "question_set": QuestionSetDoc,
    "interview_type": InterviewTypeDoc,
    "loop": LoopDoc,
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
