"""The demo's text rendering of Block Kit (the terminal transcript), as each reader would see it."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, HeaderBlock, SectionBlock

from blocks.text import esc, slack_date
from bot.demo.emoji import EMOJI, PICTURES, picture
from bot.demo.render import block_lines, mrkdwn, view_lines


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


def test_modal_title_and_buttons() -> None:
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Feedback"},
        "blocks": [],
        "submit": {"text": "Submit"},
    }
    assert view_lines(view) == ["┌ Feedback ┐", "  [Submit]  [Cancel]"]


def test_date_tokens_follow_their_format_and_emoji_show() -> None:
    when = datetime(2026, 3, 30, 13, 0, tzinfo=UTC)
    assert mrkdwn(slack_date(when, "{time}"), "Asia/Tokyo") == "22:00 JST"
    assert mrkdwn(slack_date(when, "{date_short_pretty}"), "Asia/Tokyo") == "Mon 30 Mar 2026"
    assert mrkdwn(":memo: done :not_an_emoji:") == "📝 done :not_an_emoji:"


def _choice_block(*texts: str, picked: str = "") -> dict[str, Any]:
    options = [{"text": {"type": "plain_text", "text": t}, "value": t} for t in texts]
    element: dict[str, Any] = {"type": "checkboxes", "options": options}
    if picked:
        element["initial_options"] = [o for o in options if o["value"] == picked]
    return {
        "type": "input",
        "label": {"type": "plain_text", "text": "Signals"},
        "optional": True,
        "element": element,
    }


def test_choices_list_each_long_option_on_its_line_with_what_is_picked() -> None:
    block = _choice_block("+ a" * 20, "+ b" * 20, picked="+ b" * 20)
    block["element"]["options"][1]["description"] = {"type": "plain_text", "text": "more"}
    assert block_lines([block]) == ["  Signals", "    ☐ " + "+ a" * 20, "    ☑ " + "+ b" * 20 + " more"]


def test_short_choices_share_one_line() -> None:
    assert block_lines([_choice_block("No", "Yes", picked="Yes")]) == ["  Signals", "    ☐ No  ☑ Yes"]


def test_every_emoji_loopbot_sends_has_a_picture_in_the_demo() -> None:
    root = Path(__file__).resolve().parents[3]
    not_emoji = {":memory:", ":line:"}  # SQLite's in-memory URL; "file:line:" in content errors
    used = {
        code
        for folder in ("blocks", "bot", "handlers")
        for path in (root / folder).rglob("*.py")
        for code in re.findall(r":[a-z][a-z0-9_+-]*:", path.read_text(encoding="utf-8"))
    }
    assert sorted(used - not_emoji - set(EMOJI)) == [], "add the emoji to bot/demo/emoji.py"
    assert sorted(set(EMOJI) - set(PICTURES)) == [], "every emoji has a picture for the HTML page"


def test_an_emoji_picture_is_inline_svg_naming_its_shortcode() -> None:
    svg = picture(":lock:")
    assert svg is not None
    assert svg.startswith('<svg class="emoji"')
    assert 'data-code=":lock:"' in svg
    assert 'aria-label="lock"' in svg
    assert "href" not in svg, "nothing is loaded"
    assert picture(":no_such_emoji:") is None
