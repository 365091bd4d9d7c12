"""The delivery engine renders every per-seat kind through blocks.prep from the stored snapshots."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from blocks import limits
from bot.delivery import planner, render
from bot.settings import Settings
from models import Delivery, DeliveryKind
from tests.support.factories import snapshot_interview


def test_every_seat_delivery_renders_within_limits(session: Session) -> None:
    i = snapshot_interview(session, [("U1", "lead"), ("U3", "shadow")], candidate="<!channel> Eve")
    now = i.starts_at - timedelta(days=2)
    planner.plan_interview(session, i, Settings(_env_file=None), now)
    planner.notify(
        session,
        recipient="U0RECRUIT",
        candidate_loop_id=i.candidate_loop_id,
        interview_id=i.id,
        notice="Moved.",
        key="n1",
        now=now,
    )
    rows = list(session.scalars(select(Delivery).where(Delivery.kind != DeliveryKind.DIGEST)))
    kinds = {r.kind for r in rows}
    assert {"prep", "prep_nudge", "feedback_request", "reminder", "notice"} <= kinds
    for row in rows:
        if row.kind == DeliveryKind.ESCALATION:
            continue  # rendered from the loop's late panelists: test_digest covers it
        rendered = render.render(session, row, now)
        assert rendered.channel == row.recipient
        assert rendered.parts
        for part in rendered.parts:
            limits.check_message(part.message.blocks, part.message.text)
            assert "<!channel>" not in part.message.text + str(part.message.blocks_dicts())
