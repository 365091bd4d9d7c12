"""One APScheduler interval job per process that runs the dispatcher's tick."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from bot.delivery.dispatcher import Dispatcher
from bot.deps import Deps

log = logging.getLogger("loopbot.delivery")


class DispatcherScheduler(BackgroundScheduler):  # type: ignore[misc]  # APScheduler 3 ships no types
    """A BackgroundScheduler whose shutdown stops claiming and releases what the dispatcher holds."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        # Memory store only: jobs are code, not state; the deliveries table is the state.
        super().__init__(
            jobstores={"default": MemoryJobStore()},
            executors={"default": ThreadPoolExecutor(1)},
            timezone="UTC",
        )
        self.dispatcher = dispatcher

    def shutdown(self, wait: bool = True) -> None:  # noqa: ARG002 - always waits: a tick must finish
        """Stop claiming, let the running tick finish or hand back its rows, then release any lease left."""
        self.dispatcher.stop()
        if self.running:
            super().shutdown(wait=True)
        self.dispatcher.close()


def start_dispatcher(deps: Deps, dispatcher: Dispatcher | None = None) -> BackgroundScheduler:
    """Start the tick job (interval LOOPBOT_TICK_SECONDS, first run at once); call .shutdown() on SIGTERM."""
    dispatcher = dispatcher or Dispatcher(deps.session_factory, deps.client, deps.settings, deps.clock)
    # APScheduler logs two INFO lines per run ("Running job", "executed successfully"): every 15 s,
    # forever. The dispatcher logs a tick itself when it did something; keep APScheduler's warnings.
    for name in ("apscheduler.executors.default", "apscheduler.scheduler"):
        logging.getLogger(name).setLevel(logging.WARNING)
    scheduler = DispatcherScheduler(dispatcher)
    scheduler.add_job(
        dispatcher.tick,
        "interval",
        seconds=deps.settings.tick_seconds,
        id="loopbot-dispatcher",
        max_instances=1,
        coalesce=True,
        # A late tick is still useful: never drop one for being late.
        misfire_grace_time=None,
        next_run_time=_first_run(),
    )
    scheduler.start()
    log.info(
        "delivery.scheduler_started worker=%s every=%ss", dispatcher.worker_id, deps.settings.tick_seconds
    )
    return scheduler


def _first_run() -> datetime:
    # APScheduler schedules on the wall clock, whatever clock loopbot's domain runs on.
    return datetime.now(UTC) + timedelta(milliseconds=10)
