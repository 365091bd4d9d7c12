"""mrkdwn as HTML, the way a Slack client shows it: formatting, tokens, and untrusted text kept as text."""

from __future__ import annotations

from datetime import UTC, datetime

from blocks.text import esc, mention, slack_date
from bot.demo.mrkdwn import Reader, mrkdwn_html, plain_html, text_html

NAMES = {"U1": "Ada Lovelace", "U2": "Kenji Tanaka", "C1": "hiring"}
READER = Reader(tz="Asia/Tokyo", user="U2", names=lambda i: NAMES.get(i, i), link=lambda i: f"#x-{i}")


def test_bold_italics_strike_and_code() -> None:
    out = mrkdwn_html("*bold* _it_ ~gone~ `x = 1` 2*3*4 snake_case_name")
    assert out == (
        '<span class="line"><b>bold</b> <i>it</i> <s>gone</s> <code>x = 1</code> 2*3*4 snake_case_name</span>'
    )


def test_code_is_not_formatted_inside() -> None:
    assert "<code>*not bold*</code>" in mrkdwn_html("`*not bold*`")
    fence = mrkdwn_html("```A  *B*\n  C```")
    assert fence == '<pre class="code">A  *B*\n  C</pre>'


def test_quotes_and_lists() -> None:
    out = mrkdwn_html("> quoted *line*\nintro\n• one\n• two\n  • nested\n1. first\n2. second")
    assert "<blockquote>quoted <b>line</b></blockquote>" in out
    assert (
        '<ul><li class="depth-0">one</li><li class="depth-0">two</li><li class="depth-1">nested</li></ul>'
        in out
    )
    assert (
        '<ol><li><span class="num">1.</span>first</li><li><span class="num">2.</span>second</li></ol>' in out
    )


def test_an_escaped_quote_mark_from_user_text_is_not_a_quote() -> None:
    out = mrkdwn_html(esc("> not a quote"))
    assert "<blockquote>" not in out
    assert "&gt; not a quote" in out


def test_mentions_show_names_and_the_readers_own_stands_out() -> None:
    out = mrkdwn_html(f"{mention('U1')} and {mention('U2')} in <#C1>", READER)
    assert '<a class="mention" href="#x-U1" data-id="U1">@Ada Lovelace</a>' in out
    assert '<a class="mention me" href="#x-U2" data-id="U2">@Kenji Tanaka</a>' in out
    assert ">#hiring</a>" in out
    assert '<span class="mention broadcast">@here</span>' in mrkdwn_html("<!here>")


def test_dates_show_in_the_readers_zone_with_the_fallback_on_hover() -> None:
    token = slack_date(datetime(2030, 3, 5, 9, 0, tzinfo=UTC))
    out = mrkdwn_html(token, READER)
    assert out == (
        '<span class="line"><time datetime="2030-03-05T09:00:00+00:00" title="2030-03-05 09:00 UTC">'
        "Tue 05 Mar 2030 at 18:00 JST</time></span>"
    )


def test_links_keep_only_web_and_mail_schemes() -> None:
    out = mrkdwn_html("<https://example.com/a?b=1&amp;c=2|the docs> <javascript:alert(1)|click>")
    assert '<a href="https://example.com/a?b=1&amp;c=2" rel="noopener noreferrer">the docs</a>' in out
    assert 'href="javascript' not in out
    assert "&lt;javascript:alert(1)|click&gt;" in out


def test_untrusted_text_stays_text() -> None:
    name = esc("<!channel> Eve <script>alert(1)</script> & co")
    out = mrkdwn_html(f"*Candidate:* {name}")
    assert "&lt;!channel&gt; Eve &lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in out
    assert "<script" not in out
    assert "broadcast" not in out, "an escaped <!channel> pings nobody and is not shown as a mention"
    assert "\x00" not in mrkdwn_html("a\x00b <@U1>")


def test_emoji_are_pictures_and_unknown_codes_stay_typed() -> None:
    out = mrkdwn_html(":white_check_mark: done :not_an_emoji:")
    assert out.count("<svg") == 1
    assert 'data-code=":white_check_mark:"' in out
    assert ":not_an_emoji:" in out


def test_plain_text_is_escaped_and_shows_emoji_only_when_asked() -> None:
    assert plain_html("a <b> :lock:").startswith("a &lt;b&gt; <svg")
    assert plain_html(":lock:", emoji=False) == ":lock:"
    assert text_html({"type": "plain_text", "text": "*not bold*"}) == "*not bold*"
    assert text_html({"type": "mrkdwn", "text": "*bold*"}) == '<span class="line"><b>bold</b></span>'
    assert text_html(None) == ""
