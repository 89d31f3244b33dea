"""change log: stored change records (the undo history) and who acted on a task

Revision ID: 0006_change_log
Revises: 0005_currency
Create Date: 2026-12-04 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_change_log"
down_revision: str | None = "0005_currency"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "change_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user", sa.String(length=255), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("touches", sa.JSON(), nullable=False),
        sa.Column("inverse", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("undo_of", sa.Integer(), nullable=True),
        sa.Column("undone_by", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_log")),
    )
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.create_index("ix_change_log_user", ["user", "id"], unique=False)
    with op.batch_alter_table("task_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("user", sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("task_events", schema=None) as batch_op:
        batch_op.drop_column("user")
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.drop_index("ix_change_log_user")
    op.drop_table("change_log")
