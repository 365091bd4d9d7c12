"""The per-message text cap (`msg_blocks_too_long`): counted in UTF-16 units, split before Slack refuses."""

from __future__ import annotations

import pytest
from slack_sdk.models.blocks import DividerBlock, MarkdownTextObject, SectionBlock

from blocks import limits


def section(chars: int, char: str = "a") -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=char * chars))


def test_an_emoji_counts_two_units_as_in_javascript() -> None:
    assert limits.utf16_units("abc") == 3
    assert limits.utf16_units("é") == 1
    assert limits.utf16_units("😀") == 2
    assert limits.text_units(section(10, "😀")) == 20 + limits.BLOCK_OVERHEAD


def test_fields_and_button_labels_count_too() -> None:
    block = SectionBlock(fields=[MarkdownTextObject(text="x" * 100), MarkdownTextObject(text="y" * 50)])
    assert limits.text_units(block) == 150 + limits.BLOCK_OVERHEAD


def test_blocks_split_where_the_text_budget_runs_out_in_order() -> None:
    blocks = [section(2900) for _ in range(5)]  # 5 x 2,940 units: three fit in 10,000
    runs = limits.split_blocks(blocks)
    assert [len(r) for r in runs] == [3, 2]
    assert [b for r in runs for b in r] == blocks
    assert all(sum(limits.text_units(b) for b in r) <= limits.MESSAGE_TEXT for r in runs)


def test_blocks_split_at_the_block_count_as_well() -> None:
    runs = limits.split_blocks([DividerBlock() for _ in range(120)])
    assert [len(r) for r in runs] == [50, 50, 20]


def test_emoji_heavy_text_splits_earlier() -> None:
    plain = limits.split_blocks([section(2000) for _ in range(5)])
    emoji = limits.split_blocks([section(1000, "😀") for _ in range(5)])  # the same 2,000 units each
    assert [len(r) for r in plain] == [len(r) for r in emoji] == [4, 1]


def test_one_block_over_the_budget_cannot_be_split() -> None:
    huge = SectionBlock(fields=[MarkdownTextObject(text="x" * 2000) for _ in range(6)])
    with pytest.raises(limits.LimitError, match="one block carries"):
        limits.split_blocks([huge])


def test_check_post_refuses_a_message_over_the_budget() -> None:
    limits.check_post([section(2900) for _ in range(3)])
    with pytest.raises(limits.LimitError, match="text units in one message"):
        limits.check_post([section(2900) for _ in range(4)])
