"""account fields: company revenue, owner id, account NPS points, CRM lifecycle stage, churn flag

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 20:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_COLUMNS = (
    ("owner_id", sa.String(length=255)),
    ("company_revenue", sa.Float()),
    ("nps_points", sa.Float()),
    ("crm_lifecycle_stage", sa.String(length=255)),
    ("churn_flag", sa.Boolean()),
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
