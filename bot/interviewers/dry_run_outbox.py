"""Deliveries of the dry run feature: renderers and relevance checks by delivery kind.

Payload (`{"v": 1, "start", "dry_run_id", "lead", "role"}`): which dry run, for which scheduled start of
the row's interview; `role` says whether the recipient is the lead, the partner or the recruiter.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from blocks.interviewers import dry_run as blocks
from bot.delivery.plan_logic import interview_reason
from bot.delivery.rendered import Part, Rendered
from bot.interviewers import dry_run_swap
from bot.interviewers.dry_runs import LATER, LATER_KINDS, has_led, lead_seats
from bot.interviewers.outbox_types import Obsolete, Renderer
from models import Delivery, DeliveryKind, DryRun, DryRunStatus, Interview


def _rows(session: Session, row: Delivery) -> tuple[DryRun, Interview]:
    return (
        session.get_one(DryRun, int(row.payload["dry_run_id"])),
        session.get_one(Interview, row.interview_id),
    )


def _request(session: Session, row: Delivery, _now: datetime, _sla: timedelta) -> Rendered:
    dry_run, interview = _rows(session, row)
    if row.payload.get("role") == "partner":
        message = blocks.request_to_partner(interview, dry_run)
    else:
        message = blocks.request_to_lead(interview, dry_run)
    return Rendered(row.recipient, [Part("0", message)])


def _reminder(session: Session, row: Delivery, _now: datetime, _sla: timedelta) -> Rendered:
    dry_run, interview = _rows(session, row)
    return Rendered(row.recipient, [Part("0", blocks.reminder(interview, dry_run))])


def _warning(session: Session, row: Delivery, _now: datetime, _sla: timedelta) -> Rendered:
    dry_run, interview = _rows(session, row)
    found = dry_run_swap.suggestion(session, interview, dry_run.user_id)
    message = blocks.warning(
        interview, dry_run, found.user if found else None, bool(found and found.needs_dry_run)
    )
    return Rendered(row.recipient, [Part("0", message)])


def obsolete_reason(session: Session, row: Delivery) -> str | None:
    """Done, cancelled, moved (the payload's start is not the interview's), the person no longer leads,
    or (a reminder or warning) an earlier interview of theirs is now their first lead."""
    raw = row.payload.get("dry_run_id")
    dry_run = session.get(DryRun, int(raw)) if isinstance(raw, int) else None
    if dry_run is None:
        return "dry run deleted"
    if dry_run.status == DryRunStatus.DONE:
        return "dry run done"
    interview = session.get(Interview, row.interview_id) if row.interview_id else None
    reason = interview_reason(interview, row)
    if reason or interview is None:
        return reason or "interview deleted"
    if not any(s.user_id == dry_run.user_id for s in lead_seats(interview)):
        return "no longer leads it"
    if row.kind in LATER_KINDS and has_led(session, dry_run.user_id, interview, dry_run.exercise):
        return LATER
    return None


RENDERERS: dict[str, Renderer] = {
    DeliveryKind.DRY_RUN: _request,
    DeliveryKind.DRY_RUN_REMINDER: _reminder,
    DeliveryKind.DRY_RUN_WARNING: _warning,
}
OBSOLETE: dict[str, Obsolete] = dict.fromkeys(RENDERERS, obsolete_reason)
