"""Every Block Kit type loopbot sends, as the HTML page draws it; unknown types are shown, never dropped."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import slack_sdk.models.blocks as sdk
from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    CheckboxesElement,
    ConfirmObject,
    ContextBlock,
    ConversationSelectElement,
    DatePickerElement,
    DateTimePickerElement,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    OptionGroup,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
    TimePickerElement,
    UserMultiSelectElement,
    UserSelectElement,
)

from bot.demo.blocks_html import block_html, home_html, message_html, modal_html
from bot.demo.mrkdwn import Reader

ROOT = Path(__file__).resolve().parents[3]
NAMES = {"U1": "Ada Lovelace", "C1": "hiring"}
READER = Reader(tz="Europe/Berlin", names=lambda i: NAMES.get(i, i))
OPTIONS = [Option(text="Strong No", value="strong_no"), Option(text="Yes", value="yes")]


def _input(element: Any, **kw: Any) -> dict[str, Any]:
    block: dict[str, Any] = InputBlock(label="Pick", element=element, block_id="b", **kw).to_dict()
    return block


def _html(block: dict[str, Any]) -> str:
    return block_html(block, READER)


def _count(needle: str, html: str) -> int:
    return html.count(needle)


# type -> (a block using it, a check of its HTML)
SAMPLES: dict[str, tuple[Callable[[], dict[str, Any]], Callable[[str], bool]]] = {
    "section": (
        lambda: SectionBlock(
            text="*Q1*", fields=["*Role:* lead", "b"], accessory=ButtonElement(text="Open", action_id="o")
        ).to_dict(),
        lambda h: _count('class="field"', h) == 2 and "<b>Q1</b>" in h and 'class="accessory"><button' in h,
    ),
    "header": (
        lambda: HeaderBlock(text="Prep :lock:").to_dict(),
        lambda h: '<h4 class="header-text">Prep <svg' in h,
    ),
    "context": (
        lambda: ContextBlock(
            elements=[MarkdownTextObject(text="_note_"), PlainTextObject(text="p")]
        ).to_dict(),
        lambda h: 'class="block context"' in h and "<i>note</i>" in h,
    ),
    "mrkdwn": (
        lambda: ContextBlock(elements=[MarkdownTextObject(text="*x*")]).to_dict(),
        lambda h: "<b>x</b>" in h,
    ),
    "plain_text": (
        lambda: ContextBlock(elements=[PlainTextObject(text="*x*")]).to_dict(),
        lambda h: "*x*" in h and "<b>" not in h,
    ),
    "divider": (lambda: DividerBlock().to_dict(), lambda h: "<hr>" in h),
    "actions": (
        lambda: ActionsBlock(
            elements=[ButtonElement(text="A", action_id="a"), ButtonElement(text="B", action_id="b")]
        ).to_dict(),
        lambda h: _count('<button type="button"', h) == 2,
    ),
    "button": (
        lambda: ActionsBlock(
            elements=[
                ButtonElement(text="Go", action_id="go", style="primary"),
                ButtonElement(
                    text="Cancel interview",
                    action_id="cancel",
                    style="danger",
                    confirm=ConfirmObject(title="Cancel this?", text="Sure?", confirm="Yes", deny="No"),
                ),
            ]
        ).to_dict(),
        lambda h: (
            'class="btn primary"' in h
            and 'class="btn danger"' in h
            and 'title="Asks first: Cancel this?"' in h
        ),
    ),
    "input": (
        lambda: _input(PlainTextInputElement(action_id="t"), optional=True, hint="Say why"),
        lambda h: (
            '<div class="label">Pick <span class="optional">(optional)</span>' in h
            and '<div class="hint">Say why</div>' in h
        ),
    ),
    "plain_text_input": (
        lambda: _input(PlainTextInputElement(action_id="t", multiline=True, initial_value="<typed>")),
        lambda h: 'class="control text-input plain_text_input multiline"' in h and "&lt;typed&gt;" in h,
    ),
    "number_input": (
        lambda: _input(NumberInputElement(action_id="n", is_decimal_allowed=False, initial_value="45")),
        lambda h: "number_input" in h and ">45<" in h,
    ),
    "radio_buttons": (
        lambda: _input(RadioButtonsElement(action_id="r", options=OPTIONS, initial_option=OPTIONS[1])),
        lambda h: _count('role="radio"', h) == 2 and _count('aria-checked="true"', h) == 1,
    ),
    "checkboxes": (
        lambda: _input(CheckboxesElement(action_id="c", options=OPTIONS, initial_options=OPTIONS)),
        lambda h: _count('role="checkbox" aria-checked="true"', h) == 2,
    ),
    "static_select": (
        lambda: _input(
            StaticSelectElement(
                action_id="s",
                option_groups=[OptionGroup(label="Group", options=OPTIONS)],
                initial_option=OPTIONS[1],
            )
        ),
        lambda h: 'class="control select static_select"' in h and ">Yes<" in h and "▾" in h,
    ),
    "conversations_select": (
        lambda: _input(ConversationSelectElement(action_id="c", initial_conversation="C1")),
        lambda h: '<span class="chip">hiring</span>' in h,
    ),
    "users_select": (
        lambda: _input(UserSelectElement(action_id="u", placeholder="Pick a lead")),
        lambda h: '<span class="placeholder">Pick a lead</span>' in h,
    ),
    "multi_users_select": (
        lambda: _input(UserMultiSelectElement(action_id="u", initial_users=["U1", "U9"])),
        lambda h: '<span class="chip">Ada Lovelace</span>' in h and '<span class="chip">U9</span>' in h,
    ),
    "datetimepicker": (
        lambda: _input(DateTimePickerElement(action_id="d", initial_date_time=1898931600)),
        lambda h: "Tue 05 Mar 2030 at 10:00 CET" in h and 'class="icon"' in h,
    ),
    "datepicker": (
        lambda: _input(DatePickerElement(action_id="d", initial_date="2030-03-05")),
        lambda h: "Tue 05 Mar 2030" in h,
    ),
    "timepicker": (
        lambda: _input(TimePickerElement(action_id="t", initial_time="09:30")),
        lambda h: ">09:30<" in h,
    ),
}


def types_loopbot_sends() -> set[str]:
    """The Block Kit types of every slack_sdk block and element class loopbot's code builds."""
    names = {
        name
        for folder in ("blocks", "handlers", "bot")
        for path in (ROOT / folder).rglob("*.py")
        for name in re.findall(
            r"\b([A-Z]\w*(?:Block|Element|TextObject))\(", path.read_text(encoding="utf-8")
        )
    }
    types = {getattr(getattr(sdk, n), "type", None) for n in names if hasattr(sdk, n)}
    return {t for t in types if isinstance(t, str)}


