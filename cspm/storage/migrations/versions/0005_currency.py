"""currency conversion: the rate applied to an account's amounts, and its unconverted ARR

Revision ID: 0005_currency
Revises: 0004
Create Date: 2026-12-04 09:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_currency"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_COLUMNS = (
    ("fx_rate", sa.Float()),
    ("arr_unconverted", sa.Float()),
)


def upgrade() -> None:
    for table in ("accounts", "account_snapshots"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, sqltype in NEW_COLUMNS:
                batch_op.add_column(sa.Column(name, sqltype, nullable=True))


def downgrade() -> None:
    for table in ("accounts", "account_snapshots"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _ in reversed(NEW_COLUMNS):
                batch_op.drop_column(name)
