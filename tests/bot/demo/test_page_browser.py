"""The demo's HTML page in headless Chromium: what a recruiter opening transcript.html actually sees."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.demo import workspace as ws
from bot.demo.emoji import EMOJI
from bot.demo.page import build_page
from bot.demo.render import mrkdwn
from bot.demo.runner import DemoResult
from bot.demo.transcript import Transcript
from tests.support.browser import Visit, visit

MESSAGES = ("dm", "channel", "thread")
_EMOJI = sorted({e.replace("\ufe0f", "") for e in EMOJI.values()}, key=len, reverse=True)
_MARKS = re.compile(r"[*_~`•◦▪]|" + "|".join(re.escape(e) for e in _EMOJI))


def words(text: str) -> str:
    """Text as compared here: no mrkdwn marks, bullets, emoji or whitespace (hidden panes have no layout)."""
    return "".join(_MARKS.sub("", text.replace("\ufe0f", "")).split())


@pytest.fixture(scope="module")
def shown(browser: Any, demo_page: Path) -> Iterator[Visit]:
    seen = visit(browser, demo_page.as_uri())
    yield seen
    seen.page.close()


def _go(seen: Visit, anchor: str) -> None:
    seen.page.evaluate("a => { location.hash = a; }", anchor)
    seen.page.wait_for_function(
        "a => document.getElementById(a).closest('.pane').classList.contains('active')", arg=anchor
    )


def test_the_first_screen_says_what_the_demo_is_and_who_is_who(shown: Visit) -> None:
    intro = shown.page.locator("#intro")
    assert intro.is_visible()
    text = intro.inner_text()
    assert "simulated time" in text
    for p in ws.PEOPLE:
        assert p.name in text
        assert p.tz in text
    assert shown.page.locator(".pane.active").count() == 1


def test_every_message_of_the_transcript_is_there_as_its_reader_saw_it(
    shown: Visit, demo_result: DemoResult
) -> None:
    entries = demo_result.transcript.entries
    checked = 0
    for n, e in enumerate(entries):
        if e.kind not in MESSAGES:
            continue
        tz = ws.person(e.audience).tz if e.audience in ws.BY_ID else "UTC"
        later = [u for u in entries[n:] if u.kind == "update" and u.ts == e.ts and u.audience == e.audience]
        payload = later[-1].payload if later else e.payload
        dom = words(shown.page.locator(f"#e{n} > .msg-body > .blocks").text_content() or "")
        for block in payload.get("blocks") or []:
            for text in [block.get("text") or {}, *(block.get("fields") or [])]:
                if text.get("text"):
                    assert words(mrkdwn(text["text"], tz, ws.mention_name)) in dom, (n, text["text"][:80])
                    checked += 1
    assert checked > 100
    modals = [n for n, e in enumerate(entries) if e.kind == "modal" and e.payload.get("view")]
    assert shown.page.locator(".modal-wrap .modal").count() == len(modals)
    homes = [n for n, e in enumerate(entries) if e.kind == "home"]
    assert all(shown.page.locator(f"#e{n} .home-view").count() == 1 for n in homes)


def test_buttons_are_buttons_and_no_text_log_markup_is_left(shown: Visit) -> None:
    page = shown.page
    _go(shown, "p-kenji")
    prep = page.locator("#p-kenji .msg", has_text="Interview prep").first
    button = prep.get_by_role("button", name="Open feedback form")
    assert button.count() == 1
    assert button.evaluate("b => b.tagName") == "BUTTON"
    assert "primary" in (button.get_attribute("class") or "")
    body = page.locator("main").evaluate("m => m.textContent")
    assert "[Open feedback form]" not in body
    assert "<text" not in body
    assert "&lt;" not in body
    assert page.locator(".unknown").count() == 0, "loopbot sends no type the page cannot draw"


def test_the_error_modal_shows_its_errors(shown: Visit, demo_result: DemoResult) -> None:
    [(n, entry)] = [(n, e) for n, e in enumerate(demo_result.transcript.entries) if e.errors]
    _go(shown, f"e{n}")
    modal = shown.page.locator(f"#e{n} .modal")
    assert modal.is_visible()
    assert "has-errors" in (modal.get_attribute("class") or "")
    for block_id, message in entry.errors.items():
        block = modal.locator(f'.block.has-error[data-block-id="{block_id}"]')
        assert block.locator('[role="alert"]').inner_text().strip() == message
    assert modal.locator('[role="alert"].error').count() == len(entry.errors)
    assert modal.locator(".modal-alert").is_visible()


def test_the_digest_thread_is_nested_under_its_parent_with_a_reply_count(shown: Visit) -> None:
    _go(shown, "c-hiring-infra-manager")
    pane = shown.page.locator("#c-hiring-infra-manager")
    [digest] = pane.locator(".stream > .msg").all()
    assert "Debrief: Ada Lovelace" in digest.inner_text()
    assert digest.locator(".edited").inner_text() == "(edited)"
    replies = digest.locator(".thread .replies > .msg")
    assert digest.locator(".reply-count").inner_text() == f"{replies.count()} replies"
    assert replies.count() == 9
    assert "Scorecard" in replies.first.inner_text()


def test_the_sidebar_filters_to_one_person_and_their_home_tab(shown: Visit) -> None:
    page = shown.page
    page.locator(".sidebar").get_by_role("link", name=re.compile("^Marcus Chen")).click()
    page.wait_for_function("location.hash === '#p-marcus'")
    assert [p.get_attribute("id") for p in page.locator(".pane").all() if p.is_visible()] == ["p-marcus"]
    audiences = page.locator("main [data-audience]").evaluate_all(
        "els => els.filter(e => e.offsetParent !== null).map(e => e.dataset.audience)"
    )
    assert audiences
    assert set(audiences) == {ws.MARCUS}
    page.locator("#p-marcus .tabs").get_by_role("link", name="Home").click()
    page.wait_for_function("location.hash === '#p-marcus-home'")
    assert page.locator("#p-marcus-home .home-view").first.is_visible()
    assert not page.locator("#p-marcus-messages").is_visible()
    assert "Overdue" in page.locator("#p-marcus-home").inner_text()


def test_nothing_leaves_the_file_and_the_console_stays_clean(shown: Visit, demo_page: Path) -> None:
    page = shown.page
    for link in page.locator(".sidebar a").all():
        link.click()
    assert shown.errors == []
    assert shown.requests
    assert [u for u in shown.requests if u != demo_page.as_uri() and not u.startswith("data:")] == []


def test_a_phone_sees_every_pane_without_sideways_scrolling(browser: Any, demo_page: Path) -> None:
    seen = visit(browser, demo_page.as_uri(), width=390, height=844)
    try:
        for anchor in ("intro", "timeline", "c-hiring-infra-manager", "p-priya", "p-hugo-home"):
            _go(seen, anchor)
            width = seen.page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, anchor
    finally:
        seen.page.close()


def test_print_shows_every_pane(shown: Visit) -> None:
    page = shown.page
    page.emulate_media(media="print")
    try:
        panes = page.locator(".pane").all()
        assert len(panes) == 3 + len(ws.PEOPLE)
        assert all(p.is_visible() for p in panes)
        assert not page.locator(".sidebar").is_visible()
    finally:
        page.emulate_media(media="screen")


def test_hostile_text_renders_as_text(browser: Any, tmp_path: Path) -> None:
    hostile = "&lt;script&gt;alert(1)&lt;/script&gt; &lt;!channel&gt; Eve &lt;img src=x onerror=alert(2)&gt;"
    transcript = Transcript()
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": f"*Candidate:* {hostile}"}}]
    at = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)
    transcript.add(
        at, ws.KENJI, "dm", "direct message", payload={"text": hostile, "blocks": blocks}, ts="1.0"
    )
    path = tmp_path / "hostile.html"
    path.write_text(build_page(transcript), encoding="utf-8")
    seen = visit(browser, path.as_uri())
    try:
        _go(seen, "e0")
        text = seen.page.locator("#e0 .blocks").inner_text()
        assert "<script>alert(1)</script> <!channel> Eve <img src=x onerror=alert(2)>" in text
        assert seen.page.locator("main img, main script").count() == 0
        assert seen.dialogs == []
        assert seen.errors == []
    finally:
        seen.page.close()
