"""The demo's text rendering of Block Kit, as each reader would see it."""

from __future__ import annotations

from datetime import UTC, datetime

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, HeaderBlock, SectionBlock

from blocks.text import esc, slack_date
from bot.demo.render import block_lines, mrkdwn, to_html, view_lines


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
    assert "Ada &lt;DM&gt;" in page and "hello &lt;b&gt;" in page
