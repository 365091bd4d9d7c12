"""The scheduling modal's form: what was typed (read back from `state.values`) and where errors go.

Block ids carry the interview's index (`sched_stage__0`), so the form can be rebuilt with one more
interview without losing what was typed, and each scheduling problem lands on the right input.

The panel inputs also carry a revision once a panel has been suggested (`sched_lead__0_1`): Slack keeps
what an input holds across views.update while its block_id and action_id stay the same, ignoring the
new initial value, so a suggestion has to come in new blocks to show up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field

from blocks import limits
from blocks.ids import BlockId
from bot.guard.inputs import MAX_ID, is_channel_id, is_user_id
from models import PanelRole

AUTO = "auto"
MAX_INTERVIEWS = 7  # interview groups one scheduling modal holds (it has 100 blocks)
CANDIDATE_MAX = 200  # the candidate input's max_length, as the modal declares it
ROLE_BLOCKS = {
    PanelRole.LEAD: BlockId.LEAD,
    PanelRole.INTERVIEWER: BlockId.INTERVIEWERS,
    PanelRole.SHADOW: BlockId.SHADOWS,
    PanelRole.REVERSE_SHADOW: BlockId.REVERSE_SHADOWS,
}
SCHEDULE_ANYWAY = "yes"
DIGEST = r"^[0-9a-f]{64}$"  # bot/interviewers/limits.py `digest`


def panel_block(role: PanelRole, n: int, rev: int) -> str:
    """The block_id of interview `n`'s input for `role`, at panel revision `rev`."""
    return f"{ROLE_BLOCKS[role]}{n}" + (f"_{rev}" if rev else "")


@dataclass(frozen=True)
class LoopChoice:
    """A loop the user may schedule, with what its interviews can be."""

    slug: str
    name: str
    hiring_channel: str = ""
    stages: list[tuple[str, str]] = field(default_factory=list)  # (key, name)
    question_sets: list[tuple[str, str]] = field(default_factory=list)  # (slug, name)


@dataclass(frozen=True)
class Choices:
    loops: list[LoopChoice]
    types: list[tuple[str, str]] = field(default_factory=list)  # (slug, name)

    def loop(self, slug: str | None) -> LoopChoice | None:
        return next((x for x in self.loops if x.slug == slug), None)


@dataclass
class InterviewForm:
    stage: str | None = None
    type: str | None = None
    start: int | None = None  # unix seconds, as the datetimepicker gives it
    duration: str | None = None
    lead: list[str] = field(default_factory=list)
    interviewers: list[str] = field(default_factory=list)
    shadows: list[str] = field(default_factory=list)
    question_set: str | None = None
    consent: bool = False
    reverse_shadows: list[str] = field(default_factory=list)  # shown once a suggestion has one
    reasons: list[str] = field(default_factory=list)  # why the suggested panel (not read back)

    def panel(self) -> list[tuple[str, PanelRole]]:
        """(user, role) in the order the request lists them: lead, interviewers, shadows."""
        return (
            [(u, PanelRole.LEAD) for u in self.lead]
            + [(u, PanelRole.INTERVIEWER) for u in self.interviewers]
            + [(u, PanelRole.SHADOW) for u in self.shadows]
            + [(u, PanelRole.REVERSE_SHADOW) for u in self.reverse_shadows]
        )


@dataclass
class ScheduleForm:
    candidate: str = ""
    loop: str | None = None
    channel: str | None = None
    interviews: list[InterviewForm] = field(default_factory=lambda: [InterviewForm()])
    rev: int = 0  # the panel inputs' revision (see the module docstring)
    over_limit: list[str] = field(default_factory=list)  # load limits to confirm (not read back)
    confirmed: str | None = None  # their digest, kept in the metadata (bot/interviewers/limits.py)
    schedule_anyway: bool = False


class ScheduleMeta(BaseModel):
    """The scheduling modal's private_metadata; bounded, since a signed request can carry any."""

    loop: str | None = Field(None, max_length=100)
    count: int = Field(1, ge=1, le=MAX_INTERVIEWS)
    rev: int = Field(0, ge=0, le=10_000)
    confirmed: str | None = Field(None, pattern=DIGEST)  # the over-limit warning shown, as its digest


class ChangeMeta(BaseModel):
    """The move / reassign modals' private_metadata."""

    interview_id: int = Field(ge=1, le=MAX_ID)
    confirmed: str | None = Field(None, pattern=DIGEST)  # the over-limit warning shown, as its digest


def _value(action: dict[str, Any]) -> Any:
    kind = action.get("type")
    if kind in ("static_select", "radio_buttons"):
        return (action.get("selected_option") or {}).get("value")
    if kind == "conversations_select":
        return action.get("selected_conversation")
    if kind == "users_select":
        return action.get("selected_user")
    if kind == "multi_users_select":
        return list(action.get("selected_users") or [])
    if kind == "datetimepicker":
        return action.get("selected_date_time")
    if kind == "checkboxes":
        return [o["value"] for o in action.get("selected_options") or []]
    return action.get("value")


