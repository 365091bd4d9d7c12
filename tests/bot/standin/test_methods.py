"""The Web API methods loopbot uses answer like Slack and leave a readable record."""

from __future__ import annotations

import json
import urllib.request
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_sdk import WebClient
from slack_sdk.models.blocks import HeaderBlock, SectionBlock

from bot.standin import METHODS, StandIn, dm_id
from tests.support.standin_blocks import TOKEN, modal, section

METADATA = {"event_type": "loopbot_delivery", "event_payload": {"key_hash": "abc123"}}


def raw_call(
    url: str, method: str, body: bytes, content_type: str, token: str | None = TOKEN
) -> dict[str, Any]:
    headers = {"Content-Type": content_type}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url + method, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(req, timeout=5) as resp:
        answer: dict[str, Any] = json.loads(resp.read())
        return answer


def test_every_method_loopbot_uses_is_served() -> None:
    used = {"auth.test", "chat.postMessage", "chat.update", "chat.postEphemeral", "conversations.open",
            "conversations.history", "conversations.replies", "views.open", "views.update", "views.push",
            "views.publish", "users.info", "users.lookupByEmail", "chat.getPermalink"}  # fmt: skip
    assert used <= set(METHODS)


def test_auth_test_names_the_bot(client: WebClient, standin: StandIn) -> None:
    resp = client.auth_test()
    assert resp["user_id"] == standin.workspace.bot_user_id
    assert resp["team_id"] == standin.workspace.team_id


def test_post_to_a_user_lands_in_their_dm_and_is_recorded(client: WebClient, standin: StandIn) -> None:
    blocks = [SectionBlock(text="*Prep* for your interview"), HeaderBlock(text="Questions")]
    resp = client.chat_postMessage(channel="U0ENGLEAD", text="Prep", blocks=blocks, metadata=METADATA)
    assert resp["channel"] == "D0ENGLEAD" == dm_id("U0ENGLEAD")
    [message] = standin.messages("U0ENGLEAD")
    assert message["ts"] == resp["ts"]
    assert message["blocks"][0]["text"]["text"] == "*Prep* for your interview"
    assert message["metadata"] == METADATA
    [call] = standin.calls_to("chat.postMessage")
    assert call.args["channel"] == "U0ENGLEAD"
    assert call.token == TOKEN
    assert call.outcome == "ok"
    assert call.status == 200
    assert call.at > 0


@pytest.mark.usefixtures("standin")
def test_history_returns_metadata_only_when_asked(client: WebClient) -> None:
    first = client.chat_postMessage(channel="C0HIRING", text="one", metadata=METADATA)["ts"]
    second = client.chat_postMessage(channel="C0HIRING", text="two")["ts"]
    client.chat_postMessage(channel="C0HIRING", text="reply", thread_ts=first)
    plain = client.conversations_history(channel="C0HIRING")["messages"]
    assert [m["ts"] for m in plain] == [second, first]  # newest first, replies not at top level
    assert all("metadata" not in m for m in plain)
    full = client.conversations_history(channel="C0HIRING", include_all_metadata=True)["messages"]
    assert full[1]["metadata"] == METADATA
    assert full[1]["reply_count"] == 1


def test_history_pages_with_a_cursor(client: WebClient) -> None:
    posted = [client.chat_postMessage(channel="U0ENGPAIR", text=str(i))["ts"] for i in range(5)]
    page1 = client.conversations_history(channel="D0ENGPAIR", limit=3)
    assert page1["has_more"] is True
    page2 = client.conversations_history(
        channel="D0ENGPAIR", limit=3, cursor=page1["response_metadata"]["next_cursor"]
    )
    assert [m["ts"] for m in page1["messages"] + page2["messages"]] == posted[::-1]
    assert page2["has_more"] is False


def test_replies_and_permalink(client: WebClient) -> None:
    parent = client.chat_postMessage(channel="C0HIRING", text="digest")["ts"]
    reply = client.chat_postMessage(channel="C0HIRING", text="scorecard", thread_ts=parent, metadata=METADATA)
    thread = client.conversations_replies(channel="C0HIRING", ts=parent, include_all_metadata=True)
    assert [m["text"] for m in thread["messages"]] == ["digest", "scorecard"]
    assert thread["messages"][1]["metadata"] == METADATA
    link = client.chat_getPermalink(channel="C0HIRING", message_ts=reply["ts"])["permalink"]
    assert "/archives/C0HIRING/p" in link
    assert f"thread_ts={parent}" in link


