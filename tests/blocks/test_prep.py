"""Prep DM, nudge, feedback request/reminder and notice builders."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject

from blocks import limits, prep
from blocks.ids import ActionId, BlockId
from bot.standin import blockkit
from tests.support.factories import kit, kit_question, memory_interview

NOW = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


def _all_text(messages: list[Any]) -> str:
    return "\n".join(json.dumps(m.blocks_dicts(), ensure_ascii=False) + m.text for m in messages)


def _mrkdwn(messages: list[Any]) -> str:
    """Every visible text of the messages, in order."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text"):
                out.append(node["text"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    for m in messages:
        walk(m.blocks_dicts())
    return "\n".join(out)


def test_prep_message_has_the_facts_role_guidance_questions_panel_and_consent() -> None:
    i = memory_interview([("U1", "lead"), ("U2", "interviewer"), ("U3", "shadow")], recording_consent=True)
    [message] = prep.prep_messages(i, i.panel[0], NOW)
    text = _mrkdwn([message])
    assert "*Candidate:* Ada Lovelace · *Role:* Software Engineer" in text
    assert "<!date^1796137200^{date_short_pretty} at {time}|2026-12-01 15:00 UTC> (in 24 hours)" in text
    assert "*Duration:* 60 minutes" in text
    assert "*Your role:* Lead. You run the interview" in text
    assert "Do a dry run with the hiring manager" in text
    assert "Save the last 10 minutes" in text
    assert "*How the candidate prepares*\nThey will design a new system from scratch." in text
    assert "<https://example.com/backend|Backend systems notes>" in text
    assert "*Q1 · Ability to learn and teach*\nTell me about q-learn." in text
    assert "*Q2 · Building systems*" in text
    assert "*Backup question · Building systems*\n_Use it when: No cloud experience_" in text
    assert "• Mentions trade-offs" in text
    assert "• Blames others" in text
    assert "*Technologies that may come up:* Kubernetes" in text
    assert "*Follow-ups*\n• What would you change?" in text
    assert "*Goal:* See how they reason about it." in text
    assert "• <@U2>: Interviewer, covers Ability to learn and teach, Building systems" in text
    assert "• <@U3>: Shadow\n" in text + "\n"
    assert "<@U1>" not in text  # not listed as "also on the panel"
    assert "agreed to be recorded" in text
    assert "not* agree" not in text


def test_prep_buttons_carry_the_interview_id() -> None:
    i = memory_interview([("U1", "lead")])
    [message] = prep.prep_messages(i, i.panel[0], NOW)
    actions = message.blocks[-1].to_dict()
    assert actions["block_id"] == BlockId.PREP_ACTIONS
    assert [(e["action_id"], e["value"]) for e in actions["elements"]] == [
        (ActionId.OPEN_FEEDBACK, "7"),
        (ActionId.CANT_MAKE_IT, "7"),
    ]


def test_shadow_role_says_what_an_observer_does_and_no_recording() -> None:
    i = memory_interview([("U1", "lead"), ("U3", "shadow")])
    [message] = prep.prep_messages(i, i.panel[1], NOW)
    text = _mrkdwn([message])
    assert "*Your role:* Shadow. You observe" in text
    assert "did *not* agree to be recorded" in text


def test_long_kit_splits_into_messages_within_every_limit_and_drops_nothing() -> None:
    long = "Explain in detail " + "how the system degrades under load and what you would measure " * 12
    questions = [
        kit_question(
            f"q{n}",
            "build",
            prompt=f"Q-START-{n} {long}",
            follow_ups=[f"follow {n}.{k} " + "why " * 30 for k in range(5)],
            great_signals=[f"great {n}.{k} " + "detail " * 25 for k in range(8)],
            negative_signals=[f"negative {n}.{k} " + "vague " * 25 for k in range(6)],
            goal="goal " * 60,
        )
        for n in range(30)
    ]
    i = memory_interview([("U1", "lead")], kits={"U1": kit(questions=questions)})
    messages = prep.prep_messages(i, i.panel[0], NOW)
    assert len(messages) > 1
    for n, m in enumerate(messages, start=1):
        limits.check_message(m.blocks, m.text)  # raises on any breach
        assert len(m.blocks) <= limits.MESSAGE_BLOCKS
        assert all(len(b.to_dict().get("text", {}).get("text", "")) <= 3000 for b in m.blocks)
        assert f"(part {n} of {len(messages)})" in m.text
    text = _mrkdwn(messages)
    for n in range(30):
        assert f"Q-START-{n} " in text
        assert f"great {n}.7 " in text
        assert f"negative {n}.5 " in text
        assert f"follow {n}.4 " in text
    # Buttons once, on the last part.
    assert _all_text(messages).count(ActionId.OPEN_FEEDBACK) == 1
    assert messages[-1].blocks[-1].to_dict()["block_id"] == BlockId.PREP_ACTIONS


def test_a_single_huge_question_is_split_into_sections() -> None:
    q = kit_question("huge", prompt="word " * 2000)
    i = memory_interview([("U1", "lead")], kits={"U1": kit(questions=[q])})
    messages = prep.prep_messages(i, i.panel[0], NOW)
    assert _mrkdwn(messages).count("word") == 2000
    for m in messages:
        limits.check_message(m.blocks, m.text)


def test_user_text_is_escaped_everywhere() -> None:
    evil = kit_question(
        "evil",
        prompt="Ping <!here> & <@U999>",
        great_signals=["<https://evil.example|click>"],
        category_name="<!channel>",
    )
    i = memory_interview(
        [("U1", "lead")],
        candidate="<!channel> Eve",
        kits={"U1": kit(questions=[evil])},
        guidance={"type_name": "<!everyone> type", "resources": [{"title": "x", "url": "https://a|b>"}]},
    )
    messages = [
        *prep.prep_messages(i, i.panel[0], NOW),
        prep.prep_nudge(i, i.panel[0]),
        prep.feedback_request(i, i.panel[0]),
        prep.feedback_reminder(i, i.panel[0], 2),
    ]
    text = _all_text(messages)
    assert "&lt;!channel&gt; Eve" in text
    for raw in ("<!channel>", "<!here>", "<!everyone>", "<@U999>", "<https://evil", "<https://a|b>"):
        assert raw not in text
    assert "Ping &lt;!here&gt; &amp; &lt;@U999&gt;" in text


def test_nudge_lists_questions_and_must_dos() -> None:
    i = memory_interview([("U1", "lead")])
    message = prep.prep_nudge(i, i.panel[0])
    text = _mrkdwn([message])
    assert "starts <!date^1796137200^{time}|" in text
    assert "1. Tell me about q-learn.\n2. Tell me about q-build." in text
    assert "backup" not in text.lower()
    assert "Do a dry run" in text
    assert message.blocks[-1].to_dict()["block_id"] == BlockId.PREP_ACTIONS


def test_feedback_request_and_reminder_have_only_the_form_button() -> None:
    i = memory_interview([("U1", "lead"), ("U3", "shadow")])
    request = prep.feedback_request(i, i.panel[0])
    reminder = prep.feedback_reminder(i, i.panel[0], 2)
    for m in (request, reminder):
        actions = m.blocks[-1].to_dict()
        assert [e["action_id"] for e in actions["elements"]] == [ActionId.OPEN_FEEDBACK]
    assert request.text == "Feedback please: Architecture with Ada Lovelace"
    assert reminder.text == "Reminder 2: feedback on Architecture with Ada Lovelace"
    assert "optional" not in _mrkdwn([request])
    assert "optional" in _mrkdwn([prep.feedback_request(i, i.panel[1])])


def test_notice_is_plain_equality() -> None:
    message = prep.notice("The Architecture with *Ada* has moved.")
    assert message.text == "The Architecture with *Ada* has moved."
    assert message.blocks == prep.sections("The Architecture with *Ada* has moved.")


def test_declined_confirmation_replaces_the_buttons() -> None:
    i = memory_interview([("U1", "lead")])
    [message] = prep.prep_messages(i, i.panel[0], NOW)
    updated = prep.declined_confirmation(message.blocks_dicts())
    assert BlockId.PREP_ACTIONS not in [b.get("block_id") for b in updated]
    assert (
        updated[-1]
        == ContextBlock(
            block_id=BlockId.PREP_CONFIRMATION,
            elements=[
                MarkdownTextObject(
                    text=":white_check_mark: You told us you can't make it. The recruiter has been told, "
                    "and you won't get anything more about this interview."
                )
            ],
        ).to_dict()
    )
    assert updated[:-1] == message.blocks_dicts()[:-1]


def test_long_kit_passes_the_stand_ins_independent_block_kit_checks() -> None:
    questions = [
        kit_question(f"q{n}", prompt="word " * 700, great_signals=["signal " * 40] * 12) for n in range(30)
    ]
    i = memory_interview([("U1", "lead")], kits={"U1": kit(questions=questions)})
    messages = prep.prep_messages(i, i.panel[0], NOW)
    assert len(messages) > 2
    for m in messages:
        assert blockkit.blocks(m.blocks_dicts(), limits.MESSAGE_BLOCKS) == []
