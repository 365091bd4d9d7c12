"""A dispatcher process for the multi-process tests: `python -m tests.support.delivery_worker DB API ...`.

It ticks until every delivery is final, then prints its totals as JSON. `--crash before_post|after_post`
makes it SIGKILL itself at that point of its first send, like a `kill -9` at the worst moment.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from dataclasses import asdict, fields
from pathlib import Path

from slack_sdk import WebClient
from sqlalchemy import func, select

from bot.clock import SystemClock
from bot.db import make_engine, make_session_factory
from bot.delivery.claim import Claimed
from bot.delivery.dispatcher import Dispatcher, TickResult
from bot.settings import load_settings
from models import Delivery, DeliveryStatus


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("api")
    parser.add_argument("--crash", choices=["before_post", "after_post"])
    parser.add_argument("--lease", type=float, default=30)
    parser.add_argument("--concurrency", type=int, default=4)
    # Exactly-once is what these runs prove, not pacing: a high rate keeps them short (still shared).
    parser.add_argument("--rate", type=float, default=1000)
    parser.add_argument("--go", help="wait for this file to exist before the first tick")
    parser.add_argument("--deadline", type=float, default=60)
    args = parser.parse_args()

    def crash(point: str, _claimed: Claimed) -> None:
        if point == args.crash:
            os.kill(os.getpid(), signal.SIGKILL)

    sf = make_session_factory(make_engine(args.db))
    settings = load_settings(
        LOOPBOT_LEASE_SECONDS=args.lease,
        LOOPBOT_SEND_CONCURRENCY=args.concurrency,
        LOOPBOT_POST_RATE=args.rate,
    )
    client = WebClient(token="xoxb-test", base_url=args.api)
    dispatcher = Dispatcher(sf, client, settings, SystemClock(), fault_hook=crash if args.crash else None)
    if args.go:
        while not Path(args.go).exists():
            time.sleep(0.01)
    total = TickResult()
    stop_at = time.monotonic() + args.deadline
    while time.monotonic() < stop_at:
        result = dispatcher.tick()
        for f in fields(result):
            setattr(total, f.name, getattr(total, f.name) + getattr(result, f.name))
        if args.crash and result.claimed:
            break  # a crash run that somehow did not crash stops after its first work
        with sf() as s:
            open_rows = s.scalar(
                select(func.count())
                .select_from(Delivery)
                .where(Delivery.status.in_([DeliveryStatus.PENDING, DeliveryStatus.SENDING]))
            )
        if not open_rows:
            break
        time.sleep(0.05)
    dispatcher.close()
    print(json.dumps(asdict(total)))
    sys.exit(0)


if __name__ == "__main__":
    main()
