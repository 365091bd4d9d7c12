"""Set up the demo (temporary SQLite, the stand-in, the app, a fake clock), play the story, clean up."""

from __future__ import annotations

import logging
import secrets
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import migrate
from bot.app import create_app
from bot.clock import FakeClock
from bot.content.importer import import_bundle
from bot.content.loader import load_content
from bot.db import make_engine, make_session_factory
from bot.delivery.dispatcher import Dispatcher
from bot.demo import QUIET_LOGGERS, pool, script
from bot.demo.transcript import Transcript
from bot.demo.workspace import build_workspace
from bot.demo.world import DemoError, World
from bot.settings import Settings
from bot.standin import StandIn
from models import Delivery

# Beside the package in a checkout; in the Docker image, under the working directory (/app).
EXAMPLE_CONTENT = Path(__file__).resolve().parents[2] / "examples" / "content"


def example_content() -> Path:
    """Where the example content is: in the checkout, else ./examples/content."""
    return EXAMPLE_CONTENT if EXAMPLE_CONTENT.is_dir() else Path.cwd() / "examples" / "content"


@dataclass(frozen=True)
class OutboxRow:
    """A delivery as the outbox held it at the end: what, to whom, and what became of it."""

    kind: str
    recipient: str
    status: str
    reason: str | None
    interview_id: int | None


@dataclass
class DemoResult:
    """What a run produced: the transcript, the stand-in's record, and how long it took."""

    transcript: Transcript
    standin: StandIn
    candidate_loop_id: int
    started: datetime
    finished: datetime
    elapsed: float
    ticks: int
    outbox: list[OutboxRow]
    missing: list[str]

    def outbox_summary(self) -> str:
        """How many deliveries ended in each status."""
        counts = Counter(row.status for row in self.outbox)
        return ", ".join(f"{n} {status}" for status, n in counts.most_common())


def read_outbox(factory: sessionmaker[Session]) -> list[OutboxRow]:
    """Every delivery row, in the order they were planned."""
    with factory() as s:
        rows = s.scalars(select(Delivery).order_by(Delivery.id))
        return [OutboxRow(d.kind, d.recipient, d.status, d.last_error, d.interview_id) for d in rows]


def next_monday(today: datetime) -> datetime:
    """07:00 UTC on the Monday after `today`: the simulated "now" the story starts at."""
    day = today.astimezone(UTC).replace(hour=7, minute=0, second=0, microsecond=0)
    return day + timedelta(days=7 - day.weekday())


def demo_settings(database_url: str, api_url: str, secret: str) -> Settings:
    """Settings for the demo: the stand-in's URL and the default timing, whatever the environment says."""
    return Settings(
        _env_file=None,
        DATABASE_URL=database_url,
        SLACK_BOT_TOKEN="xoxb-demo",
        SLACK_SIGNING_SECRET=secret,
        SLACK_APP_TOKEN="",
        SLACK_API_URL=api_url,
        LOOPBOT_PREP_LEADS="24h,1h",
        LOOPBOT_FEEDBACK_REMINDERS="2h,20h",
        LOOPBOT_FEEDBACK_SLA="24h",
        LOOPBOT_DIGEST_DEADLINE="48h",
        LOOPBOT_WORKING_HOURS="09:00-18:00",
        LOOPBOT_SEND_CONCURRENCY=4,
    )


@contextmanager
def quiet_logs(verbose: bool) -> Iterator[None]:
    """The transcript is the output: keep the app's INFO logs out of it unless asked for."""
    loggers = [logging.getLogger(name) for name in QUIET_LOGGERS]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.INFO if verbose else logging.ERROR)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def run_demo(
    start: datetime | None = None,
    content: Path | None = None,
    verbose: bool = False,
    progress: Callable[[datetime, int], None] | None = None,
) -> DemoResult:
    """Run the whole workflow offline and return what everyone saw; leaves no files behind.

    `progress` is called after each dispatcher tick with the simulated time and the entries so far.
    """
    began = time.monotonic()
    start = start or next_monday(datetime.now(UTC))
    content = content or example_content()
    if not content.is_dir():
        raise DemoError(f"no example content at {content}; give one with --content")
    with quiet_logs(verbose), tempfile.TemporaryDirectory(prefix="loopbot-demo-") as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'demo.db'}")
        standin = StandIn(workspace=build_workspace()).start()
        dispatcher: Dispatcher | None = None
        try:
            migrate.upgrade(engine)
            factory = make_session_factory(engine)
            bundle = load_content([content])
            if pool.wanted(bundle):  # the demo's people in the shadow and lead seats (bot/demo/pool.py)
                bundle = load_content([content, pool.write_pool(Path(tmp))])
            if bundle.errors:
                raise DemoError(
                    f"{content}: {len(bundle.errors)} content error(s); try `loopbot content validate`"
                )
            with factory.begin() as s:
                import_bundle(s, bundle)
            secret = secrets.token_hex(16)
            settings = demo_settings(str(engine.url), standin.url, secret)
            clock = FakeClock(start)
            app = create_app(settings, factory, clock=clock, process_before_response=True)
            dispatcher = Dispatcher(factory, app.client, settings, clock)
            world = World(clock, factory, app, dispatcher, standin, secret, Transcript(), progress=progress)
            cl_id = script.run(world, settings)
            outbox = read_outbox(factory)
        finally:
            if dispatcher is not None:
                dispatcher.stop()
                dispatcher.close()
            standin.stop()
            engine.dispose()
    return DemoResult(
        transcript=world.transcript,
        standin=standin,
        candidate_loop_id=cl_id,
        started=start,
        finished=clock.now(),
        elapsed=time.monotonic() - began,
        ticks=world.ticks,
        outbox=outbox,
        missing=sorted(world.missing),
    )