def test_update_replaces_text_and_blocks(client: WebClient, standin: StandIn) -> None:
    posted = client.chat_postMessage(channel="C0HIRING", text="3 of 4 in", blocks=[section("old")])
    client.chat_update(channel=posted["channel"], ts=posted["ts"], text="4 of 4 in", blocks=[section("new")])
    [message] = standin.messages("C0HIRING")
    assert message["text"] == "4 of 4 in"
    assert message["blocks"][0]["text"]["text"] == "new"
    assert "edited" in message


def test_ephemeral_is_not_in_history(client: WebClient, standin: StandIn) -> None:
    client.chat_postEphemeral(channel="C0HIRING", user="U0ENGLEAD", text="only you")
    assert standin.messages("C0HIRING") == []
    [eph] = standin.ephemerals("U0ENGLEAD")
    assert eph["text"] == "only you"
    assert eph["channel"] == "C0HIRING"


def test_conversations_open_gives_the_dm(client: WebClient) -> None:
    assert client.conversations_open(users="U0ENGOBSV")["channel"]["id"] == "D0ENGOBSV"


def test_users_info_and_lookup_by_email(client: WebClient) -> None:
    user = client.users_info(user="U0ENGTOKY")["user"]
    assert user["tz"] == "Asia/Tokyo"
    assert user["tz_offset"] == 9 * 3600
    assert user["real_name"] == "Kenji Tanaka"
    assert user["deleted"] is False
    assert client.users_lookupByEmail(email="KENJI@example.com")["user"]["id"] == "U0ENGTOKY"
    assert client.users_info(user="U0GONEAWAY")["user"]["deleted"] is True


def test_views_open_push_update_publish(client: WebClient, standin: StandIn) -> None:
    opened = client.views_open(trigger_id=standin.new_trigger_id("U0ENGLEAD"), view=modal([section("a")]))
    view = opened["view"]
    assert view["id"].startswith("V")
    assert view["root_view_id"] == view["id"]
    pushed = client.views_push(trigger_id=standin.new_trigger_id("U0ENGLEAD"), view=modal([section("b")]))
    assert pushed["view"]["previous_view_id"] == view["id"]
    updated = client.views_update(view_id=view["id"], hash=view["hash"], view=modal([section("c")]))
    assert updated["view"]["hash"] != view["hash"]
    assert [v["blocks"][0]["text"]["text"] for v in standin.modal_stack("U0ENGLEAD")] == ["c", "b"]
    home = {"type": "home", "blocks": [section("Coming up")]}
    client.views_publish(user_id="U0ENGPAIR", view=home)
    published = standin.home("U0ENGPAIR")
    assert published is not None
    assert published["blocks"][0]["text"]["text"] == "Coming up"


@pytest.mark.parametrize("encoding", ["form", "json"])
def test_form_and_json_bodies_are_both_understood(standin: StandIn, encoding: str) -> None:
    blocks = [section("hello")]
    if encoding == "form":
        body = urlencode({"channel": "C0HIRING", "text": "hi", "blocks": json.dumps(blocks),
                          "metadata": json.dumps(METADATA)}).encode()  # fmt: skip
        resp = raw_call(standin.url, "chat.postMessage", body, "application/x-www-form-urlencoded")
    else:
        args = {"channel": "C0HIRING", "text": "hi", "blocks": blocks, "metadata": METADATA}
        body = json.dumps(args).encode()
        resp = raw_call(standin.url, "chat.postMessage", body, "application/json; charset=utf-8")
    assert resp["ok"] is True
    [message] = standin.messages("C0HIRING")
    assert message["blocks"] == blocks
    assert message["metadata"] == METADATA


def test_token_may_also_come_as_an_argument(standin: StandIn) -> None:
    body = f"token={TOKEN}&channel=C0HIRING&text=hi".encode()
    resp = raw_call(standin.url, "chat.postMessage", body, "application/x-www-form-urlencoded", token=None)
    assert resp["ok"] is True
    assert "token" not in standin.calls[-1].args
