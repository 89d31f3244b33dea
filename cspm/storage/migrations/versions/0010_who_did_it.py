"""who did it: the user on imports, touchpoints, tier overrides and segments; the server role

A team shares one database: the imports list, an account's touchpoints and overrides, and a
segment say who made them (the name `cspm me`/personal settings record, else the login), and
`imports undo` takes back the user's own import, not a colleague's. The change log keeps, on
PostgreSQL, the role the session logged in as (`db_user`), which a chosen display name cannot
fake. Imports made before this revision get their user from their change record.

Revision ID: 0010_who_did_it
Revises: 0009_text_without_limits
Create Date: 2026-12-05 09:50:00
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_who_did_it"
down_revision: str | None = "0009_text_without_limits"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STAMPED = ("imports", "touchpoints", "tier_overrides", "segments")


def upgrade() -> None:
    for table in STAMPED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("user", sa.Text(), nullable=True))
    with op.batch_alter_table("change_log") as batch:
        batch.add_column(sa.Column("db_user", sa.Text(), nullable=True))
    _users_of_past_imports()


def _users_of_past_imports() -> None:
    """An import's change record names who made it (its inverse names the import)."""
    bind = op.get_bind()
    records = bind.execute(
        sa.text('SELECT "user", inverse FROM change_log WHERE inverse IS NOT NULL ORDER BY id')
    ).all()
    who: dict[int, str] = {}
    for user, inverse in records:
        data = json.loads(inverse) if isinstance(inverse, str) else inverse
        if isinstance(data, dict) and data.get("op") == "import_undo":
            import_id = data.get("import_id")
            if isinstance(import_id, int):
                who[import_id] = user
    update = sa.text('UPDATE imports SET "user" = :user WHERE id = :id')
    if who:
        bind.execute(update, [{"user": u, "id": i} for i, u in who.items()])


def downgrade() -> None:
    with op.batch_alter_table("change_log") as batch:
        batch.drop_column("db_user")
    for table in STAMPED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("user")
