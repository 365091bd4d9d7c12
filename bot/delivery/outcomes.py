"""Recording what happened to a claimed row; every write is guarded by the claim token."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from blocks.text import esc, mention
from bot.delivery import planner
from bot.delivery.claim import KEEP, Claimed, Finish, release_values
from bot.delivery.logfmt import kv
from bot.delivery.pacing import Pacer
from bot.delivery.render import record_sent
from bot.delivery.rendered import Rendered
from bot.delivery.retry_logic import UNKNOWN, Classified, Outcome, backoff
from bot.delivery.slack_io import Progress
from models import CandidateLoop, Delivery, DeliveryStatus

log = logging.getLogger("loopbot.delivery")

LABELS = {
    "prep": "prep message",
    "prep_nudge": "prep reminder",
    "feedback_request": "feedback request",
    "reminder": "feedback reminder",
    "escalation": "late-feedback escalation",
    "digest": "debrief digest",
    "notice": "notice",
    "private_notes": "private notes message",
    "calibration": "calibration card",
    "graduation": "graduation request",
    "dry_run": "dry-run request",
    "dry_run_reminder": "dry-run reminder",
    "dry_run_warning": "dry-run warning",
}


@dataclass(frozen=True)
class Backoff:
    """How long a failed attempt waits: `base` doubled per attempt, at most `cap`, with jitter."""

    base: timedelta
    cap: timedelta

    def after(self, attempts: int, now: datetime) -> datetime:
        """When the next attempt is due, after `attempts` attempts so far."""
        return now + backoff(attempts, self.base, self.cap)


def _logger(level: int, event: str, **fields: object) -> Callable[[], None]:
    return lambda: log.log(level, "delivery.%s %s", event, kv(**fields))


def end(c: Claimed, status: DeliveryStatus, reason: str) -> Finish:
    """Cancel or expire a row that has lost its point."""
    level = logging.WARNING if status == DeliveryStatus.EXPIRED else logging.INFO
    return Finish(
        c,
        {"status": status, "last_error": reason, "lease_until": None},
        str(status),
        log=_logger(level, str(status), key=c.dedupe_key, kind=c.kind, reason=reason),
    )


def _marker(c: Claimed, progress: Progress | None, reason: str, unknown: bool = False) -> str:
    """`reason`, prefixed as unknown when a post of this row may already be in Slack."""
    if progress is not None:
        unknown = unknown or progress.posted > 0 or (c.uncertain and not progress.looked)
    return f"{UNKNOWN} {reason}" if unknown else reason


def defer(c: Claimed, at: datetime, why: str, progress: Progress | None = None) -> Finish:
    """Hand the row back untouched (not a failed attempt), due again at `at`."""
    last_error = _marker(c, progress, why) if progress is not None and progress.posted else KEEP
    return Finish(
        c,
        release_values(at, last_error),
        "deferred",
        log=_logger(logging.INFO, "deferred", key=c.dedupe_key, until=at.isoformat(), reason=why),
    )


def retry(c: Claimed, classified: Classified, progress: Progress, now: datetime, wait: Backoff) -> Finish:
    """Back off exponentially with jitter; an unknown outcome is marked so the next try looks first."""
    marker = _marker(c, progress, classified.reason, classified.outcome == Outcome.UNKNOWN)
    at = wait.after(c.attempts, now)
    return Finish(
        c,
        release_values(at, marker, counted=True),
        "retried",
        log=_logger(
            logging.WARNING, "retry", key=c.dedupe_key, attempt=c.attempts, at=at.isoformat(), error=marker
        ),
    )


def fail(c: Claimed, row: Delivery, reason: str, now: datetime) -> Finish:
    """Give up with the reason, and tell the loop's recruiter (or hiring manager) in the same transaction."""

    def tell(s: Session) -> None:
        _tell_owner(s, row, c, reason, now)

    return Finish(
        c,
        {"status": DeliveryStatus.FAILED, "last_error": reason, "lease_until": None},
        "failed",
        also=tell,
        log=_logger(
            logging.ERROR, "failed", key=c.dedupe_key, kind=c.kind, recipient=c.recipient, reason=reason
        ),
    )


def slack_error(
    c: Claimed,
    row: Delivery,
    rendered: Rendered,
    classified: Classified,
    progress: Progress,
    *,
    now: datetime,
    wait: Backoff,
    pacer: Pacer,
) -> Finish:
    """Route a Slack failure: wait out a 429 (and tell the pacer), fail a permanent error, else back off."""
    if classified.outcome == Outcome.RATE_LIMITED:
        pacer.rate_limited(rendered.channel, classified.retry_after)
        at = now + timedelta(seconds=classified.retry_after)
        return Finish(
            c,
            release_values(at, _marker(c, progress, classified.reason)),
            "retried",
            log=_logger(
                logging.WARNING, "rate_limited", key=c.dedupe_key, retry_after=classified.retry_after
            ),
        )
    if classified.outcome == Outcome.PERMANENT:
        return fail(c, row, classified.reason, now)
    return retry(c, classified, progress, now, wait)


def sent(c: Claimed, row: Delivery, rendered: Rendered, progress: Progress, sent_at: datetime) -> Finish:
    """Mark sent (only if still ours; else the new owner finds the post by its metadata) and say where."""
    channel = progress.channel or rendered.channel
    values = {
        "status": DeliveryStatus.SENT,
        "sent_at": sent_at,
        "channel": channel,
        "ts": progress.first_ts,
        "lease_until": None,
        "last_error": None,
    }

    def bookkeeping(s: Session) -> None:
        record_sent(s, row, rendered, channel, progress.first_ts, sent_at)

    event = "recovered" if progress.posted == 0 and progress.found else "sent"
    return Finish(
        c,
        values,
        event,
        also=bookkeeping if row.kind == "digest" else None,
        log=_logger(
            logging.INFO, event, key=c.dedupe_key, kind=c.kind, channel=channel, ts=progress.first_ts
        ),
    )


def _tell_owner(s: Session, row: Delivery, c: Claimed, reason: str, now: datetime) -> None:
    if row.candidate_loop_id is None or row.dedupe_key.startswith("notice.failed"):
        return
    cl = s.get(CandidateLoop, row.candidate_loop_id)
    if cl is None:
        return
    to = next((u for u in (cl.recruiter, cl.hiring_manager) if u and u != row.recipient), None)
    if to is None:
        return
    who = mention(row.recipient) if row.recipient[:1] in ("U", "W") else f"<#{row.recipient}>"
    text = (
        f"I could not deliver a {LABELS.get(row.kind, row.kind)} to {who} about "
        f"*{esc(cl.candidate.name)}*: `{esc(reason)}`. Once that is fixed, "
        f"`loopbot deliveries retry {row.id}` sends it again."
    )
    key = f"notice.failed:d{row.id}:{to}:{c.attempts}"
    planner.notify(
        s, recipient=to, candidate_loop_id=cl.id, interview_id=row.interview_id, notice=text, key=key, now=now
    )
