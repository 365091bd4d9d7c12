"""Content for the interviewer program: `kind: interviewer_pool`, and a type's training and dry-run rules.

The live state (sessions done, graduation, dry runs) is in the database; these files give only the
starting point and the rules, so importing them again never erases what people have earned.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from bot.content.schema_parts import Item, Name, Person, Slug, distinct, unique
from models import MemberState

Limit = Annotated[int, Field(ge=1, le=50)]


class TrainingRule(Item):
    """How a trainee of an interview type graduates: sessions, agreement and who confirms."""

    shadow: int = Field(2, ge=0, le=20, description="Sessions the trainee shadows (observes and scores).")
    reverse_shadow: int = Field(
        1, ge=0, le=20, description="Sessions the trainee leads while a qualified lead observes."
    )
    agreement: float = Field(
        0.75,
        ge=0,
        le=1,
        description="The share of categories (over the latest required sessions) the trainee must rate "
        "close to the qualified interviewer's rating: at most one step apart and on the same side of the "
        "scale's middle (No against Yes is not close; an odd scale's central level counts as "
        "either side). A category either of them left at no signal is not compared, and a session "
        "with no category rated by both counts neither as a session nor towards the agreement.",
    )
    approver: Literal["hiring_manager", "any_qualified", "none"] = Field(
        "hiring_manager",
        description="Who confirms the graduation with one click: the loop's hiring manager, any qualified "
        "interviewer of the type, or nobody (graduates as soon as the numbers are met).",
    )


class DryRunRule(Item):
    """A rehearsal someone must do before they first lead an interview of this type."""

    before_first_lead: bool = Field(True, description="Ask for a dry run before a person's first lead.")
    with_: Literal["hiring_manager", "any_qualified"] = Field(
        "hiring_manager",
        alias="with",
        description="Who rehearses with them and confirms it: the loop's hiring manager, or a qualified "
        "interviewer of the type.",
    )
    per: Literal["type", "question_set"] = Field(
        "type",
        description="Once per type, or again for every new exercise (question set) of the type.",
    )


class PoolMemberDoc(Item):
    """One person in a pool and what they may do in each of its interview types."""

    user: Person
    types: dict[Slug, MemberState] = Field(
        min_length=1,
        description="Their state per interview type of the pool: `trainee` (shadows, then reverse-shadows "
        "until graduated), `qualified`, `lead_only` (qualified, seated only as lead) or `observer_only` "
        "(only as a silent observer). Earned progress in the database is kept when this changes.",
    )
    weekly_limit: Limit | None = Field(
        None, description="Interviews a week at most; LOOPBOT_WEEKLY_LIMIT when left out."
    )
    daily_limit: Limit | None = Field(
        None, description="Interviews a day at most; LOOPBOT_DAILY_LIMIT when left out."
    )


class InterviewerPoolDoc(Item):
    """`kind: interviewer_pool`: who may staff which interview types, and where each of them stands."""

    kind: Literal["interviewer_pool"] = Field(description="Always `interviewer_pool`.")
    slug: Slug
    name: Name = Field(description="Shown in `loopbot interviewers` and App Home.")
    description: str = Field("", description="What the pool is for; not shown in Slack.")
    interview_types: list[Slug] = Field(min_length=1, description="The interview types the pool staffs.")
    members: list[PoolMemberDoc] = Field(default_factory=list, description="The people in the pool.")

    @field_validator("interview_types")
    @classmethod
    def _types_once(cls, value: list[str]) -> list[str]:
        distinct(value, "interview type")
        return value

    @field_validator("members")
    @classmethod
    def _members_once(cls, value: list[PoolMemberDoc]) -> list[PoolMemberDoc]:
        unique(value, "user", "member")
        return value
