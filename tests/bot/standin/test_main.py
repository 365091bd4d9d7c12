"""`python -m bot.standin` serves on a port until SIGTERM."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys

from slack_sdk import WebClient


def test_standalone_server_answers_and_stops_on_sigterm() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with subprocess.Popen(  # leaving the block closes the stdout pipe
        [sys.executable, "-m", "bot.standin", "--port", str(port), "--rate-limits"],
        stdout=subprocess.PIPE,
        text=True,
    ) as proc:
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline().strip()
            assert line == f"SLACK_API_URL=http://127.0.0.1:{port}/api/"
            client = WebClient(token="xoxb-demo", base_url=line.split("=", 1)[1])
            assert client.chat_postMessage(channel="U0ENGLEAD", text="hi")["channel"] == "D0ENGLEAD"
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=5) == 0
        finally:
            proc.kill()
            proc.wait()
