"""CLI commands: `loopbot deliveries` (list what is pending, failed or expired) and `deliveries retry ID`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

import click
from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session, sessionmaker

from models import Candidate, CandidateLoop, Delivery, DeliveryStatus

SHOWN_BY_DEFAULT = ("pending", "sending", "failed", "expired")
COLUMNS = ("id", "status", "kind", "recipient", "candidate", "due (UTC)", "tries", "last error", "key")


@contextmanager
def _database() -> Iterator[sessionmaker[Session]]:
    from bot.db import opened
    from bot.settings import load_settings

    with opened(load_settings().database_url) as factory:
        yield factory


def listing_query(candidate: str | None, statuses: tuple[str, ...]) -> Select[Delivery, str]:
    """Deliveries in the given statuses, optionally of candidates whose name contains `candidate`."""
    stmt = (
        select(Delivery, Candidate.name)
        .outerjoin(CandidateLoop, CandidateLoop.id == Delivery.candidate_loop_id)
        .outerjoin(Candidate, Candidate.id == CandidateLoop.candidate_id)
        .where(Delivery.status.in_(statuses))
        .order_by(Delivery.next_attempt_at, Delivery.id)
    )
    if candidate:
        stmt = stmt.where(Candidate.name.ilike(f"%{candidate}%"))
    return stmt


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def table(rows: Sequence[Sequence[str]]) -> str:
    """A plain left-aligned text table with a header."""
    widths = [max(len(r[i]) for r in [COLUMNS, *rows]) for i in range(len(COLUMNS))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in [COLUMNS, *rows]
    )


@click.group("deliveries", invoke_without_command=True)
@click.option("--candidate", help="Only deliveries about candidates whose name contains this.")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice([s.value for s in DeliveryStatus]),
    help="Only this status (repeatable). Default: pending, sending, failed and expired.",
)
@click.pass_context
def deliveries(ctx: click.Context, candidate: str | None, statuses: tuple[str, ...]) -> None:
    """List time-based messages that are pending, failed or expired."""
    if ctx.invoked_subcommand is not None:
        return
    with _database() as factory, factory() as s:
        found = s.execute(listing_query(candidate, statuses or SHOWN_BY_DEFAULT)).all()
        rows = [
            (
                str(d.id),
                d.status,
                d.kind,
                d.recipient,
                name or "",
                _when(d.next_attempt_at if d.status == DeliveryStatus.PENDING else d.due_at),
                str(d.attempts),
                (d.last_error or "")[:60],
                d.dedupe_key,
            )
            for d, name in found
        ]
    click.echo(table(rows) if rows else "no deliveries match")


@deliveries.command("retry")
@click.argument("delivery_id", type=int)
def retry(delivery_id: int) -> None:
    """Re-queue a failed (or expired) delivery so the next tick sends it."""
    from bot.clock import SystemClock

    with _database() as factory, factory.begin() as s:
        done = s.execute(
            update(Delivery)
            .where(
                Delivery.id == delivery_id,
                Delivery.status.in_([DeliveryStatus.FAILED, DeliveryStatus.EXPIRED]),
            )
            .values(
                status=DeliveryStatus.PENDING,
                next_attempt_at=SystemClock().now(),
                expires_at=None,
                attempts=0,
                lease_until=None,
                claim_token=None,
            )
        )
        if (getattr(done, "rowcount", 0) or 0) != 1:
            current = s.get(Delivery, delivery_id)
            why = "no such delivery" if current is None else f"it is {current.status}, not failed or expired"
            raise click.ClickException(f"cannot retry delivery {delivery_id}: {why}")
    click.echo(f"delivery {delivery_id} re-queued")


COMMANDS: list[click.Command] = [deliveries]
