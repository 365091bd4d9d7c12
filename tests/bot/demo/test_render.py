"""The demo's text rendering of Block Kit, as each reader would see it."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, HeaderBlock, SectionBlock

from blocks.text import esc, slack_date
from bot.demo.render import EMOJI, block_lines, mrkdwn, to_html, view_lines


def test_dates_show_in_the_readers_time_zone() -> None:
    token = slack_date(datetime(2026, 3, 30, 13, 0, tzinfo=UTC))
    assert mrkdwn(token, "Europe/Berlin") == "Mon 30 Mar 2026 at 15:00 CEST"
    assert mrkdwn(token, "America/New_York") == "Mon 30 Mar 2026 at 09:00 EDT"


def test_mentions_and_escapes() -> None:
    names = {"U1": "ada"}.get
    text = f"<@U1> meets {esc('<!channel> Eve & co')}"
    assert mrkdwn(text, names=lambda u: names(u) or u) == "@ada meets <!channel> Eve & co"


def test_blocks_as_lines() -> None:
    blocks = [
        HeaderBlock(text="Prep").to_dict(),
        SectionBlock(text="*Question 1*", fields=["a", "b"]).to_dict(),
        ActionsBlock(elements=[ButtonElement(text="Open feedback form", action_id="x")]).to_dict(),
    ]
    assert block_lines(blocks) == ["", "PREP", "*Question 1*", "  a", "  b", "  [Open feedback form]"]


def test_modal_and_html() -> None:
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Feedback"},
        "blocks": [],
        "submit": {"text": "Submit"},
    }
    assert view_lines(view)[0] == "┌ Feedback ┐"
    page = to_html([("Ada <DM>", ["hello <b>"])], "Demo")
    assert "Ada &lt;DM&gt;" in page
    assert "hello &lt;b&gt;" in page


def test_date_tokens_follow_their_format_and_emoji_show() -> None:
    when = datetime(2026, 3, 30, 13, 0, tzinfo=UTC)
    assert mrkdwn(slack_date(when, "{time}"), "Asia/Tokyo") == "22:00 JST"
    assert mrkdwn(slack_date(when, "{date_short_pretty}"), "Asia/Tokyo") == "Mon 30 Mar 2026"
    assert mrkdwn(":memo: done :not_an_emoji:") == "📝 done :not_an_emoji:"


def test_choices_list_each_option_with_what_is_picked() -> None:
    block = {
        "type": "input",
        "label": {"type": "plain_text", "text": "Signals"},
        "optional": True,
        "element": {
            "type": "checkboxes",
            "options": [
                {"text": {"type": "plain_text", "text": "+ a"}, "value": "a"},
                {
                    "text": {"type": "plain_text", "text": "+ b"},
                    "value": "b",
                    "description": {"type": "plain_text", "text": "more"},
                },
            ],  # fmt: skip
            "initial_options": [{"text": {"type": "plain_text", "text": "+ b"}, "value": "b"}],
        },
    }
    assert block_lines([block]) == ["  Signals", "    ☐ + a", "    ☑ + b more"]


def test_html_sections_carry_their_kind() -> None:
    page = to_html([("h", ["x"]), ("did", [])], "T", kinds=["thread", "action"], intro=["Ada: lead"])
    assert "class='thread'" in page
    assert "class='action'" in page
    assert "<li>Ada: lead</li>" in page


def test_html_shows_mrkdwn_emphasis_and_escapes_the_rest() -> None:
    page = to_html([("h", ["*Ada* _said_ `x` <b> 2*3*4", "```A  B```"])], "T")
    assert "<b>Ada</b> <i>said</i> <code>x</code> &lt;b&gt; 2*3*4" in page
    assert "<code>A  B</code>" in page


def test_every_emoji_loopbot_sends_has_a_picture_in_the_demo() -> None:
    root = Path(__file__).resolve().parents[3]
    not_emoji = {":memory:", ":line:"}  # SQLite's in-memory URL; "file:line:" in content errors
    used = {
        code
        for folder in ("blocks", "bot", "handlers")
        for path in (root / folder).rglob("*.py")
        for code in re.findall(r":[a-z][a-z0-9_+-]*:", path.read_text(encoding="utf-8"))
    }
    assert sorted(used - not_emoji - set(EMOJI)) == []
