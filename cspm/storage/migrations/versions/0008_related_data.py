"""related data: one table per related kind, the import's kind, the website and aggregate fields

Revision ID: 0008_related_data
Revises: 0007_open_task_unique
Create Date: 2026-12-04 16:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_related_data"
down_revision: str | None = "0007_open_task_unique"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACCOUNT_COLUMNS = (
    ("website", sa.Text()),
    ("subscriptions_active", sa.Float()),
    ("usage_events_30d", sa.Float()),
    ("usage_active_users_30d", sa.Float()),
    ("usage_active_days_30d", sa.Float()),
    ("usage_trend_30d", sa.Float()),
    ("tickets_opened_90d", sa.Float()),
    ("tickets_escalated_90d", sa.Float()),
    ("ticket_satisfaction_90d", sa.Float()),
    ("contacts_total", sa.Float()),
    ("contacts_active_10d", sa.Float()),
    ("contacts_active_14d", sa.Float()),
    ("contacts_active_30d", sa.Float()),
    ("contacts_inactive_share_10d", sa.Float()),
    ("exec_last_login", sa.Date()),
)

TABLES: dict[str, tuple[tuple[str, sa.types.TypeEngine], ...]] = {
    "related_subscriptions": (
        ("subscription_id", sa.Text()),
        ("start_date", sa.Date()),
        ("end_date", sa.Date()),
        ("mrr", sa.Float()),
        ("arr", sa.Float()),
        ("seats", sa.Float()),
        ("plan", sa.Text()),
        ("currency", sa.Text()),
    ),
    "related_usage": (
        ("usage_id", sa.Text()),
        ("subscription_id", sa.Text()),
        ("user_email", sa.Text()),
        ("usage_date", sa.Date()),
        ("count", sa.Float()),
        ("feature", sa.Text()),
    ),
    "related_tickets": (
        ("ticket_id", sa.Text()),
        ("user_email", sa.Text()),
        ("opened_at", sa.Date()),
        ("closed_at", sa.Date()),
        ("priority", sa.Text()),
        ("escalated", sa.Boolean()),
        ("satisfaction", sa.Float()),
        ("status", sa.Text()),
    ),
    "related_contacts": (
        ("email", sa.Text()),
        ("name", sa.Text()),
        ("role", sa.Text()),
        ("last_login", sa.Date()),
    ),
    "related_churn_events": (
        ("churn_date", sa.Date()),
        ("reason", sa.Text()),
        ("is_reactivation", sa.Boolean()),
    ),
}


def upgrade() -> None:
    with op.batch_alter_table("imports", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=32), nullable=False, server_default="accounts")
        )
    for table in ("accounts", "account_snapshots"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, sqltype in ACCOUNT_COLUMNS:
                batch_op.add_column(sa.Column(name, sqltype, nullable=True))
    for table, columns in TABLES.items():
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("import_id", sa.Integer(), nullable=False),
            sa.Column("row_key", sa.Text(), nullable=False),
            sa.Column("source_row", sa.Integer(), nullable=True),
            sa.Column("account_key", sa.Text(), nullable=True),
            sa.Column("account_id", sa.Text(), nullable=True),
            sa.Column("account_name", sa.Text(), nullable=True),
            sa.Column("custom", sa.JSON(), nullable=True),
            *(sa.Column(name, sqltype, nullable=True) for name, sqltype in columns),
            sa.ForeignKeyConstraint(
                ["import_id"],
                ["imports.id"],
                name=op.f(f"fk_{table}_import_id_imports"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(f"ix_{table}_import", ["import_id"], unique=False)
            batch_op.create_index(f"ix_{table}_row_key", ["row_key"], unique=False)
            batch_op.create_index(f"ix_{table}_account_key", ["account_key"], unique=False)


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
    for table in ("accounts", "account_snapshots"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _ in reversed(ACCOUNT_COLUMNS):
                batch_op.drop_column(name)
    with op.batch_alter_table("imports", schema=None) as batch_op:
        batch_op.drop_column("kind")
