"""What a caller asks to schedule, and how a refusal is reported."""

from __future__ import annotations

import re

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from models import PanelRole

# bot/content/yamlsrc.py turns these exact patterns into friendly messages: change both together.
_USER = r"^[UW][A-Z0-9]{2,31}$"
_CHANNEL = r"^[CG][A-Z0-9]{2,31}$"  # a channel the digest can go to: public or private, not a DM
SUGGEST = "suggest"  # `panel: suggest`: loopbot fills the panel from the type's pool
MAX_MINUTES = 24 * 60
# A name is one line of printable text: line breaks, tabs and other control characters become spaces.
_NOT_PRINTABLE = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u2028\u2029]+")


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PanelistIn(_In):
    """A panelist: Slack user id, role, and a question set slug (None or "auto" = assign automatically)."""

    user: str = Field(pattern=_USER)
    role: PanelRole
    question_set: str | None = None

    @field_validator("question_set")
    @classmethod
    def _auto(cls, value: str | None) -> str | None:
        return None if value in (None, "", "auto") else value


class InterviewIn(_In):
    """One interview to schedule; the type defaults to the stage's, the duration to the type's.

    `panel: suggest` (read as `suggest=True` and no panelists yet) asks loopbot to choose the panel
    from the type's pool (bot/scheduling/create.py `fill_suggested`)."""

    stage: str
    start: AwareDatetime
    duration_minutes: int | None = None  # <= 0 is reported by create._Checker
    suggest: bool = False
    panel: list[PanelistIn] = Field(max_length=50)
    recording_consent: bool = False
    type: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _suggested(cls, data: object) -> object:
        panel = data.get("panel") if isinstance(data, dict) else None
        if isinstance(data, dict) and isinstance(panel, str) and panel.strip() == SUGGEST:
            return {**data, "panel": [], "suggest": True}
        return data

    @field_validator("panel", mode="before")
    @classmethod
    def _list_or_suggest(cls, value: object) -> object:
        if isinstance(value, str):
            raise ValueError(
                "give the panelists as a list (user, role), or `suggest` for loopbot to choose them from "
                "the interview type's pool"
            )
        return value

    @field_validator("panel")
    @classmethod
    def _someone(cls, value: list[PanelistIn], info: ValidationInfo) -> list[PanelistIn]:
        if not value and not info.data.get("suggest"):
            raise ValueError("give at least a lead, or `panel: suggest`")
        return value

    @field_validator("duration_minutes")
    @classmethod
    def _at_most_a_day(cls, value: int | None) -> int | None:
        if value is not None and value > MAX_MINUTES:
            raise ValueError(
                f"{value} minutes is longer than a day: give the length in minutes, at most {MAX_MINUTES}"
            )
        return value


class ScheduleRequest(_In):
    """A candidate's loop to schedule; channel and people default to the loop's."""

    candidate: str = Field(min_length=1, max_length=200)
    loop: str
    hiring_channel: str | None = Field(None, pattern=_CHANNEL)
    recruiter: str | None = Field(None, pattern=_USER)
    hiring_manager: str | None = Field(None, pattern=_USER)
    interviews: list[InterviewIn] = Field(min_length=1, max_length=50)

    @field_validator("candidate", mode="before")
    @classmethod
    def _one_line(cls, value: object) -> object:
        return _NOT_PRINTABLE.sub(" ", value).strip() if isinstance(value, str) else value


class SchedulingError(Exception):
    """The request cannot be scheduled; `problems` holds (field path, message) pairs.

    `over_limit`: every problem is a load limit, which the modal lets the user confirm past."""

    def __init__(self, problems: list[tuple[str, str]], over_limit: bool = False) -> None:
        super().__init__("; ".join(f"{path}: {message}" for path, message in problems))
        self.problems = problems
        self.over_limit = over_limit
