"""The graduation DM, its decided state and the "not yet" modal: pure builders."""

from __future__ import annotations

from datetime import UTC, datetime

from slack_sdk.models.blocks import ActionsBlock, InputBlock

from blocks.ids import ActionId, BlockId, CallbackId
from blocks.interviewers.graduation import NotYetMeta, decided, graduation_request, not_yet_modal, quoted
from bot.interviewers.graduation import refusal
from models import GraduationRequest, TrainingSession

WHEN = datetime(2030, 3, 5, 10, 0, tzinfo=UTC)
LINE = "Pairing exercise: shadowed 2/2, reverse shadow 1/1, agreement 6 of 6 categories"


def request(**kw: object) -> GraduationRequest:
    values: dict[str, object] = {
        "id": 4,
        "user_id": "U0TRAINEE",
        "approver": "U0MANAGER",
        "status": "pending",
    }
    values.update(kw)
    return GraduationRequest(**values)


def sessions() -> list[tuple[TrainingSession, datetime]]:
    row = TrainingSession(kind="reverse_shadow", qualified="U0QUALIFD", exact=1, close=2, compared=2)
    return [(row, WHEN)]


def test_the_request_offers_approve_and_not_yet_on_the_request_id() -> None:
    message = graduation_request(request(), "Pairing <exercise>", LINE, sessions())
    [actions] = [b for b in message.blocks if isinstance(b, ActionsBlock)]
    assert actions.block_id == BlockId.GRADUATION_ACTIONS
    buttons = actions.to_dict()["elements"]
    assert [(b["action_id"], b["value"]) for b in buttons] == [
        (ActionId.APPROVE_GRADUATION, "4"),
        (ActionId.NOT_YET_GRADUATION, "4"),
    ]
    text = str(message.blocks_dicts())
    assert "*Pairing &lt;exercise&gt;* interviews" in text
    assert LINE in text
    assert "Reverse shadow on <!date^" in text
    assert "<@U0QUALIFD>: 2 of 2 categories close, 1 the same" in text


def test_once_decided_the_buttons_give_way_to_who_decided() -> None:
    done = request(status="approved", decided_by="U0MANAGER", decided_at=WHEN)
    message = decided(done, "Pairing exercise", LINE, sessions())
    assert not any(isinstance(b, ActionsBlock) for b in message.blocks)
    assert "Approved by <@U0MANAGER>" in str(message.blocks_dicts())
    later = request(status="not_yet", decided_by="U0MANAGER", decided_at=WHEN, reason="Ask <why>")
    assert "Not yet, said <@U0MANAGER>" in str(decided(later, "Pairing exercise", LINE, []).blocks_dicts())
    assert "Ask &lt;why&gt;" in str(decided(later, "Pairing exercise", LINE, []).blocks_dicts())


def test_the_not_yet_modal_requires_a_reason_and_remembers_the_dm() -> None:
    meta = NotYetMeta(request_id=4, channel="D0DM", ts="1.2")
    view = not_yet_modal(request(), "Pairing exercise", meta)
    assert view.callback_id == CallbackId.GRADUATION_NOT_YET
    assert NotYetMeta.model_validate_json(view.private_metadata or "") == meta
    [reason] = [b for b in view.blocks if isinstance(b, InputBlock)]
    assert reason.block_id == BlockId.GRADUATION_REASON
    assert not reason.optional
    view.to_dict()  # within Slack's limits


def test_a_refusal_names_who_decides() -> None:
    text = refusal(request(), "Pairing exercise")
    assert text.startswith(":lock: Only <@U0MANAGER> can decide whether <@U0TRAINEE> graduates")


def test_type_names_are_escaped_in_the_fallback_text_and_the_modal_title_fits() -> None:
    message = graduation_request(request(), "Pairing <!here>", LINE, sessions())
    assert "<!here>" not in message.text
    assert "Pairing &lt;!here&gt;" in message.text
    done = decided(request(status="approved", decided_by="U0MANAGER", decided_at=WHEN), "A <b>", LINE, [])
    assert "A &lt;b&gt;" in done.text
    # A modal's title is plain_text of at most 24 characters
    # (https://docs.slack.dev/reference/views/modal-views): it names no type, whatever its length.
    view = not_yet_modal(request(), "A very long interview type name indeed", NotYetMeta(request_id=4))
    assert view.to_dict()["title"]["text"] == "Not yet"


def test_every_line_of_a_multi_line_reason_is_quoted() -> None:
    assert (
        quoted("Probe <deeper>\nAsk why\n\nthen listen") == ">Probe &lt;deeper&gt;\n>Ask why\n>\n>then listen"
    )
    later = request(status="not_yet", decided_by="U0MANAGER", decided_at=WHEN, reason="one\ntwo")
    assert ">one\\n>two" in str(decided(later, "Pairing exercise", LINE, []).blocks_dicts())


def test_a_withdrawn_request_says_what_happened_instead_of_approved() -> None:
    done = request(
        status="withdrawn",
        decided_by="U0MANAGER",
        decided_at=WHEN,
        reason="no longer a trainee (now qualified), so nothing changed",
    )
    text = str(decided(done, "Pairing exercise", LINE, []).blocks_dicts())
    assert "Not graduated: when <@U0MANAGER> approved" in text
    assert "<@U0TRAINEE> was no longer a trainee (now qualified), so nothing changed." in text
    assert "Approved by" not in text


def test_refusals_for_any_qualified_say_who_may_decide() -> None:
    text = refusal(request(), "Pairing exercise", anyone_qualified=True)
    assert text.startswith(":lock: Only a qualified *Pairing exercise* interviewer can decide")
    assert "loopbot asked <@U0MANAGER>" in text
