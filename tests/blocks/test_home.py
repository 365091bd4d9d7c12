"""App Home and status builders: sections, buttons, empty states, escaping and limits."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk.models.blocks import ButtonElement, MarkdownTextObject, SectionBlock

from blocks import limits
from blocks.home import ABOUT, home_view, kit_view
from blocks.ids import ActionId
from blocks.status import seat_mark, status_blocks, status_message
from blocks.text import slack_date
from bot.home.queries import HomeData, LoopItem, SeatItem
from models import Feedback
from tests.support.factories import kit, kit_question, memory_interview

START = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
NOW = START - timedelta(hours=3)


def dump(obj: Any) -> str:
    return json.dumps(obj.to_dict())


def buttons(view_dict: dict[str, Any]) -> list[tuple[str, str]]:
    found = []
    for b in view_dict["blocks"]:
        for el in [b.get("accessory") or {}, *(b.get("elements") or [])]:
            if el.get("type") == "button":
                found.append((el["action_id"], el.get("value", "")))
    return found


def item(user: str = "U1", role: str = "lead", candidate: str = "Ada Lovelace", **kw: Any) -> SeatItem:
    i = memory_interview([(user, role), ("U2", "interviewer")], candidate=candidate, **kw)
    return SeatItem(i, i.panel[0])


def test_empty_home_says_what_loopbot_is_and_how_to_start() -> None:
    view = home_view(HomeData(user="U1"), NOW).to_dict()
    text = json.dumps(view)
    assert view["type"] == "home"
    assert ABOUT in text
    assert "/loop help" in text
    assert buttons(view) == []


def test_managers_get_a_schedule_button_even_when_empty() -> None:
    view = home_view(HomeData(user="U1", manages=True), NOW).to_dict()
    assert (ActionId.OPEN_SCHEDULE, "") in buttons(view)
    assert "/loop schedule" in json.dumps(view)


def test_upcoming_interview_has_its_prep_one_click_away() -> None:
    up = item(starts_at=START)
    view = home_view(HomeData(user="U1", upcoming=[up]), NOW)
    block = next(b for b in view.blocks if isinstance(b, SectionBlock) and b.accessory)
    assert block == SectionBlock(
        text=MarkdownTextObject(
            text="*Architecture* with *Ada Lovelace*\n"
            "<!date^1796137200^{date_short_pretty} at {time}|2026-12-01 15:00 UTC> (in 3 hours)"
            " · you are the lead"
        ),
        accessory=ButtonElement(text="View prep", action_id=ActionId.VIEW_FULL_KIT, value="7"),
    )
    assert ABOUT not in dump(view)


def test_interview_in_progress_offers_the_feedback_form_next_to_the_prep() -> None:
    now = START + timedelta(minutes=10)  # the form opens when the interview starts
    on = item(starts_at=START, interview_id=21)
    later = item(starts_at=START + timedelta(days=1), interview_id=22)
    shadow = item(role="shadow", starts_at=START, interview_id=23)
    draft = SeatItem(shadow.interview, shadow.seat, Feedback(status="draft"))
    view = home_view(HomeData(user="U1", upcoming=[on, draft, later]), now).to_dict()
    assert buttons(view) == [
        (ActionId.VIEW_FULL_KIT, "21"),
        (ActionId.OPEN_FEEDBACK, "21"),
        (ActionId.VIEW_FULL_KIT, "23"),
        (ActionId.OPEN_FEEDBACK, "23"),
        (ActionId.VIEW_FULL_KIT, "22"),  # not started: prep only
    ]
    text = json.dumps(view)
    assert text.count("in progress now") == 2
    assert "draft saved" in text
    limits.check_view(home_view(HomeData(user="U1", upcoming=[on, draft, later]), now))


def test_feedback_due_and_overdue_with_the_form_button() -> None:
    fresh = item(starts_at=NOW - timedelta(hours=2), interview_id=11)
    old = item(starts_at=NOW - timedelta(days=3), interview_id=12)
    draft = SeatItem(old.interview, old.seat, Feedback(status="draft"))
    view = home_view(HomeData(user="U1", due=[fresh, draft]), NOW).to_dict()
    text = json.dumps(view)
    assert "*Feedback due (2)*" in text
    assert ":large_yellow_circle: Due" in text
    assert ":red_circle: *Overdue*" in text
    assert "draft saved" in text
    assert [(a, v) for a, v in buttons(view) if a == ActionId.OPEN_FEEDBACK] == [
        (ActionId.OPEN_FEEDBACK, "11"),
        (ActionId.OPEN_FEEDBACK, "12"),
    ]


def test_recently_submitted_lists_the_recommendation() -> None:
    done = item(starts_at=NOW - timedelta(days=1))
    fb = Feedback(status="submitted", recommendation="strong_yes", submitted_at=NOW - timedelta(hours=20))
    view = home_view(HomeData(user="U1", recent=[SeatItem(done.interview, done.seat, fb)]), NOW)
    on = slack_date(NOW - timedelta(days=1))
    shown = json.dumps(view.to_dict(), ensure_ascii=False)
    assert f"• *Architecture* with *Ada Lovelace* on {on}: you recommended *Strong Yes* (submitted " in shown


def test_two_recent_interviews_of_one_type_with_one_candidate_read_apart() -> None:
    """Issue 12: two identical rows, and ": No, submitted" read as "no, not submitted"."""
    first = item(starts_at=NOW - timedelta(days=2), interview_id=31)
    second = item(starts_at=NOW - timedelta(days=1), interview_id=32)
    fb = Feedback(status="submitted", recommendation="no", submitted_at=NOW - timedelta(hours=20))
    recent = [SeatItem(first.interview, first.seat, fb), SeatItem(second.interview, second.seat, fb)]
    view = home_view(HomeData(user="U1", recent=recent), NOW).to_dict()
    [block] = [b for b in view["blocks"] if "you recommended" in json.dumps(b)]
    lines = block["text"]["text"].splitlines()
    assert len(lines) == 2
    assert lines[0] != lines[1]
    assert all("you recommended *No* (submitted " in line for line in lines)
    assert ": No, submitted" not in json.dumps(view)


def test_loops_show_who_has_and_has_not_submitted() -> None:
    i = memory_interview(
        [("U1", "lead"), ("U2", "interviewer"), ("U3", "shadow")], starts_at=NOW - timedelta(hours=5)
    )
    loop = LoopItem(i.candidate_loop, frozenset({(i.id, "U1")}))
    view = home_view(HomeData(user="U0RECRUIT", loops=[loop], manages=True), NOW).to_dict()
    text = json.dumps(view)
    assert "*Candidate loops you run*" in text
    assert ":white_check_mark: <@U1>" in text
    assert ":hourglass: <@U2>" in text
    assert "<@U3>" not in text
    assert (ActionId.SHOW_STATUS, "3") in buttons(view)


def test_candidate_names_are_escaped_on_home_and_status() -> None:
    up = item(candidate="<!channel> Eve", starts_at=START)
    loop = LoopItem(up.interview.candidate_loop, frozenset())
    home = dump(home_view(HomeData(user="U1", upcoming=[up], loops=[loop], manages=True), NOW))
    status = json.dumps(status_message(up.interview.candidate_loop, set(), NOW).blocks_dicts())
    for out in (home, status):
        assert "<!channel>" not in out
        assert "&lt;!channel&gt; Eve" in out


def test_a_crowded_home_stays_within_view_limits() -> None:
    many = [item(interview_id=n, starts_at=START + timedelta(days=n)) for n in range(15)]
    due = [item(interview_id=100 + n, starts_at=NOW - timedelta(days=n + 1)) for n in range(20)]
    loops = [LoopItem(x.interview.candidate_loop, frozenset()) for x in many[:10]]
    view = home_view(
        HomeData(user="U1", upcoming=many, due=due, recent=due[:5], loops=loops, manages=True), NOW
    )
    limits.check_view(view)
    assert len(view.blocks) <= limits.VIEW_BLOCKS


def test_kit_view_holds_the_whole_kit_without_the_dm_buttons() -> None:
    up = item(starts_at=START)
    view = kit_view(up.interview, up.seat, NOW).to_dict()
    text = json.dumps(view)
    assert view["type"] == "modal"
    assert "Tell me about q-learn." in text
    assert "Backup question" in text
    assert not [b for b in view["blocks"] if b["type"] == "actions"]


def test_kit_view_of_a_huge_kit_is_cut_with_a_pointer_to_the_dm() -> None:
    questions = [kit_question(f"q{n}", prompt="Explain " + "this " * 500) for n in range(120)]
    i = memory_interview([("U1", "lead")], kits={"U1": kit(questions=questions)}, starts_at=START)
    view = kit_view(i, i.panel[0], NOW)
    limits.check_view(view)
    assert len(view.blocks) <= limits.VIEW_BLOCKS
    assert "/loop prep" in dump(view)


def test_status_marks_each_panelist_and_offers_changes_only_for_future_interviews() -> None:
    past = memory_interview(
        [("U1", "lead"), ("U2", "interviewer"), ("U3", "shadow")], starts_at=NOW - timedelta(hours=5)
    )
    cl = past.candidate_loop
    future = memory_interview([("U4", "lead")], interview_id=8, starts_at=START)
    future.candidate_loop = cl
    past.panel[1].declined_at = NOW
    submitted = {(past.id, "U1")}
    assert seat_mark(past, past.panel[0], submitted, NOW) == ":white_check_mark: submitted"
    assert seat_mark(past, past.panel[1], submitted, NOW) == ":no_entry_sign: can't make it"
    assert seat_mark(past, past.panel[2], submitted, NOW) == ":eyes: observer, feedback optional"
    assert seat_mark(future, future.panel[0], submitted, NOW) == ":spiral_calendar_pad: interview to come"
    blocks = [b.to_dict() for b in status_blocks(cl, submitted, NOW)]
    actions = [b for b in blocks if b["type"] == "actions"]
    assert [b["block_id"] for b in actions] == ["status_actions__8"]
    assert [e["action_id"] for e in actions[0]["elements"]] == [
        ActionId.MOVE_INTERVIEW,
        ActionId.REASSIGN_PANELIST,
        ActionId.CANCEL_INTERVIEW,
    ]
    assert actions[0]["elements"][2]["confirm"]["title"]["text"] == "Cancel this interview?"
