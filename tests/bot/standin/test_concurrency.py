"""64 clients at once: every call answered, recorded once, and every post stored with a distinct ts."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from slack_sdk import WebClient

from bot.standin import StandIn, default_workspace
from tests.support.standin_blocks import TOKEN

CLIENTS = 64


def test_sixty_four_concurrent_clients() -> None:
    with StandIn(default_workspace(auto_users=True), latency=0.05, tokens=[TOKEN]) as standin:

        def work(i: int) -> str:
            client = WebClient(token=TOKEN, base_url=standin.url, retry_handlers=[], timeout=10)
            ts = client.chat_postMessage(channel=f"U{i:04d}", text=f"prep {i}")["ts"]
            client.conversations_history(channel=f"D{i:04d}", include_all_metadata=True)
            return str(ts)

        with ThreadPoolExecutor(CLIENTS) as pool:
            stamps = list(pool.map(work, range(CLIENTS)))
        assert len(set(stamps)) == CLIENTS
        assert len(standin.calls) == 2 * CLIENTS
        assert all(call.outcome == "ok" for call in standin.calls)
        assert all(len(standin.messages(f"U{i:04d}")) == 1 for i in range(CLIENTS))
