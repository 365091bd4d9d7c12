"""interviewers: pools from content, and the live state of the interviewer program

New tables: interviewer_pools and pool_members (imported from `kind: interviewer_pool`), and the state
the program earns, which a content import never touches: qualifications, qualification_events,
training_sessions, graduation_requests and dry_runs. interview_types gains training and dry_run (rules,
{} for none) and same_panel_for_role. Existing rows get the values that mean "as before".

Columns are added and dropped in place, never by copying a table (see 0004).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 00:20:08.145360
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EMPTY = sa.text("'{}'")
PENDING_ONLY = sa.text("status = 'pending'")  # one pending graduation request per trainee and type


def upgrade() -> None:
    op.create_table(
        "interviewer_pools",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("interview_types", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interviewer_pools")),
        sa.UniqueConstraint("slug", name=op.f("uq_interviewer_pools_slug")),
    )
    op.create_table(
        "graduation_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("interview_type_id", sa.Integer(), nullable=False),
        sa.Column("approver", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["interview_type_id"],
            ["interview_types.id"],
            name=op.f("fk_graduation_requests_interview_type_id_interview_types"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_graduation_requests")),
    )
    with op.batch_alter_table("graduation_requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_graduation_requests_user_type", ["user_id", "interview_type_id"], unique=False
        )
        batch_op.create_index(
            "uq_graduation_requests_pending",
            ["user_id", "interview_type_id"],
            unique=True,
            postgresql_where=PENDING_ONLY,
            sqlite_where=PENDING_ONLY,
        )

    op.create_table(
        "pool_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pool_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("interview_type_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("weekly_limit", sa.Integer(), nullable=True),
        sa.Column("daily_limit", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["interview_type_id"],
            ["interview_types.id"],
            name=op.f("fk_pool_members_interview_type_id_interview_types"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pool_id"],
            ["interviewer_pools.id"],
            name=op.f("fk_pool_members_pool_id_interviewer_pools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pool_members")),
        sa.UniqueConstraint(
            "pool_id",
            "user_id",
            "interview_type_id",
            name=op.f("uq_pool_members_pool_id_user_id_interview_type_id"),
        ),
    )
    with op.batch_alter_table("pool_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pool_members_interview_type_id"), ["interview_type_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_pool_members_user_id"), ["user_id"], unique=False)

    op.create_table(
        "qualification_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("interview_type_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column("by", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["interview_type_id"],
            ["interview_types.id"],
            name=op.f("fk_qualification_events_interview_type_id_interview_types"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qualification_events")),
    )
    with op.batch_alter_table("qualification_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_qualification_events_user_type", ["user_id", "interview_type_id"], unique=False
        )

    op.create_table(
        "qualifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("interview_type_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("graduated_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["interview_type_id"],
            ["interview_types.id"],
            name=op.f("fk_qualifications_interview_type_id_interview_types"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qualifications")),
        sa.UniqueConstraint(
            "user_id", "interview_type_id", name=op.f("uq_qualifications_user_id_interview_type_id")
        ),
    )
    with op.batch_alter_table("qualifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_qualifications_interview_type_id"), ["interview_type_id"], unique=False
        )

    op.create_table(
        "dry_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("interview_type_id", sa.Integer(), nullable=False),
        sa.Column("exercise", sa.String(length=100), nullable=False),
        sa.Column("partner", sa.String(length=32), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("done_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("confirmed_by", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_dry_runs_interview_id_interviews"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["interview_type_id"],
            ["interview_types.id"],
            name=op.f("fk_dry_runs_interview_type_id_interview_types"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dry_runs")),
        sa.UniqueConstraint(
            "user_id",
            "interview_type_id",
            "exercise",
            name=op.f("uq_dry_runs_user_id_interview_type_id_exercise"),
        ),
    )
    op.create_table(
        "training_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("interview_type_id", sa.Integer(), nullable=False),
        sa.Column("trainee", sa.String(length=32), nullable=False),
        sa.Column("qualified", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("exact", sa.Integer(), nullable=False),
        sa.Column("close", sa.Integer(), nullable=False),
        sa.Column("compared", sa.Integer(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("compared_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_training_sessions_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["interview_type_id"],
            ["interview_types.id"],
            name=op.f("fk_training_sessions_interview_type_id_interview_types"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_sessions")),
        sa.UniqueConstraint(
            "interview_id", "trainee", name=op.f("uq_training_sessions_interview_id_trainee")
        ),
    )
    with op.batch_alter_table("training_sessions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_training_sessions_trainee_type", ["trainee", "interview_type_id"], unique=False
        )

    op.add_column("interview_types", sa.Column("training", sa.JSON(), nullable=False, server_default=EMPTY))
    op.add_column("interview_types", sa.Column("dry_run", sa.JSON(), nullable=False, server_default=EMPTY))
    op.add_column(
        "interview_types",
        sa.Column("same_panel_for_role", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_column("interview_types", "same_panel_for_role")
    op.drop_column("interview_types", "dry_run")
    op.drop_column("interview_types", "training")

    with op.batch_alter_table("training_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_training_sessions_trainee_type")

    op.drop_table("training_sessions")
    op.drop_table("dry_runs")
    with op.batch_alter_table("qualifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_qualifications_interview_type_id"))

    op.drop_table("qualifications")
    with op.batch_alter_table("qualification_events", schema=None) as batch_op:
        batch_op.drop_index("ix_qualification_events_user_type")

    op.drop_table("qualification_events")
    with op.batch_alter_table("pool_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pool_members_user_id"))
        batch_op.drop_index(batch_op.f("ix_pool_members_interview_type_id"))

    op.drop_table("pool_members")
    with op.batch_alter_table("graduation_requests", schema=None) as batch_op:
        batch_op.drop_index("uq_graduation_requests_pending")
        batch_op.drop_index("ix_graduation_requests_user_type")

    op.drop_table("graduation_requests")
    op.drop_table("interviewer_pools")