def values(state: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """state.values flattened to {block_id: value} (one element per block)."""
    return {block: _value(next(iter(actions.values()), {})) for block, actions in state.items()}


def _text(value: object) -> str | None:
    """A single choice or typed text; anything else (a list where one value belongs) counts as none."""
    return value if isinstance(value, str) and value else None


def _users(value: object) -> list[str]:
    """Chosen users: Slack user ids only (state_values has checked them; other kinds count as none)."""
    return [u for u in value if is_user_id(u)] if isinstance(value, list) else []


def parse_form(state: dict[str, dict[str, Any]], meta: ScheduleMeta) -> ScheduleForm:
    """The scheduling form as typed so far; `meta.count` is bounded, values of the wrong kind are dropped."""
    v = values(state)
    interviews = []
    for n in range(meta.count):
        start = v.get(f"{BlockId.START}{n}")
        qs = _text(v.get(f"{BlockId.QUESTION_SET}{n}"))

        def users(role: PanelRole, n: int = n) -> list[str]:
            return _users(v.get(panel_block(role, n, meta.rev)))

        interviews.append(
            InterviewForm(
                stage=_text(v.get(f"{BlockId.STAGE}{n}")),
                type=_text(v.get(f"{BlockId.TYPE}{n}")),
                start=start if isinstance(start, int) and not isinstance(start, bool) else None,
                duration=_text(v.get(f"{BlockId.DURATION}{n}")),
                lead=users(PanelRole.LEAD),
                interviewers=users(PanelRole.INTERVIEWER),
                shadows=users(PanelRole.SHADOW),
                question_set=None if qs in (None, AUTO) else qs,
                consent=bool(v.get(f"{BlockId.CONSENT}{n}")),
                reverse_shadows=users(PanelRole.REVERSE_SHADOW),
            )
        )
    anyway = v.get(BlockId.OVER_LIMIT)
    channel = _text(v.get(BlockId.CHANNEL))
    return ScheduleForm(
        candidate=_text(v.get(BlockId.CANDIDATE)) or "",
        loop=_text(v.get(BlockId.LOOP)) or meta.loop,
        channel=channel if is_channel_id(channel) else None,
        interviews=interviews,
        rev=meta.rev,
        schedule_anyway=isinstance(anyway, list) and SCHEDULE_ANYWAY in anyway,
    )


def start_of(form: InterviewForm) -> datetime | None:
    return datetime.fromtimestamp(form.start, UTC) if form.start else None


_ROLE_IN_MESSAGE = re.compile(r"(?:has no|needs [\d to]+) (lead|interviewer|shadow|reverse_shadow)\b")


def error_block(path: str, message: str, form: ScheduleForm) -> str:
    """The block_id that shows a scheduling problem at `path` (see bot.scheduling.SchedulingError)."""
    parts = path.split(".")
    top = {"candidate": BlockId.CANDIDATE, "loop": BlockId.LOOP, "hiring_channel": BlockId.CHANNEL}
    if parts[0] != "interviews" or len(parts) < 2 or not parts[1].isdigit():
        return top.get(parts[0], BlockId.CANDIDATE)
    n = int(parts[1])
    if n >= len(form.interviews):
        return BlockId.CANDIDATE
    rest = parts[2:]
    simple = {
        "stage": BlockId.STAGE,
        "type": BlockId.TYPE,
        "start": BlockId.START,
        "duration_minutes": BlockId.DURATION,
        "recording_consent": BlockId.CONSENT,
    }
    if rest and rest[0] in simple:
        return f"{simple[rest[0]]}{n}"
    if rest[:1] == ["panel"]:
        if len(rest) >= 3 and rest[2] == "question_set":
            return f"{BlockId.QUESTION_SET}{n}"
        panel = form.interviews[n].panel()
        if len(rest) >= 2 and rest[1].isdigit() and int(rest[1]) < len(panel):
            return panel_block(panel[int(rest[1])][1], n, form.rev)
        match = _ROLE_IN_MESSAGE.search(message)
        return panel_block(PanelRole(match.group(1)) if match else PanelRole.LEAD, n, form.rev)
    return f"{BlockId.STAGE}{n}"


def errors_for(problems: list[tuple[str, str]], form: ScheduleForm) -> dict[str, str]:
    """Inline errors by block_id; several problems on one block are joined."""
    errors: dict[str, list[str]] = {}
    for path, message in problems:
        errors.setdefault(error_block(path, message, form), []).append(message)
    return {block: limits.truncate("; ".join(dict.fromkeys(ms)), 2000) for block, ms in errors.items()}
