"""Inserts that meet an existing row without failing: the dialect's INSERT ... ON CONFLICT.

Two writers may run the same idempotent step at once (two window loads, the window and a
command, two CSMs on one PostgreSQL server). Where the database already forbids the second
row, the second writer keeps the first one's row (DO NOTHING) or writes the same value again
(DO UPDATE) instead of failing on the constraint. SQLite and PostgreSQL spell it the same way
in SQL, through their own SQLAlchemy insert constructs.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .models import SettingRow


def dialect_insert(session: Session, table: Table) -> Any:
    """The insert construct of the session's dialect, which offers `on_conflict_do_*`."""
    name = session.connection().dialect.name
    if name == "sqlite":
        return sqlite.insert(table)
    if name == "postgresql":
        return postgresql.insert(table)
    raise NotImplementedError(f"cspm supports SQLite and PostgreSQL, not {name}")


def put_setting(session: Session, key: str, value: Any) -> None:
    """Store a settings-table value, whether or not another writer stored the key meanwhile
    (a read-then-add would fail on the primary key when two writers both add it)."""
    table = SettingRow.__table__
    stmt = dialect_insert(session, table).values(key=key, value=value)  # type: ignore[arg-type]
    session.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": value}))
