"""The transcript arranged into panes: versions of a message, threads, background refreshes, the timeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.demo import workspace as ws
from bot.demo.story import arrange, summary
from bot.demo.transcript import Transcript

T0 = datetime(2030, 3, 8, 15, 45, tzinfo=UTC)


def _story() -> Transcript:
    t = Transcript()
    digest = {"text": "Debrief: 1 missing", "blocks": []}
    t.add(T0, ws.HIRING_CHANNEL, "channel", "channel message", payload=digest, ts="1.1")
    t.add(T0, ws.KENJI, "home-refresh", "App Home refreshed in the background")
    t.add(T0, ws.RECRUITER, "home-refresh", "App Home refreshed in the background")
    t.add(T0 + timedelta(minutes=5), ws.MARCUS, "action", "▶ clicks [Open feedback form] in loopbot's DM")
    done = {"text": "Debrief: all in", "blocks": []}
    t.add(
        T0 + timedelta(hours=1),
        ws.HIRING_CHANNEL,
        "update",
        "message updated in place",
        payload=done,
        ts="1.1",
    )
    card = {"text": f"Scorecard on Ada from <@{ws.MARCUS}>: No"}
    t.add(
        T0 + timedelta(hours=1),
        ws.HIRING_CHANNEL,
        "thread",
        "thread reply",
        payload=card,
        ts="1.2",
        thread_ts="1.1",
    )
    return t


def test_an_update_changes_its_message_in_place_and_replies_nest_under_it() -> None:
    story = arrange(_story())
    [digest] = story.channel
    assert [v.payload["text"] for v in digest.versions] == ["Debrief: 1 missing", "Debrief: all in"]
    assert digest.current.payload["text"] == "Debrief: all in"
    assert [r.id for r in digest.replies] == ["e5"]
    marcus = next(ps for ps in story.people if ps.person.id == ws.MARCUS)
    assert [i.id for i in marcus.scorecards] == ["e5"], "a scorecard is linked from its author's pane"
    assert [i.id for i in marcus.stream] == ["e3"]


def test_background_refreshes_are_one_timeline_line_and_a_list_per_person() -> None:
    story = arrange(_story())
    kenji = next(ps for ps in story.people if ps.person.id == ws.KENJI)
    assert [i.id for i in kenji.refreshes] == ["e1"]
    assert not kenji.stream
    whats = [e.what for e in story.timeline]
    assert whats.count("App Home refreshed in the background for Kenji, Rosa") == 1
    assert len(story.timeline) == 5


def test_timeline_lines_say_what_happened_and_link_to_where_it_is_shown() -> None:
    story = arrange(_story())
    by_kind = {e.kind: e for e in story.timeline}
    assert by_kind["update"].href == "#e0", "an update links to the message it changed"
    assert by_kind["action"].what == "clicks “Open feedback form” in loopbot's DM"
    assert by_kind["thread"].what == "Scorecard on Ada from @Marcus Chen: No"
    assert by_kind["refresh"].href == "#p-kenji-home"
    assert summary(_story().entries[0], length=8) == "Debrief…"
