"""The limits slack_sdk does not check, enforced by blocks.limits."""

from __future__ import annotations

import pytest
from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    DividerBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from blocks import limits


def test_split_text_keeps_every_character_within_the_limit() -> None:
    text = "\n".join(f"line {n} " + "word " * 40 for n in range(200))
    pieces = limits.split_text(text, 3000)
    assert len(pieces) > 1
    assert all(len(p) <= 3000 for p in pieces)
    assert "".join(pieces).replace("\n", "") == text.replace("\n", "")


def test_split_text_never_cuts_an_entity_or_a_token() -> None:
    text = ("x" * 2997) + "&amp;" + ("x" * 2990) + "<@U123ABC> tail"
    pieces = limits.split_text(text, 3000)
    assert pieces[0] == "x" * 2997
    assert pieces[1] == "&amp;" + "x" * 2990
    assert pieces[2] == "<@U123ABC> tail"


def test_split_text_without_spaces_cuts_hard() -> None:
    pieces = limits.split_text("y" * 7000, 3000)
    assert [len(p) for p in pieces] == [3000, 3000, 1000]


def test_truncate_and_split_label() -> None:
    assert limits.truncate("short", 75) == "short"
    assert limits.truncate("a" * 100, 75) == "a" * 74 + "…"
    label, rest = limits.split_label("word " * 40)
    assert len(label) <= 75
    assert len(rest) <= 75
    assert rest.endswith("…")
    assert limits.split_label("fits") == ("fits", "")


def test_chunks_of_ten() -> None:
    assert [len(c) for c in limits.chunks(list(range(23)))] == [10, 10, 3]


def test_input_max_length_is_capped() -> None:
    assert limits.input_max_length(5000) == 3000
    assert limits.input_max_length(200) == 200


def test_pack_respects_block_count_and_keeps_groups_together() -> None:
    groups = [[DividerBlock(), SectionBlock(text=f"g{n}")] for n in range(40)]
    messages = limits.pack(groups, max_blocks=50)
    assert [len(m) for m in messages] == [50, 30]
    # A group never straddles two messages: every message starts with a divider.
    assert all(m[0].type == "divider" for m in messages)


def test_pack_respects_the_character_budget() -> None:
    groups: list[list[Block]] = [[SectionBlock(text="z" * 2900)] for _ in range(10)]
    messages = limits.pack(groups, max_chars=6500)
    assert [len(m) for m in messages] == [2, 2, 2, 2, 2]


def test_check_message_refuses_51_blocks() -> None:
    limits.check_message([DividerBlock()] * 50)
    with pytest.raises(limits.LimitError, match="51 blocks"):
        limits.check_message([DividerBlock()] * 51)


def test_check_message_refuses_long_section_fields() -> None:
    block = SectionBlock(fields=[MarkdownTextObject(text="f" * 2001)])
    with pytest.raises(limits.LimitError, match="field"):
        limits.check_message([block])


def test_check_view_refuses_eleven_checkboxes_and_long_inputs() -> None:
    options = [Option(text=f"o{n}", value=str(n)) for n in range(11)]
    view = View(
        type="modal",
        title="t",
        blocks=[InputBlock(label="l", element=CheckboxesElement(action_id="a", options=options))],
    )
    with pytest.raises(limits.LimitError, match="checkboxes"):
        limits.check_view(view)
    view = View(
        type="modal",
        title="t",
        blocks=[InputBlock(label="l", element=PlainTextInputElement(action_id="a", max_length=3001))],
    )
    with pytest.raises(limits.LimitError, match="max_length"):
        limits.check_view(view)


def test_check_view_refuses_a_view_over_250_kb() -> None:
    blocks = [SectionBlock(text="é" * 2990) for _ in range(90)]
    with pytest.raises(limits.LimitError, match="bytes"):
        limits.check_view(View(type="modal", title="t", blocks=blocks))


def test_check_view_returns_the_dict_it_checked() -> None:
    view = View(type="modal", title="t", blocks=[SectionBlock(text="fits")])
    assert limits.check_view(view) == view.to_dict()
