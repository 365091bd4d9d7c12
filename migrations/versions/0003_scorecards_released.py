"""candidate_loops.scorecards_released_at: when the digest's held-back scorecards were released

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 11:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "candidate_loops",
        sa.Column("scorecards_released_at", models.base.UTCDateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    with op.batch_alter_table("candidate_loops") as batch:
        batch.drop_column("scorecards_released_at")
