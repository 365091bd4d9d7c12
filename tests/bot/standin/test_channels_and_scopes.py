"""Channel membership and granted scopes, as Slack's method reference describes them.

conversations.join (docs.slack.dev/reference/methods/conversations.join): bot scope channels:join;
`method_not_supported_for_channel_type` for what cannot be joined, `is_archived`, and a warning
`already_in_channel`. Posting to a public channel the app is not in answers `not_in_channel`; a private
one it is not in is invisible (`channel_not_found`). Every answer names the token's scopes in the
`x-oauth-scopes` header; a call without the method's scope answers `missing_scope` with `needed`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.standin import Channel, StandIn, default_workspace
from tests.support.standin_blocks import TOKEN


@pytest.fixture
def outside() -> Iterator[tuple[StandIn, WebClient]]:
    ws = default_workspace()
    ws.add_channel(Channel("C0PUBLIC", "hiring-new-role", bot_member=False))
    ws.add_channel(Channel("G0PRIVATE", "hiring-secret", is_private=True, bot_member=False))
    with StandIn(ws, tokens=[TOKEN]) as server:
        yield server, WebClient(token=TOKEN, base_url=server.url, retry_handlers=[])


def error_of(call: object) -> str:
    assert isinstance(call, SlackApiError)
    return str(call.response["error"])


def test_a_public_channel_refuses_posts_until_the_app_joins_it(outside: tuple[StandIn, WebClient]) -> None:
    _, client = outside
    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel="C0PUBLIC", text="hi")
    assert error_of(refused.value) == "not_in_channel"
    assert client.conversations_info(channel="C0PUBLIC")["channel"]["is_member"] is False
    joined = client.conversations_join(channel="C0PUBLIC")
    assert joined["channel"]["is_member"] is True
    assert "warning" not in joined.data
    assert client.conversations_join(channel="C0PUBLIC")["warning"] == "already_in_channel"
    assert client.chat_postMessage(channel="C0PUBLIC", text="hi")["ok"]


def test_a_private_channel_is_invisible_and_cannot_be_joined(outside: tuple[StandIn, WebClient]) -> None:
    server, client = outside
    for call in (client.conversations_info, client.conversations_join, client.chat_postMessage):
        with pytest.raises(SlackApiError) as refused:
            call(channel="G0PRIVATE", text="hi")
        assert error_of(refused.value) == "channel_not_found"
    server.workspace.channels["G0PRIVATE"] = Channel("G0PRIVATE", "hiring-secret", is_private=True)
    assert client.conversations_info(channel="G0PRIVATE")["channel"]["is_private"] is True
    with pytest.raises(SlackApiError) as refused:
        client.conversations_join(channel="G0PRIVATE")
    assert error_of(refused.value) == "method_not_supported_for_channel_type"


def test_an_archived_channel_cannot_be_joined(outside: tuple[StandIn, WebClient]) -> None:
    _, client = outside
    with pytest.raises(SlackApiError) as refused:
        client.conversations_join(channel="C0OLDROLE")
    assert error_of(refused.value) == "is_archived"


def test_answers_name_the_granted_scopes_and_missing_ones_are_refused() -> None:
    with StandIn(tokens=[TOKEN], scopes=["chat:write", "users:read"]) as server:
        client = WebClient(token=TOKEN, base_url=server.url, retry_handlers=[])
        auth = client.auth_test()
        assert auth.headers["x-oauth-scopes"] == "chat:write,users:read"
        with pytest.raises(SlackApiError) as refused:
            client.users_lookupByEmail(email="lena@example.com")
        assert error_of(refused.value) == "missing_scope"
        assert refused.value.response["needed"] == "users:read.email"