def test_every_type_loopbot_sends_has_a_rendering_test() -> None:
    sent = types_loopbot_sends()
    assert {"section", "input", "button", "datetimepicker"} <= sent, sent
    assert sorted(sent - set(SAMPLES)) == [], "add a sample to SAMPLES for each"


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_each_type_renders_as_slack_draws_it(kind: str) -> None:
    build, check = SAMPLES[kind]
    html = _html(build())
    assert "unsupported" not in html
    assert check(html), html


def test_unknown_blocks_and_elements_are_shown_not_dropped() -> None:
    block = _html({"type": "video", "title": {"type": "plain_text", "text": "x"}})
    assert block == '<div class="block unknown" data-type="video">[unsupported block: video]</div>'
    element = _html({"type": "actions", "elements": [{"type": "workflow_button", "text": "x"}]})
    assert (
        '<span class="unknown" data-type="workflow_button">[unsupported element: workflow_button]</span>'
        in element
    )
    assert "&lt;b&gt;" in _html({"type": "<b>"})


def test_a_message_without_blocks_shows_its_text() -> None:
    assert "<b>Hi</b> there" in message_html({"text": "*Hi* there"}, READER)


def test_a_modal_is_a_dialog_with_title_close_and_submit_and_its_inline_errors() -> None:
    view: dict[str, Any] = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Interview feedback"},
        "submit": {"type": "plain_text", "text": "Submit feedback"},
        "close": {"type": "plain_text", "text": "Save for later"},
        "blocks": [
            _input(RadioButtonsElement(action_id="r", options=OPTIONS)),
            InputBlock(label="Summary", block_id="s", element=PlainTextInputElement(action_id="t")).to_dict(),
        ],
        "state": {"values": {"s": {"t": {"type": "plain_text_input", "value": "Great"}}}},
    }
    html = modal_html(view, READER, {"b": "Pick a rating"})
    assert html.startswith('<div class="modal has-errors" role="dialog" aria-label="Interview feedback">')
    assert "<h3>Interview feedback</h3>" in html
    assert '<button type="button" class="btn">Save for later</button>' in html
    assert '<button type="button" class="btn primary">Submit feedback</button>' in html
    assert 'class="block input has-error" data-block-id="b"' in html
    assert '<div class="error" role="alert">Pick a rating</div>' in html
    assert "The form stays open: 1 field needs attention." in html
    assert ">Great</div>" in html, "what was typed stays in the form"
    assert 'class="modal"' in modal_html({"type": "modal", "blocks": []}, READER)


def test_app_home_is_a_tab_view() -> None:
    html = home_html({"type": "home", "blocks": [HeaderBlock(text="loopbot").to_dict()]}, READER)
    assert html.startswith('<div class="home-view blocks">')
    assert "loopbot</h4>" in html
