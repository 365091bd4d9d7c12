"""The pieces content documents are made of: the shared field types and the nested items.

Every field carries a description: examples/content/README.md is generated from them (bot/content/docs.py).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

SLUG_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
Slug = Annotated[
    str,
    Field(
        min_length=1,
        max_length=100,
        pattern=SLUG_PATTERN,
        description="Lower-case letters, digits, '-' and '_'; unique among items of its kind.",
    ),
]
Key = Annotated[str, Field(min_length=1, max_length=100, pattern=SLUG_PATTERN)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
UserId = Annotated[
    str, Field(pattern=r"^([UW][A-Z0-9]{2,31})?$", description="A Slack user id, e.g. U0123ABCD.")
]
# A person named in a content file: their Slack member id, or their email in the workspace (looked up
# with users.lookupByEmail when the content is imported).
EMAIL_PATTERN = r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+"
PERSON_PATTERN = rf"^(([UW][A-Z0-9]{{2,31}})|({EMAIL_PATTERN}))?$"
Person = Annotated[
    str,
    Field(
        pattern=PERSON_PATTERN,
        max_length=254,
        description=(
            "A Slack member id (U0123ABCD: profile, then Copy member ID) or the person's email in the "
            "workspace (rita@example.com), looked up when the content is imported."
        ),
    ),
]
ChannelId = Annotated[
    str, Field(pattern=r"^([CG][A-Z0-9]{2,31})?$", description="A Slack channel id, e.g. C0123ABCD.")
]
SHORT_MAX = 24

DEFAULT_SCALE = [
    {"key": "strong_no", "label": "Strong No"},
    {"key": "no", "label": "No"},
    {"key": "yes", "label": "Yes"},
    {"key": "strong_yes", "label": "Strong Yes"},
]


class Item(BaseModel):
    # Unknown fields are errors, so a typo'd field name is reported instead of silently ignored.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# An error about one item of a list: `index` (and `field`) in its context say which, so that the
# problem is reported at the duplicate's own line (bot/content/yamlsrc.py).
DUPLICATE = "duplicate"


def duplicate(what: str, key: str, index: int, field: str = "") -> PydanticCustomError:
    context = {"what": what, "key": repr(key), "index": index, "field": field}
    return PydanticCustomError(DUPLICATE, "{what} {key} appears more than once", context)


def unique(values: list[Any], attr: str, what: str) -> None:
    """Refuse a list whose items repeat `attr` (reported at the repeat)."""
    seen: set[str] = set()
    for index, value in enumerate(values):
        key = getattr(value, attr)
        if key in seen:
            raise duplicate(what, key, index, attr)
        seen.add(key)


def distinct(values: list[str] | None, what: str) -> list[str] | None:
    """Refuse a list of strings that repeats one (reported at the repeat)."""
    seen: set[str] = set()
    for index, value in enumerate(values or []):
        if value in seen:
            raise duplicate(what, value, index)
        seen.add(value)
    return values


class ScaleLevel(Item):
    """One named level of a rating scale."""

    key: Key = Field(description="Stored with each rating; 'no_signal' is reserved.")
    label: Annotated[str, Field(min_length=1, max_length=75)] = Field(
        description="What the feedback form and the digest show for this level."
    )


class Category(Item):
    """One thing a candidate is judged on."""

    key: Key = Field(
        description="Names the category in questions and `focus:` lists; ratings are stored by it, so it "
        "must be unique across the rubrics one loop uses."
    )
    name: Name = Field(description="The question the interviewer answers, on the form and in the prep.")
    short: Annotated[str, Field(min_length=1, max_length=SHORT_MAX)] | None = Field(
        None,
        description=f"A label of at most {SHORT_MAX} characters for the digest's matrix; left out, the "
        "name is shortened at a word boundary. The digest's legend gives the full name.",
    )
    description: str = Field("", description="What it means; the rating's hint on the feedback form.")
    attributes: list[str] = Field(
        default_factory=list,
        description="What it is made of, e.g. 'Curiosity: asks why'. In an interview without a question "
        "set each one is a signal checkbox on the feedback form.",
    )


class PanelRoleShape(Item):
    """How many panelists of one role an interview of this type has."""

    role: Literal["lead", "interviewer", "shadow"] = Field(
        description="lead (runs the interview), interviewer, or shadow (observes; feedback optional). A "
        "trainee's reverse_shadow takes the shadow seat."
    )
    min: int = Field(0, ge=0, description="The fewest panelists of this role.")
    # A `min` above the default max is an error too, hence validate_default.
    max: int = Field(1, ge=1, validate_default=True, description="The most panelists of this role.")

    @field_validator("max")
    @classmethod
    def _max_at_least_min(cls, value: int, info: ValidationInfo) -> int:
        if value < info.data.get("min", 0):
            raise ValueError("max must be at least min")
        return value


class Resource(Item):
    """A link an interviewer may want."""

    title: Name = Field(description="What the prep shows.")
    url: str = Field("", description="An http(s) address; shown as a link.")
