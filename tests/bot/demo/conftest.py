"""One run of the demo for every test here (it takes seconds), its HTML page, and the browser fixture."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.demo.page import PageFacts, build_page
from bot.demo.runner import DemoResult, run_demo
from tests.support.browser import browser

__all__ = ["browser", "demo_page", "demo_result"]

START = datetime(2030, 3, 4, 7, 0, tzinfo=UTC)  # a Monday, away from daylight-saving changes


@pytest.fixture(scope="session")
def demo_result() -> DemoResult:
    return run_demo(start=START)


@pytest.fixture(scope="session")
def demo_page(demo_result: DemoResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's transcript.html, as `loopbot demo` writes it."""
    facts = PageFacts(
        started=demo_result.started,
        finished=demo_result.finished,
        ticks=demo_result.ticks,
        calls=len(demo_result.standin.calls),
        outbox=demo_result.outbox_summary(),
    )
    path = tmp_path_factory.mktemp("demo-page") / "transcript.html"
    path.write_text(build_page(demo_result.transcript, facts), encoding="utf-8")
    return path
