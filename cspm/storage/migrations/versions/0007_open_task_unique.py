"""one task per account and template in an open episode (partial unique index)

Two task regenerations at once (two window loads, the window and a command, two CSMs on one
server) used to insert the same new tasks twice. Databases written by such a race hold those
duplicates, so before the index is created each (account_key, template_id) keeps its oldest
task in the open episode (lowest id) and the others leave the episode; those still open or
snoozed become "resolved", with a note and a logged event saying why, so the upgrade never
fails on existing data and nothing a user did is rewritten (a done or dismissed copy keeps its
status).

Revision ID: 0007_open_task_unique
Revises: 0006_change_log
Create Date: 2026-12-04 14:30:00
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_open_task_unique"
down_revision: str | None = "0006_change_log"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "uq_tasks_open_episode"
OPEN_EPISODE = sa.text("episode_open")
DETAIL = (
    "resolved on upgrade: a second copy of task {keeper} for the same account and playbook "
    "step (two task updates had run at once); task {keeper} stays"
)
CHUNK = 500

tasks = sa.table(
    "tasks",
    sa.column("id", sa.Integer),
    sa.column("account_key", sa.String),
    sa.column("template_id", sa.String),
    sa.column("status", sa.String),
    sa.column("closed_on", sa.Date),
    sa.column("episode_open", sa.Boolean),
    sa.column("note", sa.Text),
)
events = sa.table(
    "task_events",
    sa.column("task_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("at", sa.DateTime),
    sa.column("detail", sa.Text),
)


def _duplicates(conn: sa.Connection) -> list[tuple[int, int, str]]:
    """(id, the id kept for its pair, status) of every task in an open episode that has an
    older one (lower id) in an open episode for the same account and template."""
    older = tasks.alias("older")
    keeper = (
        sa.select(sa.func.min(older.c.id))
        .where(
            older.c.account_key == tasks.c.account_key,
            older.c.template_id == tasks.c.template_id,
            older.c.episode_open == sa.true(),
            older.c.id < tasks.c.id,
        )
        .scalar_subquery()
    )
    rows = conn.execute(
        sa.select(tasks.c.id, keeper, tasks.c.status).where(
            tasks.c.episode_open == sa.true(), keeper.is_not(None)
        )
    ).all()
    return [(int(i), int(k), str(s)) for i, k, s in rows]


def _resolve_duplicates(conn: sa.Connection) -> None:
    dups = _duplicates(conn)
    if not dups:
        return
    today, now = dt.date.today(), dt.datetime.now()
    ids = [i for i, _, _ in dups]
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        conn.execute(sa.update(tasks).where(tasks.c.id.in_(part)).values(episode_open=False))
    still_open = [(i, DETAIL.format(keeper=k)) for i, k, s in dups if s in ("open", "snoozed")]
    if not still_open:
        return
    resolve = (
        sa.update(tasks)
        .where(tasks.c.id == sa.bindparam("task"))
        .values(status="resolved", closed_on=today, note=sa.bindparam("why"))
    )
    conn.execute(resolve, [{"task": i, "why": why} for i, why in still_open])
    conn.execute(
        sa.insert(events),
        [{"task_id": i, "action": "resolved", "at": now, "detail": why} for i, why in still_open],
    )


def upgrade() -> None:
    _resolve_duplicates(op.get_bind())
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index(
            INDEX,
            ["account_key", "template_id"],
            unique=True,
            sqlite_where=OPEN_EPISODE,
            postgresql_where=OPEN_EPISODE,
        )


def downgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index(INDEX)
