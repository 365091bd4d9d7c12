"""Role names read well wherever a line wraps them: "(shadow)", never "(shadow (observer))"."""

from __future__ import annotations

from datetime import UTC, datetime

from blocks import kit_text as kt
from blocks import prep, status
from models import PanelRole
from tests.support.factories import memory_interview

NOW = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
PANEL = [("U1", "lead"), ("U2", "interviewer"), ("U3", "shadow"), ("U4", "reverse_shadow")]


def test_no_role_name_carries_its_own_parentheses() -> None:
    # Status, digest, scorecard and schedule lines put the role in parentheses themselves.
    for role in PanelRole:
        name = kt.role_name(role)
        assert "(" not in name, name
        assert ")" not in name, name
        assert name == name[:1].upper() + name[1:].lower()  # reads as a word in the middle of a line


def test_the_status_lines_wrap_each_role_once() -> None:
    text = status.interview_text(memory_interview(PANEL), submitted=set(), now=NOW)
    assert "• <@U3> (shadow): :eyes: observer, feedback optional" in text
    assert "• <@U4> (reverse shadow): :mortar_board: trainee lead, feedback for training" in text
    assert "((" not in text
    assert "))" not in text


def test_the_prep_lines_name_the_role_plainly() -> None:
    interview = memory_interview(PANEL)
    shadow = interview.panel[2]
    nudge = prep.prep_nudge(interview, shadow)
    assert "You are the *shadow*." in str(nudge.blocks_dicts())
    [message] = prep.prep_messages(interview, interview.panel[0], NOW)
    text = str(message.blocks_dicts())
    assert "• <@U3>: Shadow" in text
    assert "Shadow (observer)" not in text
