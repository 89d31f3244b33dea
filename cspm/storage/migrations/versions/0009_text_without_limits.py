"""text without length limits: every VARCHAR(n) column becomes TEXT on PostgreSQL

An owner, a plan or a status longer than 255 characters is ordinary data from a CRM export;
SQLite always stored it whole, PostgreSQL refused the import with "value too long for type
character varying(255)". PostgreSQL changes VARCHAR to TEXT without rewriting the table or its
indexes (the types are binary-compatible), so this is quick on a large store. SQLite ignores
declared lengths and needs nothing.

Revision ID: 0009_text_without_limits
Revises: 0008_related_data
Create Date: 2026-12-05 09:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_text_without_limits"
down_revision: str | None = "0008_related_data"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LIMITED = sa.text(
    "SELECT table_name, column_name FROM information_schema.columns"
    " WHERE table_schema = current_schema() AND data_type = 'character varying'"
    " AND table_name <> 'alembic_version' ORDER BY table_name, ordinal_position"
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table, column in bind.execute(_LIMITED).all():
        op.alter_column(table, column, type_=sa.Text(), existing_nullable=True)


def downgrade() -> None:
    """Lengths are not put back: a value longer than the old limit would have nowhere to go."""
