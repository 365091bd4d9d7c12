"""The roster as a Slack message stays within Slack's limits, however many people the pools hold."""

from __future__ import annotations

from blocks import limits
from blocks.interviewers.roster import NO_POOLS, roster_message
from bot.interviewers.load import week_of
from bot.interviewers.progress import Progress
from bot.interviewers.rules import Training
from bot.interviewers.table import Roster, RosterRow
from tests.bot.interviewers.table_data import NOW


def row(n: int, type_slug: str = "pairing", state: str = "trainee", load: int = 1) -> RosterRow:
    progress = Progress("Pairing exercise", Training(), 1, 0, 3, 2, 4)
    return RosterRow(f"U0P{n:05d}", type_slug, type_slug.title(), ("backend",), state, "content", progress,
                     load, 5)  # fmt: skip


def test_a_large_roster_is_cut_with_how_many_more() -> None:
    rows = [row(n, f"type-{n % 7}") for n in range(1000)]
    message = roster_message(Roster(rows, week_of(NOW), ["backend"], []))
    limits.check_post(message.blocks, message.text)  # blocks, section lengths and total text
    dicts = message.blocks_dicts()
    shown = sum(d["text"]["text"].count("• ") for d in dicts if d["type"] == "section")
    assert 0 < shown < 1000
    assert dicts[-1]["elements"][0]["text"] == (
        f"…and {1000 - shown} more: `loopbot interviewers` lists everyone."
    )


def test_a_small_roster_fits_whole_with_one_heading_per_type() -> None:
    rows = [row(1, "arch"), row(2, "arch", "qualified", load=6), row(3)]
    message = roster_message(Roster(rows, week_of(NOW), ["backend"], []))
    texts = [d["text"]["text"] for d in message.blocks_dicts()]
    assert texts[1:] == [
        "*Arch*\n• <@U0P00001> · trainee · shadow 1/2, reverse 0/1 · agreement 3 of 4 (75%) · 1 of 5 "
        "this week\n• <@U0P00002> · qualified · shadow 1/2, reverse 0/1 · agreement 3 of 4 (75%) · "
        ":warning: 6 of 5 this week",
        "*Pairing*\n• <@U0P00003> · trainee · shadow 1/2, reverse 0/1 · agreement 3 of 4 (75%) · 1 of 5 "
        "this week",
    ]
    assert message.text == "Interviewers: 3 across 2 interview types, 1 over their weekly limit"


def test_no_pools_says_how_to_add_one() -> None:
    message = roster_message(Roster([], week_of(NOW), [], []))
    assert message.blocks_dicts()[0]["text"]["text"] == NO_POOLS
