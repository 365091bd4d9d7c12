"""response_url, as Slack describes it for slash commands and interactions: a reply to that user in that
channel (ephemeral unless `response_type` is in_channel), at most 5 times within 30 minutes
(api.slack.com/interactivity/handling#message_responses). slack_sdk's WebhookClient posts to it.
"""

from __future__ import annotations

from slack_sdk.webhook import WebhookClient

from bot.standin import StandIn


def test_a_response_url_replies_privately_to_its_user_in_its_channel() -> None:
    with StandIn() as slack:
        url = slack.new_response_url("U0ENGLEAD", "C0ELSEWHERE")
        sent = WebhookClient(url).send(text="only you", blocks=[{"type": "divider"}])
        assert (sent.status_code, sent.body) == (200, "ok")
        [reply] = slack.ephemerals("U0ENGLEAD")
        assert (reply["channel"], reply["text"], reply["via"]) == ("C0ELSEWHERE", "only you", "response_url")
        assert slack.messages("C0ELSEWHERE") == []


def test_it_takes_five_uses_and_refuses_an_empty_or_unknown_one() -> None:
    with StandIn() as slack:
        url = slack.new_response_url("U0ENGLEAD", "D0ENGLEAD")
        client = WebhookClient(url)
        assert [client.send(text=f"n{n}").status_code for n in range(6)] == [200] * 5 + [410]
        fresh = WebhookClient(slack.new_response_url("U0ENGLEAD", "D0ENGLEAD"))
        assert fresh.send(text="").body == "no_text"
        assert WebhookClient(url.rsplit("/", 1)[0] + "/nope").send(text="x").status_code == 404
