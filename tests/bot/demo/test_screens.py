"""Screenshots of the demo page's key screens, compared with the stored images in tests/bot/demo/screens/.

The viewport, the scale and the scroll position are fixed; a screen passes while at most MAX_DIFFERENT of
its pixels differ (by more than a small per-channel tolerance) from the stored image. On a failure the
new screenshot is written beside the test's tmp_path and named in the message.

When the design changes on purpose, regenerate the stored images with:

    LOOPBOT_UPDATE_SCREENSHOTS=1 ./test.sh tests/bot/demo/test_screens.py

and look at the new PNG files before committing them.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import decode_png, differing_fraction, visit

SCREENS = Path(__file__).parent / "screens"
UPDATE = "LOOPBOT_UPDATE_SCREENSHOTS"
MAX_DIFFERENT = 0.005
# name -> (pane to open, the element to show, where in the window: "start" or "center")
# (Playwright's :has-text() picks a message by what it says.)
KEY_SCREENS = {
    "prep-dm": ("p-kenji", "#p-kenji .msg[data-kind=dm]:has-text('Interview prep')", "start"),
    "feedback-errors": ("p-priya", ".modal.has-errors .block.has-error", "center"),
    "digest-thread": ("c-hiring-infra-manager", "#c-hiring-infra-manager .thread > summary", "center"),
    "calibration-card": ("p-diego", "#p-diego .msg[data-kind=dm]:has-text('Calibration:')", "start"),
    "dry-run-confirmed": ("p-hugo", "#p-hugo .msg[data-kind=dm]:has-text('Dry run with')", "start"),
}


def screenshot(browser: Any, page_file: Path, name: str, width: int = 1200, height: int = 760) -> bytes:
    pane, target, where = KEY_SCREENS[name]
    seen = visit(browser, f"{page_file.as_uri()}#{pane}", width=width, height=height)
    try:
        page = seen.page
        page.wait_for_function(f"document.getElementById('{pane}').classList.contains('active')")
        page.evaluate("document.fonts.ready.then(() => true)")
        # Instant scrolling (the page sets no smooth scrolling), so the position is final at once.
        page.locator(target).first.evaluate(f"e => e.scrollIntoView({{block: '{where}'}})")
        shot: bytes = page.screenshot(animations="disabled", caret="hide")
        assert seen.errors == []
        return shot
    finally:
        seen.page.close()


@pytest.mark.parametrize("name", sorted(KEY_SCREENS))
def test_key_screen_looks_as_stored(browser: Any, demo_page: Path, tmp_path: Path, name: str) -> None:
    shot = screenshot(browser, demo_page, name)
    stored = SCREENS / f"{name}.png"
    if os.environ.get(UPDATE) == "1":
        SCREENS.mkdir(exist_ok=True)
        stored.write_bytes(shot)
        return
    if not stored.exists():
        pytest.fail(f"no stored image {stored}; make one with {UPDATE}=1 ./test.sh {__file__}", pytrace=False)
    different = differing_fraction(decode_png(stored.read_bytes()), decode_png(shot))
    if different > MAX_DIFFERENT:
        new = tmp_path / f"{name}.png"
        new.write_bytes(shot)
        pytest.fail(
            f"{name}: {different:.2%} of pixels differ from {stored} (new screenshot: {new}); "
            f"if the change is on purpose: {UPDATE}=1 ./test.sh {Path(__file__).name}",
            pytrace=False,
        )


def test_the_png_reader_agrees_with_the_browser(browser: Any, demo_page: Path) -> None:
    """Decode a real screenshot (all PNG filter types) and compare every pixel with Chromium's decoding."""
    shot = screenshot(browser, demo_page, "digest-thread", width=320, height=240)
    ours = decode_png(shot)
    seen = visit(browser, "about:blank")
    try:
        theirs = seen.page.evaluate(
            """async (src) => {
                const img = new Image(); img.src = src; await img.decode();
                const c = document.createElement("canvas"); c.width = img.width; c.height = img.height;
                const ctx = c.getContext("2d"); ctx.drawImage(img, 0, 0);
                return [img.width, img.height, Array.from(ctx.getImageData(0, 0, c.width, c.height).data)];
            }""",
            "data:image/png;base64," + base64.b64encode(shot).decode(),
        )
    finally:
        seen.page.close()
    assert (ours.width, ours.height) == (theirs[0], theirs[1]) == (320, 240)
    assert ours.rgba == bytes(theirs[2])


def test_a_changed_screen_is_noticed(browser: Any, demo_page: Path) -> None:
    """The comparison can fail: the prep DM and the digest are not the same screen."""
    one = decode_png(screenshot(browser, demo_page, "prep-dm"))
    other = decode_png(screenshot(browser, demo_page, "digest-thread"))
    assert differing_fraction(one, one) == 0.0
    assert differing_fraction(one, other) > MAX_DIFFERENT
