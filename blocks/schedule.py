"""The scheduling modal (candidate, loop, channel, interviews with panels) and the move / reassign modals."""

from __future__ import annotations

import re
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    ConversationFilter,
    ConversationSelectElement,
    DateTimePickerElement,
    DividerBlock,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
    UserMultiSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from blocks import kit_text as kt
from blocks import limits
from blocks.ids import ActionId, BlockId, CallbackId
from blocks.schedule_form import (
    AUTO,
    CANDIDATE_MAX,
    MAX_INTERVIEWS,
    SCHEDULE_ANYWAY,
    ChangeMeta,
    Choices,
    InterviewForm,
    LoopChoice,
    ScheduleForm,
    ScheduleMeta,
    panel_block,
)
from blocks.text import esc, esc_name, mention, slack_date
from models import Interview, PanelRole

FIELD = ActionId.SCHEDULE_FIELD
_USER_ID = re.compile(r"\b[UW][A-Z0-9]{2,31}\b")


def _options(pairs: list[tuple[str, str]]) -> list[Option]:
    return [Option(text=limits.truncate(name or key, limits.OPTION_TEXT), value=key) for key, name in pairs][
        :100
    ]


def _select(
    options: list[Option], initial: str | None, placeholder: str, action_id: str = FIELD
) -> StaticSelectElement:
    chosen = next((o for o in options if o.value == initial), None)
    return StaticSelectElement(
        action_id=action_id, options=options, initial_option=chosen, placeholder=placeholder
    )


def _users(initial: list[str], most: int | None = None) -> UserMultiSelectElement:
    return UserMultiSelectElement(
        action_id=FIELD, initial_users=initial or None, max_selected_items=most, placeholder="Choose people"
    )


def _panel_blocks(n: int, form: InterviewForm, rev: int) -> list[Block]:
    """The panel's user inputs (a reverse shadow only once someone is in that seat), and why a
    suggested panel is who it is."""
    seats = [
        (PanelRole.LEAD, "Lead", form.lead, 1),
        (PanelRole.INTERVIEWER, "Interviewers", form.interviewers, None),
        (PanelRole.SHADOW, "Shadows (silent observers)", form.shadows, None),
    ]
    if form.reverse_shadows:
        seats.append(
            (
                PanelRole.REVERSE_SHADOW,
                "Reverse shadow (a trainee leads, the lead observes)",
                form.reverse_shadows,
                1,
            )
        )
    blocks: list[Block] = [
        InputBlock(
            block_id=panel_block(role, n, rev), label=label, element=_users(users, most), optional=True
        )
        for role, label, users, most in seats
    ]
    if form.reasons:
        text = limits.truncate("\n".join(form.reasons), limits.SECTION_TEXT)
        blocks.append(
            ContextBlock(block_id=f"{BlockId.SUGGESTED}{n}", elements=[MarkdownTextObject(text=text)])
        )
    return blocks


def over_limit_blocks(messages: list[str], confirmed: str | None = None) -> list[Block]:
    """Who a submission takes over their load limit, and the box that schedules anyway (none when
    nobody is over). The box's action id carries the warning's digest: a different warning gets a box
    Slack does not keep ticked (it keeps an input's value only for the same block and action id)."""
    if not messages:
        return []
    anyway = Option(text="Schedule anyway", value=SCHEDULE_ANYWAY)
    lines = [_USER_ID.sub(lambda m: mention(m.group(0)), esc(message)) for message in messages]
    text = ":warning: *Over a load limit:*\n" + "\n".join(f"• {line}" for line in lines)
    return [
        SectionBlock(text=MarkdownTextObject(text=limits.truncate(text, limits.SECTION_TEXT))),
        InputBlock(
            block_id=BlockId.OVER_LIMIT,
            label="Confirm",
            optional=True,
            hint="Tick to schedule over the limit, or change the panel.",
            element=CheckboxesElement(action_id=f"{FIELD}_{(confirmed or '')[:12]}", options=[anyway]),
        ),
    ]


