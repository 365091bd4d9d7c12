"""`python -m bot.standin`: run the Slack stand-in on a port until interrupted."""

from __future__ import annotations

import argparse
import signal
import threading

from bot.standin.ratelimit import RateLimits
from bot.standin.server import StandIn
from bot.standin.workspace import default_workspace


def main(argv: list[str] | None = None) -> None:
    """Serve the stand-in; prints SLACK_API_URL=... once it is listening."""
    parser = argparse.ArgumentParser(prog="python -m bot.standin", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every call")
    parser.add_argument("--rate-limits", action="store_true", help="enforce Slack-like rate limits")
    parser.add_argument("--auto-users", action="store_true", help="treat unknown U... ids as live users")
    parser.add_argument("--trigger-ttl", type=float, default=3.0)
    opts = parser.parse_args(argv)
    standin = StandIn(
        default_workspace(auto_users=opts.auto_users),
        latency=opts.latency,
        rate_limits=RateLimits.slack_like() if opts.rate_limits else None,
        trigger_ttl=opts.trigger_ttl,
        host=opts.host,
        port=opts.port,
    ).start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(f"SLACK_API_URL={standin.url}", flush=True)
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        standin.stop()


if __name__ == "__main__":
    main()
