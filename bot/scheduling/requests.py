"""What a caller asks to schedule, and how a refusal is reported."""

from __future__ import annotations

import re

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from models import PanelRole

# bot/content/yamlsrc.py turns these exact patterns into friendly messages: change both together.
_USER = r"^[UW][A-Z0-9]{2,31}$"
_CHANNEL = r"^[CG][A-Z0-9]{2,31}$"  # a channel the digest can go to: public or private, not a DM
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
    """One interview to schedule; the type defaults to the stage's, the duration to the type's."""

    stage: str
    start: AwareDatetime
    duration_minutes: int | None = Field(None, le=24 * 60)  # <= 0 is reported by create._Checker
    panel: list[PanelistIn] = Field(min_length=1, max_length=50)
    recording_consent: bool = False
    type: str | None = None


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
    """The request cannot be scheduled; `problems` holds (field path, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{path}: {message}" for path, message in problems))
        self.problems = problems
