"""The cached feedback modal equals a fresh build, for any draft, and kits never share cached blocks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import partial
from typing import Any

import pytest
from slack_sdk.models.blocks import SectionBlock
from slack_sdk.models.views import View

from blocks import feedback_modal as fm
from blocks import limits
from blocks.feedback import feedback_view
from bot.feedback.logic import FeedbackForm, covered_categories
from models import Interview
from tests.support.factories import RUBRIC_SNAPSHOT, kit, kit_question, memory_interview


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    fm.templates.clear()
    yield
    fm.templates.clear()


def _interview(kit_: dict[str, Any] | None = None, **kw: Any) -> Interview:
    return memory_interview([("U1", "lead")], kits={"U1": kit_} if kit_ else None, **kw)


def _both(i: Interview, form: FeedbackForm | None = None, **kw: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """(cached, fresh) serialisations of the same modal."""
    seat = i.panel[0]
    categories = covered_categories(seat.kit, i.candidate_loop.rubric)
    cached = fm.feedback_modal(i, seat, categories, form, **kw).to_dict()
    fresh = feedback_view(i, seat, categories, form, **kw).to_dict()
    return cached, fresh


def _same(cached: dict[str, Any], fresh: dict[str, Any]) -> None:
    assert cached == fresh
    assert json.dumps(cached, ensure_ascii=False) == json.dumps(fresh, ensure_ascii=False)


DRAFTS = {
    "none": None,
    "rating": FeedbackForm(ratings={"build": "no"}),
    "great signal": FeedbackForm(signals=["great:q-learn:1"]),
    "negative signal": FeedbackForm(signals=["negative:q-backup:0"]),
    "note": FeedbackForm(question_notes={"q-build": "careful <!here> & thorough"}),
    "recommendation": FeedbackForm(recommendation="yes"),
    "summary": FeedbackForm(summary="Solid."),
    "private note": FeedbackForm(private_note="Ask about the gap."),
    "everything": FeedbackForm(
        ratings={"learn": "strong_yes", "build": "no_signal"},
        signals=["great:q-learn:0", "negative:q-build:0"],
        question_notes={"q-learn": "a", "q-backup": "b"},
        recommendation="strong_no",
        summary="s",
        private_note="p",
    ),
}


@pytest.mark.parametrize("draft", DRAFTS.values(), ids=DRAFTS.keys())
def test_cached_modal_equals_a_fresh_build_with_and_without_a_draft(draft: FeedbackForm | None) -> None:
    i = _interview()
    _same(*_both(i))  # fills the cache from an open without a draft
    _same(*_both(i, draft, status_line=":pencil: Your draft is restored.", submitted=True))
    _same(*_both(i))  # a draft never leaks into the cached blocks


def test_a_second_open_of_the_same_kit_reuses_the_serialised_blocks() -> None:
    first, _ = _both(_interview(interview_id=1))
    second, _ = _both(_interview(interview_id=2, candidate="Grace Hopper"))
    assert first["blocks"][1] is second["blocks"][1]  # the first rating, served from the cache
    assert first["blocks"][0] != second["blocks"][0]  # the intro names each candidate
    assert json.loads(first["private_metadata"])["interview_id"] == 1
    assert json.loads(second["private_metadata"])["interview_id"] == 2


def test_parts_a_draft_fills_are_built_for_that_open() -> None:
    i = _interview()
    plain, _ = _both(i)
    draft, _ = _both(i, FeedbackForm(ratings={"learn": "yes"}))
    assert draft["blocks"][1]["element"]["initial_option"]["value"] == "yes"
    assert "initial_option" not in plain["blocks"][1]["element"]
    assert draft["blocks"][2] is plain["blocks"][2]  # the other rating is untouched


def test_two_kits_never_share_a_cache_entry() -> None:
    one = kit(questions=[kit_question("q", great_signals=["Mentions trade-offs"])])
    other = kit(questions=[kit_question("q", great_signals=["Mentions costs"])])
    cached_one, _ = _both(_interview(one))
    cached_other, fresh_other = _both(_interview(other))
    _same(cached_other, fresh_other)
    assert "Mentions costs" in json.dumps(cached_other)
    assert "trade-offs" not in json.dumps(cached_other)
    assert "Mentions trade-offs" in json.dumps(cached_one)
    assert len(fm.templates) == 2


def test_the_key_covers_kit_categories_and_scale() -> None:
    k = kit()
    categories = covered_categories(k, RUBRIC_SNAPSHOT)
    base = fm.kit_key(k, categories, RUBRIC_SNAPSHOT)
    renamed = [categories[0].__class__(categories[0].key, "Other name"), *categories[1:]]
    relabelled = {**RUBRIC_SNAPSHOT, "no_signal_label": "Not probed"}
    assert fm.kit_key(kit(), covered_categories(kit(), RUBRIC_SNAPSHOT), dict(RUBRIC_SNAPSHOT)) == base
    assert fm.kit_key(kit(slug="set-b"), categories, RUBRIC_SNAPSHOT) != base
    assert fm.kit_key(k, renamed, RUBRIC_SNAPSHOT) != base
    assert fm.kit_key(k, categories, relabelled) != base


def test_a_rubric_with_another_scale_is_its_own_entry() -> None:
    _both(_interview())
    i = _interview()
    i.candidate_loop.rubric = {**RUBRIC_SNAPSHOT, "no_signal_label": "Not probed"}
    cached, fresh = _both(i, FeedbackForm(ratings={"learn": "no_signal"}))
    _same(cached, fresh)
    assert "Not probed" in json.dumps(cached)


def _layout(view: dict[str, Any]) -> str:
    ids = [b.get("block_id", "") for b in view["blocks"]]
    if any("__g0" in i for i in ids):
        return "full"
    return "compact" if any("__s0" in i for i in ids) else "notes"


@pytest.mark.parametrize(("signals", "layout"), [(6, "compact"), (30, "notes")])
def test_big_kits_fall_back_to_the_same_layout_as_a_fresh_build(signals: int, layout: str) -> None:
    questions = [
        kit_question(f"q{n}", great_signals=[f"g{k} " + "x" * 120 for k in range(signals)]) for n in range(30)
    ]
    i = _interview(kit(questions=questions))
    form = FeedbackForm(signals=["great:q3:1"], question_notes={"q7": "n"}, summary="s")
    cached, fresh = _both(i)
    _same(cached, fresh)
    assert _layout(cached) == layout
    _same(*_both(i, form))


def test_a_draft_that_makes_the_full_layout_too_big_falls_back_like_a_fresh_build() -> None:
    signals = [f"s{k} " + "word " * 30 for k in range(100)]
    i = _interview(kit(questions=[kit_question(f"q{n}", great_signals=signals) for n in range(7)]))
    cached, fresh = _both(i)
    _same(cached, fresh)
    assert _layout(cached) == "full"
    every = FeedbackForm(signals=[f"great:q{n}:{k}" for n in range(7) for k in range(100)])
    cached, fresh = _both(i, every)  # each chosen option is repeated in initial_options: over 250 kB
    _same(cached, fresh)
    assert _layout(cached) == "notes"
    _same(*_both(i))


def test_the_template_cache_is_bounded_and_keeps_the_recently_used() -> None:
    cache = fm.TemplateCache(2)
    made: list[str] = []

    def build(name: str) -> fm.Template:
        made.append(name)
        return fm.Template((), 0, "")

    for name in ("a", "b", "a", "c", "a", "b"):
        cache.get((name.encode(), "full"), partial(build, name))
    assert made == ["a", "b", "c", "b"]
    assert len(cache) == 2


def test_checked_view_serialises_once_and_equals_the_view() -> None:
    blocks = [SectionBlock(text="hello")]
    frame: dict[str, Any] = {"type": "modal", "title": "T", "private_metadata": "m"}
    checked = limits.CheckedView([b.to_dict() for b in blocks], **frame)
    assert checked == View(**frame, blocks=blocks)
    assert isinstance(checked, View)
    assert checked.private_metadata == "m"
    checked.to_dict()["blocks"].append({"type": "divider"})
    assert len(checked.to_dict()["blocks"]) == 1


def test_checked_view_refuses_what_slack_would() -> None:
    section = SectionBlock(text="x").to_dict()
    with pytest.raises(limits.LimitError, match="101 blocks"):
        limits.CheckedView([section] * 101, type="modal", title="T")
    with pytest.raises(limits.LimitError, match="0 blocks"):
        limits.CheckedView([], type="modal", title="T")
    big = SectionBlock(text="y" * 2900).to_dict()
    with pytest.raises(limits.LimitError, match="bytes"):
        limits.CheckedView([big] * 99, type="modal", title="T")
