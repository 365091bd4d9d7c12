"""Digest builders: what the channel, the thread, the escalation and the hiring manager's DM show."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject, SectionBlock

from blocks import limits
from blocks.digest import digest_message, escalation, private_notes_message, scorecard_reply
from blocks.ids import ActionId
from blocks.message import Message
from bot.feedback.logic import FeedbackForm
from models import Candidate, CandidateLoop, Feedback, Interview
from tests.support.factories import kit, kit_question, memory_interview

START = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
END = START + timedelta(hours=1)
NOW = END + timedelta(hours=30)


def fb(interview: Interview, user: str, rec: str = "yes", **kw: Any) -> Feedback:
    return Feedback(
        id=kw.pop("id", hash(user) % 1000),
        interview_id=interview.id,
        interviewer=user,
        status=kw.pop("status", "submitted"),
        ratings=kw.pop("ratings", {"learn": "yes", "build": "no_signal"}),
        signals=kw.pop("signals", []),
        question_notes=kw.pop("question_notes", {}),
        recommendation=rec,
        summary=kw.pop("summary", "Clear thinker; strong trade-off reasoning."),
        private_note=kw.pop("private_note", ""),
        version=kw.pop("version", 1),
        submitted_at=kw.pop("submitted_at", END + timedelta(hours=1)),
    )


def dumped(message: Message) -> str:
    return json.dumps([b.to_dict() for b in message.blocks]) + message.text


def texts(message: Message) -> str:
    return "\n".join(
        b.text.text if isinstance(b, SectionBlock) and b.text else json.dumps(b.to_dict())
        for b in message.blocks
    )


def panel3(candidate: str = "Ada Lovelace") -> Interview:
    return memory_interview([("U1", "lead"), ("U2", "interviewer"), ("U3", "shadow")], candidate=candidate)


def test_digest_shows_candidate_role_tally_matrix_and_flags() -> None:
    i = panel3()
    feedback = [
        fb(i, "U1", "strong_yes", ratings={"learn": "strong_yes", "build": "yes"}),
        fb(
            i,
            "U2",
            "strong_no",
            ratings={"learn": "no", "build": "strong_no"},
            submitted_at=END + timedelta(hours=27),
        ),
    ]
    message = digest_message(i.candidate_loop, feedback, NOW)
    body = texts(message)
    assert "Debrief: Ada Lovelace" in dumped(message)
    assert "*Candidate:* Ada Lovelace · *Role:* Software Engineer" in body
    assert "Strong Yes: *1* · Yes: *0* · No: *0* · Strong No: *1*" in body
    assert "*Split decision*" in body
    assert "*Strong no* from <@U2>" in body
    assert "*Nobody assessed*: Effective team member." in body
    assert "*Late feedback* from <@U2> (Architecture, interviewer): 3 hours past the deadline." in body
    assert "All feedback is in (2 scorecards)" in body  # the shadow is not waited for
    assert "```" in body
    assert "SY" in body
    assert "`A` <@U1>" in body
    assert "`B` <@U2>" in body


def test_missing_feedback_is_named_in_a_deadline_digest_and_scores_are_held_back() -> None:
    i = panel3()
    message = digest_message(i.candidate_loop, [fb(i, "U1", "strong_no")], NOW)
    body = texts(message)
    assert "*Missing feedback*: <@U2> (Architecture, interviewer)." in body
    assert "1 scorecard in, 1 still missing" in body
    assert "<@U3>" not in body  # observers are never missing
    # Blind rule: U2 may read the channel, so no tally, flags or matrix reveal U1's scores.
    assert "Strong No" not in body
    assert "Recommendations" not in body
    assert "```" not in body
    assert "*Scorecards are held back*" in body
    [actions] = [b for b in message.blocks_dicts() if b["type"] == "actions"]
    [button] = actions["elements"]
    assert (button["action_id"], button["value"]) == (ActionId.RELEASE_SCORECARDS, str(i.candidate_loop.id))
    assert button["confirm"]["confirm"]["text"] == "Release"


def test_released_scores_show_while_feedback_is_still_missing() -> None:
    i = panel3()
    i.candidate_loop.scorecards_released_at = NOW
    body = texts(digest_message(i.candidate_loop, [fb(i, "U1", "strong_no")], NOW))
    assert "Strong No: *1*" in body
    assert "*Missing feedback*: <@U2>" in body
    assert "held back" not in body


def test_drafts_and_cancelled_interviews_do_not_count() -> None:
    i = panel3()
    other = memory_interview([("U5", "lead")], interview_id=8)
    other.candidate_loop = i.candidate_loop
    other.status = "cancelled"
    feedback = [fb(i, "U1", "no", status="draft"), fb(other, "U5", "strong_no")]
    i.candidate_loop.scorecards_released_at = NOW  # to see the tally while U1 and U2 are missing
    body = texts(digest_message(i.candidate_loop, feedback, NOW))
    assert "Strong No: *0*" in body
    assert "No: *0*" in body
    assert "<@U5>" not in body


def test_observer_feedback_is_mentioned_not_counted() -> None:
    i = panel3()
    feedback = [fb(i, "U1"), fb(i, "U2"), fb(i, "U3", "strong_no")]
    body = texts(digest_message(i.candidate_loop, feedback, NOW))
    assert "Strong No: *0*" in body
    assert "Not counted in the tally or the matrix: <@U3> (Architecture, shadow): observer feedback." in body


def test_candidate_names_and_notes_are_escaped_everywhere() -> None:
    i = panel3(candidate="<!channel> Eve")
    i.candidate_loop.rubric = {**i.candidate_loop.rubric, "role": "R&D <lead>"}
    f = fb(
        i,
        "U1",
        summary="<!here> said <b>",
        question_notes={"q-learn": "ping <!everyone>"},
        private_note="<@U9>",
    )
    cl = i.candidate_loop
    for message in (
        digest_message(cl, [f], NOW),
        scorecard_reply(cl, i, f),
        escalation(cl, [(i, "U2")], NOW),
        private_notes_message(cl, [f]),
    ):
        assert message is not None
        out = dumped(message)
        assert "<!channel>" not in out
        assert "<!here>" not in out
        assert "<!everyone>" not in out
        assert "&lt;!channel&gt; Eve" in out
    assert "R&amp;D &lt;lead&gt;" in dumped(digest_message(cl, [f], NOW))


def test_private_notes_never_reach_the_channel_or_the_thread() -> None:
    i = panel3()
    f = fb(i, "U1", private_note="Secret: worried about references")
    assert "Secret" not in dumped(digest_message(i.candidate_loop, [f], NOW))
    assert "Secret" not in dumped(scorecard_reply(i.candidate_loop, i, f))
    notes = private_notes_message(i.candidate_loop, [f, fb(i, "U2")])
    assert notes is not None
    assert "Secret: worried about references" in dumped(notes)
    assert "<@U2>" not in dumped(notes)  # only feedback that has a note
    assert private_notes_message(i.candidate_loop, [fb(i, "U2")]) is None


def test_scorecard_reply_shows_ratings_signals_notes_and_summary() -> None:
    i = panel3()
    f = fb(
        i,
        "U1",
        "strong_yes",
        ratings={"learn": "strong_yes", "build": "no_signal"},
        signals=["great:q-learn:0", "negative:q-build:0"],
        question_notes={"q-learn": "Explained the cache well", "q-backup": "Not needed"},
        version=2,
        submitted_at=END + timedelta(hours=30),
    )
    body = texts(scorecard_reply(i.candidate_loop, i, f))
    assert "*Scorecard: <@U1>* · Architecture (lead)" in body
    assert "*Recommendation:* Strong Yes" in body
    assert "• Ability to learn and teach: *Strong Yes*\n• Building systems: *No signal*" in body
    assert ":white_check_mark: Mentions trade-offs" in body
    assert ":x: Blames others" in body
    assert "*Q1: Tell me about q-learn.*\nExplained the cache well" in body
    assert "*Backup: Tell me about q-backup.*\nNot needed" in body
    assert "past the feedback deadline" in body
    assert "version 2" in body
    assert "*Summary*\nClear thinker" in body


def test_scorecard_lists_notes_and_signals_in_kit_order_backup_last() -> None:
    slugs = ["d-first", "b-second", "a-backup", "c-third"]  # the backup sits mid-kit; slugs sort differently
    questions = [
        kit_question(
            slug,
            great_signals=[f"{slug} great 0", f"{slug} great 1"],
            negative_signals=[f"{slug} negative 0"],
            is_backup=slug == "a-backup",
        )
        for slug in slugs
    ]
    i = memory_interview([("U1", "lead")], kits={"U1": kit(questions=questions)})
    stored = FeedbackForm(  # as the feedback service stores it: sorted by id and slug
        signals=[
            "negative:b-second:0",
            "great:a-backup:0",
            "great:d-first:1",
            "great:c-third:0",
            "great:d-first:0",
        ],
        question_notes={slug: f"note on {slug}" for slug in slugs},
    ).snapshot()
    f = fb(i, "U1", signals=stored["signals"], question_notes=stored["question_notes"])
    body = texts(scorecard_reply(i.candidate_loop, i, f))
    notes = [line for line in body.splitlines() if line.startswith("note on ")]
    assert notes == ["note on d-first", "note on b-second", "note on c-third", "note on a-backup"]
    titles = [line.split(":")[0] for line in body.splitlines() if line.startswith("*Q") or "*Backup" in line]
    assert titles == ["*Q1", "*Q2", "*Q3", "*Backup"]
    ticked = [line.split(" ", 1)[1] for line in body.splitlines() if line.startswith((":white_check", ":x:"))]
    assert ticked == [
        "d-first great 0",
        "d-first great 1",
        "b-second negative 0",
        "c-third great 0",
        "a-backup great 0",
    ]


def test_large_panel_matrix_stays_within_limits() -> None:
    users = [f"U{n:03d}" for n in range(60)]
    i = memory_interview([(u, "interviewer") for u in users])
    categories = [{"key": f"c{n}", "name": f"Category number {n} with a long name"} for n in range(30)]
    i.candidate_loop.rubric = {**i.candidate_loop.rubric, "categories": categories}
    ratings = {f"c{n}": "strong_yes" for n in range(30)}
    feedback = [fb(i, u, ratings=ratings, id=n) for n, u in enumerate(users)]
    message = digest_message(i.candidate_loop, feedback, NOW)
    limits.check_message(message.blocks, message.text)
    codes = [
        b.text.text for b in message.blocks if isinstance(b, SectionBlock) and b.text and "```" in b.text.text
    ]
    assert len(codes) >= 60 // 8
    assert all(len(c) <= limits.SECTION_TEXT for c in codes)
    assert "`BH` <@U059>" in texts(message)  # every interviewer has a column label


def test_long_scorecard_is_split_into_sections_within_limits() -> None:
    questions = [kit_question(f"q{n}") for n in range(10)]
    i = memory_interview([("U1", "lead")], kits={"U1": kit(questions=questions)})
    notes = {f"q{n}": "word " * 590 for n in range(10)}
    f = fb(i, "U1", question_notes=notes, summary="x " * 1500)
    message = scorecard_reply(i.candidate_loop, i, f)
    limits.check_message(message.blocks, message.text)
    assert len(message.blocks) > 10


def test_escalation_names_who_is_late() -> None:
    i = panel3()
    message = escalation(i.candidate_loop, [(i, "U1"), (i, "U2")], NOW)
    when = "<!date^1796137200^{date_short_pretty} at {time}|2026-12-01 15:00 UTC>"
    assert message.blocks[0] == SectionBlock(
        text=MarkdownTextObject(
            text=":rotating_light: *Feedback on Ada Lovelace is overdue*\n"
            f"• <@U1>: Architecture on {when}, ended 30 hours ago\n"
            f"• <@U2>: Architecture on {when}, ended 30 hours ago"
        )
    )
    assert isinstance(message.blocks[-1], ContextBlock)
    assert message.text == "Overdue feedback on Ada Lovelace: <@U1>, <@U2>"


def test_minimal_snapshots_render() -> None:
    cl = CandidateLoop(id=1, hiring_channel="C1", recruiter="U0R", hiring_manager="U0M")
    cl.rubric = {"slug": "eng", "scale": [], "categories": [{"key": "learn"}]}
    cl.candidate = Candidate(name="Bob")
    i = memory_interview([("U1", "lead")])
    i.candidate_loop = cl
    i.guidance = {}
    message = digest_message(cl, [fb(i, "U1", ratings={})], NOW)
    assert "Debrief: Bob" in dumped(message)
    assert "learn" in texts(message)
