"""The stand-in refuses what Slack refuses: auth, arguments, Block Kit limits, trigger ids, recipients."""

from __future__ import annotations

import time
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.standin import StandIn, default_workspace
from tests.support.standin_blocks import modal, section


def error_of(call: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(SlackApiError) as info:
        call(*args, **kwargs)
    return str(info.value.response["error"])


def test_unknown_method(client: WebClient, standin: StandIn) -> None:
    assert error_of(client.api_call, "chat.scheduleMessagez") == "unknown_method"
    assert standin.calls[-1].outcome == "unknown_method"


def test_missing_and_invalid_tokens(standin: StandIn) -> None:
    assert error_of(WebClient(base_url=standin.url, retry_handlers=[]).auth_test) == "not_authed"
    bad = WebClient(token="xoxb-revoked", base_url=standin.url, retry_handlers=[])
    assert error_of(bad.chat_postMessage, channel="C0HIRING", text="x") == "invalid_auth"
    assert standin.messages("C0HIRING") == []


def test_missing_required_arguments(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as info:
        client.api_call("users.info", params={})
    assert info.value.response["error"] == "invalid_arguments"
    assert "user" in info.value.response["response_metadata"]["messages"][0]
    with pytest.warns(UserWarning, match="text"):  # slack_sdk warns too; Slack refuses
        assert error_of(client.chat_postMessage, channel="C0HIRING") == "no_text"
    assert error_of(client.chat_update, channel="C0HIRING", ts="", text="x") == "invalid_arguments"


@pytest.mark.parametrize(
    ("blocks", "ok"),
    [
        ([section(f"b{i}") for i in range(50)], True),
        ([section(f"b{i}") for i in range(51)], False),
        ([section("x" * 3000)], True),
        ([section("x" * 3001)], False),
        # ten fields, one of them at the 2,000 maximum, inside the 12,000 total (see test_text_cap.py)
        (
            [
                {
                    "type": "section",
                    "fields": [{"type": "mrkdwn", "text": "x" * 2000}]
                    + [{"type": "mrkdwn", "text": "x" * 1000}] * 9,
                }
            ],
            True,
        ),
        ([{"type": "section", "fields": [{"type": "mrkdwn", "text": "x" * 2001}]}], False),
        ([{"type": "section", "fields": [{"type": "mrkdwn", "text": "x"}] * 11}], False),
        ([{"type": "header", "text": {"type": "plain_text", "text": "x" * 150}}], True),
        ([{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}], False),
        ([section("a", block_id="same"), section("b", block_id="same")], False),
        ([{"type": "section", "text": {"type": "mrkdwn", "text": ""}}], False),
        ([{"type": "sektion", "text": {"type": "mrkdwn", "text": "x"}}], False),
    ],
    ids=[
        "50-blocks",
        "51-blocks",
        "text-3000",
        "text-3001",
        "fields-ok",
        "field-2001",
        "11-fields",
        "header-150",
        "header-151",
        "duplicate-block-id",
        "empty-text",
        "unknown-type",
    ],  # fmt: skip
)
def test_message_block_limits(client: WebClient, blocks: list[Any], ok: bool) -> None:
    if ok:
        assert client.chat_postMessage(channel="C0HIRING", text="t", blocks=blocks)["ok"]
    else:
        with pytest.raises(SlackApiError) as info:
            client.chat_postMessage(channel="C0HIRING", text="t", blocks=blocks)
        assert info.value.response["error"] == "invalid_blocks"
        assert "json-pointer:/blocks" in info.value.response["errors"][0]


def choices(n: int, kind: str = "checkboxes") -> dict[str, Any]:
    options = [{"text": {"type": "plain_text", "text": f"o{i}"}, "value": f"v{i}"} for i in range(n)]
    return {
        "type": "input",
        "block_id": "signals",
        "label": {"type": "plain_text", "text": "Signals"},
        "element": {"type": kind, "action_id": "a", "options": options},
    }


def test_choice_options_over_ten_are_refused_in_views(client: WebClient, standin: StandIn) -> None:
    view = {**modal([choices(10)]), "submit": {"type": "plain_text", "text": "Submit"}}
    assert client.views_open(trigger_id=standin.new_trigger_id(), view=view)["ok"]
    for kind in ("checkboxes", "radio_buttons"):
        view = {**modal([choices(11, kind)]), "submit": {"type": "plain_text", "text": "Submit"}}
        with pytest.raises(SlackApiError) as info:
            client.views_open(trigger_id=standin.new_trigger_id(), view=view)
        assert info.value.response["error"] == "invalid_arguments"
        assert "/view/blocks/0/element/options" in info.value.response["response_metadata"]["messages"][0]


def test_view_limits(client: WebClient, standin: StandIn) -> None:
    def open_(view: dict[str, Any]) -> str:
        return error_of(client.views_open, trigger_id=standin.new_trigger_id(), view=view)

    assert client.views_open(trigger_id=standin.new_trigger_id(), view=modal([section("x")] * 100))["ok"]
    assert open_(modal([section("x")] * 101)) == "invalid_arguments"
    assert open_(modal([section("x")], title="x" * 25)) == "invalid_arguments"
    assert open_(modal([choices(3)])) == "invalid_arguments"  # input blocks need a submit button
    assert open_({**modal([section("x")]), "private_metadata": "m" * 3001}) == "invalid_arguments"
    big = modal([section("é" * 2900, block_id=f"b{i}") for i in range(50)])  # ~290 kB of UTF-8
    assert open_(big) == "view_too_large"
    home = {"type": "home", "blocks": [section("x")] * 101}
    assert error_of(client.views_publish, user_id="U0ENGLEAD", view=home) == "invalid_arguments"


def test_update_text_over_4000_is_msg_too_long(client: WebClient) -> None:
    posted = client.chat_postMessage(channel="C0HIRING", text="digest")
    assert client.chat_update(channel="C0HIRING", ts=posted["ts"], text="x" * 4000)["ok"]
    too_long = error_of(client.chat_update, channel="C0HIRING", ts=posted["ts"], text="x" * 4001)
    assert too_long == "msg_too_long"
    assert error_of(client.chat_update, channel="C0HIRING", ts="1.000001", text="x") == "message_not_found"


def test_modal_stack_holds_three_views(client: WebClient, standin: StandIn) -> None:
    client.views_open(trigger_id=standin.new_trigger_id("U0ENGLEAD"), view=modal([section("1")]))
    for text in ("2", "3"):
        client.views_push(trigger_id=standin.new_trigger_id("U0ENGLEAD"), view=modal([section(text)]))
    trigger = standin.new_trigger_id("U0ENGLEAD")
    assert error_of(client.views_push, trigger_id=trigger, view=modal([section("4")])) == "push_limit_reached"
    assert len(standin.modal_stack("U0ENGLEAD")) == 3


def test_trigger_ids_are_single_use_and_short_lived(client: WebClient, standin: StandIn) -> None:
    trigger = standin.new_trigger_id("U0ENGLEAD")
    assert client.views_open(trigger_id=trigger, view=modal([section("x")]))["ok"]
    again = error_of(client.views_open, trigger_id=trigger, view=modal([section("x")]))
    assert again == "exchanged_trigger_id"
    stale = standin.new_trigger_id("U0ENGLEAD")
    time.sleep(0.6)  # the fixture's trigger_ttl is 0.5 s (Slack's is 3 s)
    assert error_of(client.views_open, trigger_id=stale, view=modal([section("x")])) == "expired_trigger_id"
    unknown = "123.456.never-minted"
    assert error_of(client.views_open, trigger_id=unknown, view=modal([section("x")])) == "invalid_trigger_id"


def test_a_refused_view_does_not_use_up_the_trigger(client: WebClient, standin: StandIn) -> None:
    trigger = standin.new_trigger_id()
    error_of(client.views_open, trigger_id=trigger, view=modal([section("x")] * 101))
    assert client.views_open(trigger_id=trigger, view=modal([section("x")]))["ok"]


def test_stale_view_hash_is_a_conflict(client: WebClient, standin: StandIn) -> None:
    view = client.views_open(trigger_id=standin.new_trigger_id(), view=modal([section("x")]))["view"]
    client.views_update(view_id=view["id"], view=modal([section("y")]))
    stale = error_of(client.views_update, view_id=view["id"], hash=view["hash"], view=modal([section("z")]))
    assert stale == "hash_conflict"
    assert error_of(client.views_update, view_id="V404", view=modal([section("z")])) == "not_found"


@pytest.mark.parametrize(
    ("channel", "error"),
    [
        ("U0NOBODY", "user_not_found"),
        ("D0NOBODY", "channel_not_found"),
        ("C0NOWHERE", "channel_not_found"),
        ("U0GONEAWAY", "account_inactive"),
        ("C0OLDROLE", "is_archived"),
    ],
)
def test_posting_to_missing_or_inactive_recipients(
    client: WebClient, standin: StandIn, channel: str, error: str
) -> None:
    assert error_of(client.chat_postMessage, channel=channel, text="prep") == error
    assert error_of(client.chat_postMessage, channel=channel, text="prep") == error
    assert standin.messages(channel) == []


def test_recipient_errors_on_other_methods(client: WebClient) -> None:
    assert error_of(client.conversations_open, users="U0NOBODY") == "user_not_found"
    assert error_of(client.conversations_open, users="U0GONEAWAY") == "account_inactive"
    assert error_of(client.users_info, user="U0NOBODY") == "user_not_found"
    assert error_of(client.users_lookupByEmail, email="nobody@example.com") == "users_not_found"
    eph = error_of(client.chat_postEphemeral, channel="C0HIRING", user="U0NOBODY", text="x")
    assert eph == "user_not_found"
    assert error_of(client.conversations_history, channel="C0NOWHERE") == "channel_not_found"


def test_bad_metadata_and_thread(client: WebClient) -> None:
    bad = {"event_type": "x"}  # no event_payload
    post = client.chat_postMessage
    assert error_of(post, channel="C0HIRING", text="x", metadata=bad) == "invalid_metadata_format"
    assert error_of(post, channel="C0HIRING", text="x", thread_ts="1.1") == "thread_not_found"


def test_auto_users_accepts_any_user_id() -> None:
    with StandIn(default_workspace(auto_users=True)) as standin:
        client = WebClient(token="xoxb-any", base_url=standin.url)
        assert client.chat_postMessage(channel="U1", text="hi")["channel"] == "D1"
        assert client.users_info(user="U1")["user"]["tz"] == "UTC"