def _interview_blocks(
    n: int, form: InterviewForm, loop: LoopChoice, choices: Choices, rev: int
) -> list[Block]:
    sets = [(AUTO, "Automatic (panelists don't repeat each other)"), *loop.question_sets]
    consent = Option(text="The candidate agreed to be recorded", value="yes")
    blocks: list[Block] = [DividerBlock(), SectionBlock(text=MarkdownTextObject(text=f"*Interview {n + 1}*"))]
    if loop.stages:
        element = _select(_options(loop.stages), form.stage, "Choose a stage")
        blocks.append(InputBlock(block_id=f"{BlockId.STAGE}{n}", label="Stage", element=element))
    if choices.types:
        element = _select(_options(choices.types), form.type, "The stage's type")
        blocks.append(
            InputBlock(
                block_id=f"{BlockId.TYPE}{n}",
                label="Interview type",
                element=element,
                optional=True,
                hint="Leave empty for the stage's usual type.",
            )
        )
    blocks += [
        InputBlock(
            block_id=f"{BlockId.START}{n}",
            label="Starts at",
            element=DateTimePickerElement(action_id=FIELD, initial_date_time=form.start),
        ),
        InputBlock(
            block_id=f"{BlockId.DURATION}{n}",
            label="Duration (minutes)",
            optional=True,
            hint="Leave empty for the interview type's usual length.",
            element=NumberInputElement(
                action_id=FIELD,
                is_decimal_allowed=False,
                min_value=5,
                max_value=600,
                initial_value=form.duration,
            ),
        ),
        *_panel_blocks(n, form, rev),
        InputBlock(
            block_id=f"{BlockId.QUESTION_SET}{n}",
            label="Lead's question set",
            optional=True,
            element=_select(_options(sets), form.question_set or AUTO, "Automatic"),
        ),
        InputBlock(
            block_id=f"{BlockId.CONSENT}{n}",
            label="Recording",
            optional=True,
            element=CheckboxesElement(
                action_id=FIELD, options=[consent], initial_options=[consent] if form.consent else None
            ),
        ),
    ]
    return blocks


def schedule_view(choices: Choices, form: ScheduleForm | None = None) -> View:
    """The scheduling modal; interview groups appear once a loop is chosen."""
    form = form or ScheduleForm()
    loop = choices.loop(form.loop) or (choices.loops[0] if len(choices.loops) == 1 else None)
    channel = form.channel or (loop.hiring_channel if loop else None) or None
    blocks: list[Block] = [
        InputBlock(
            block_id=BlockId.CANDIDATE,
            label="Candidate name",
            element=PlainTextInputElement(
                action_id=FIELD,
                initial_value=form.candidate or None,
                max_length=CANDIDATE_MAX,
                placeholder="Full name",
            ),
        ),
        InputBlock(
            block_id=BlockId.LOOP,
            label="Loop",
            dispatch_action=True,
            element=_select(
                _options([(x.slug, x.name) for x in choices.loops]),
                loop.slug if loop else None,
                "Choose a loop",
                ActionId.CHOOSE_LOOP,
            ),
        ),
        InputBlock(
            block_id=BlockId.CHANNEL,
            label="Hiring channel",
            optional=True,
            hint="Where the debrief digest goes; empty for the loop's channel.",
            element=ConversationSelectElement(
                action_id=FIELD,
                initial_conversation=channel,
                filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
            ),
        ),
    ]
    count = len(form.interviews)
    if form.over_limit:
        blocks += over_limit_blocks(form.over_limit, form.confirmed)
    if loop is None:
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text="Choose a loop to plan its interviews.")])
        )
    else:
        for n, interview in enumerate(form.interviews):
            blocks += _interview_blocks(n, interview, loop, choices, form.rev)
        tools = [ButtonElement(text="Suggest panel", action_id=ActionId.SUGGEST_PANEL)]
        if count < MAX_INTERVIEWS:
            tools.append(
                ButtonElement(text="Add interview", action_id=ActionId.ADD_INTERVIEW, value=str(count))
            )
        if count > 1:
            tools.append(ButtonElement(text="Remove last interview", action_id=ActionId.REMOVE_INTERVIEW))
        if tools:
            blocks.append(ActionsBlock(block_id=BlockId.INTERVIEW_TOOLS, elements=tools))
    confirmed = form.confirmed if form.over_limit else None
    meta = ScheduleMeta(
        loop=loop.slug if loop else None, count=count, rev=form.rev, confirmed=confirmed
    ).model_dump_json()
    view = View(
        type="modal",
        callback_id=CallbackId.SCHEDULE,
        title="Schedule a candidate",
        submit="Schedule",
        close="Cancel",
        private_metadata=meta,
        blocks=blocks,
    )
    limits.check_view(view)
    return view


