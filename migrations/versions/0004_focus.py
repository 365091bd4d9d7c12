"""focus: what each interview type and loop stage assesses, a type's own rubric, short category labels

interview_types gains rubric_id (its own rubric), focus (category keys), example_questions and
lead_drives; loop_stages gains focus; rubric_categories gains short (the digest's label). Existing
rows get the values that mean "as before": no rubric, no focus, no short label.

Columns are added and dropped in place, never by copying a table: on SQLite a copy drops the old
table, which the content's RESTRICT foreign keys refuse (and CASCADE ones would empty its children).
SQLite cannot add a constraint to an existing table, so there the foreign key is part of the column
(without ON DELETE, which SQLite's reflection would not read back: NO ACTION refuses the same deletes).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EMPTY = sa.text("'[]'")
FK = "fk_interview_types_rubric_id_rubrics"


def _json_list(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.JSON(), nullable=False, server_default=EMPTY)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE interview_types ADD COLUMN rubric_id INTEGER "
            f"CONSTRAINT {FK} REFERENCES rubrics (id)"
        )
    else:
        op.add_column("interview_types", sa.Column("rubric_id", sa.Integer(), nullable=True))
        op.create_foreign_key(FK, "interview_types", "rubrics", ["rubric_id"], ["id"])
    op.create_index(op.f("ix_interview_types_rubric_id"), "interview_types", ["rubric_id"])
    op.add_column("interview_types", _json_list("focus"))
    op.add_column("interview_types", _json_list("example_questions"))
    op.add_column(
        "interview_types", sa.Column("lead_drives", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column("loop_stages", _json_list("focus"))
    op.add_column(
        "rubric_categories", sa.Column("short", sa.String(length=24), nullable=False, server_default="")
    )


def downgrade() -> None:
    op.drop_column("rubric_categories", "short")
    op.drop_column("loop_stages", "focus")
    op.drop_column("interview_types", "lead_drives")
    op.drop_column("interview_types", "example_questions")
    op.drop_column("interview_types", "focus")
    op.drop_index(op.f("ix_interview_types_rubric_id"), table_name="interview_types")
    if op.get_bind().dialect.name != "sqlite":  # there the constraint goes with its column
        op.drop_constraint(FK, "interview_types", type_="foreignkey")
    op.drop_column("interview_types", "rubric_id")
