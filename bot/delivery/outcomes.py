"""Recording what happened to a claimed row; every write is guarded by the claim token."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from blocks.text import esc, mention
from bot.delivery import planner
from bot.delivery.claim import KEEP, Claimed, Finish, release_values
from bot.delivery.logfmt import kv
from bot.delivery.render import Rendered, record_sent
from bot.delivery.retry_logic import UNKNOWN, Classified, Outcome, backoff
from bot.delivery.slack_io import Progress
from models import CandidateLoop, Delivery, DeliveryStatus

if TYPE_CHECKING:
    from bot.delivery.dispatcher import Dispatcher

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
}


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


def retry(d: Dispatcher, c: Claimed, classified: Classified, progress: Progress) -> Finish:
    """Back off exponentially with jitter; an unknown outcome is marked so the next try looks first."""
    marker = _marker(c, progress, classified.reason, classified.outcome == Outcome.UNKNOWN)
    at = d.clock.now() + backoff(c.attempts, d.backoff_base, d.backoff_cap)
    return Finish(
        c,
        release_values(at, marker, counted=True),
        "retried",
        log=_logger(
            logging.WARNING, "retry", key=c.dedupe_key, attempt=c.attempts, at=at.isoformat(), error=marker
        ),
    )


def fail(d: Dispatcher, c: Claimed, row: Delivery, reason: str) -> Finish:
    """Give up with the reason, and tell the loop's recruiter (or hiring manager) in the same transaction."""
    now = d.clock.now()

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
    d: Dispatcher, c: Claimed, row: Delivery, rendered: Rendered, classified: Classified, progress: Progress
) -> Finish:
    """Route a Slack failure: wait out a 429, give up on a permanent error, else back off."""
    if classified.outcome == Outcome.RATE_LIMITED:
        d.pacer.rate_limited(rendered.channel, classified.retry_after)
        at = d.clock.now() + timedelta(seconds=classified.retry_after)
        return Finish(
            c,
            release_values(at, _marker(c, progress, classified.reason)),
            "retried",
            log=_logger(
                logging.WARNING, "rate_limited", key=c.dedupe_key, retry_after=classified.retry_after
            ),
        )
    if classified.outcome == Outcome.PERMANENT:
        return fail(d, c, row, classified.reason)
    return retry(d, c, classified, progress)


def sent(d: Dispatcher, c: Claimed, row: Delivery, rendered: Rendered, progress: Progress) -> Finish:
    """Mark sent (only if still ours; else the new owner finds the post by its metadata) and say where."""
    channel = progress.channel or rendered.channel
    sent_at = d.clock.now()
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
