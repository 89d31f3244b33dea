"""forecast overrides: a CSM's category and amount for an account's renewal in a quarter

Revision ID: 0011_forecast_overrides
Revises: 0010_who_did_it
Create Date: 2026-12-05 13:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_forecast_overrides"
down_revision: str | None = "0010_who_did_it"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "forecast_overrides",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("account_key", sa.Text(), nullable=False),
        sa.Column("quarter", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=True),
        sa.Column("amount", sa.Float(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("user", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecast_overrides")),
    )
    op.create_index(
        op.f("ix_forecast_overrides_quarter"), "forecast_overrides", ["quarter"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_forecast_overrides_quarter"), table_name="forecast_overrides")
    op.drop_table("forecast_overrides")