def scheduled_view(candidate: str, interviews: list[Interview]) -> View:
    """The confirmation that replaces the modal once the loop is scheduled."""
    lines = [f":white_check_mark: *{esc_name(candidate)}* is scheduled:"]
    for i in interviews:
        panel = ", ".join(f"{mention(s.user_id)} ({kt.role_name(s.role).lower()})" for s in i.panel)
        lines.append(f"• {kt.type_name(i)} on {slack_date(i.starts_at)}: {panel}")
    lines.append("Each panelist gets their prep before the interview; `/loop status` shows progress.")
    text = limits.truncate("\n".join(lines), limits.SECTION_TEXT)
    return View(
        type="modal",
        title="Scheduled",
        close="Done",
        blocks=[SectionBlock(text=MarkdownTextObject(text=text))],
    )


def move_view(
    interview: Interview, over_limit: list[str] | None = None, confirmed: str | None = None
) -> View:
    """Pick a new start for an interview (its length is kept); `over_limit` asks to confirm a load
    (`confirmed`, its digest, goes in the metadata)."""
    return View(
        type="modal",
        callback_id=CallbackId.MOVE_INTERVIEW,
        title="Move interview",
        submit="Move",
        close="Cancel",
        private_metadata=ChangeMeta(interview_id=interview.id, confirmed=confirmed).model_dump_json(
            exclude_none=True
        ),
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(text=f"{kt.what(interview)}, now {slack_date(interview.starts_at)}.")
            ),
            InputBlock(
                block_id=BlockId.NEW_START,
                label="New start",
                element=DateTimePickerElement(
                    action_id=FIELD, initial_date_time=int(interview.starts_at.timestamp())
                ),
            ),
            ContextBlock(
                elements=[MarkdownTextObject(text="The panel is told, and their prep follows the new time.")]
            ),
            *over_limit_blocks(over_limit or [], confirmed),
        ],
    )


def reassign_view(
    interview: Interview, over_limit: list[str] | None = None, confirmed: str | None = None
) -> View:
    """Swap one panelist for someone else (seat, role and questions pass to the new person);
    `over_limit` asks to confirm a load (`confirmed`, its digest, goes in the metadata)."""

    def label(seat: Any) -> str:
        gone = " · can't make it" if seat.declined_at is not None else ""
        return f"{mention(seat.user_id)} · {kt.role_name(seat.role).lower()}{gone}"

    options = [Option(text=MarkdownTextObject(text=label(s)), value=s.user_id) for s in interview.panel]
    declined = next(
        (o for o, s in zip(options, interview.panel, strict=True) if s.declined_at is not None), None
    )
    old: RadioButtonsElement | StaticSelectElement
    if len(options) <= limits.CHOICE_OPTIONS:
        old = RadioButtonsElement(action_id=FIELD, options=options, initial_option=declined)
    else:  # plain text cannot show a mention: fall back to ids
        old = StaticSelectElement(
            action_id=FIELD, options=_options([(s.user_id, s.user_id) for s in interview.panel])
        )
    return View(
        type="modal",
        callback_id=CallbackId.REASSIGN,
        title="Reassign a panelist",
        submit="Reassign",
        close="Cancel",
        private_metadata=ChangeMeta(interview_id=interview.id, confirmed=confirmed).model_dump_json(
            exclude_none=True
        ),
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(text=f"{kt.what(interview)}, {slack_date(interview.starts_at)}.")
            ),
            InputBlock(block_id=BlockId.OLD_USER, label="Who is replaced", element=old),
            InputBlock(
                block_id=BlockId.NEW_USER,
                label="Who takes their place",
                element=UserSelectElement(action_id=FIELD, placeholder="Choose a person"),
            ),
            *over_limit_blocks(over_limit or [], confirmed),
        ],
    )
