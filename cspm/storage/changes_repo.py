"""The change log: store a change record, read a user's recent records, link undo and redo."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session

from .models import ChangeRecord


@dataclass(frozen=True)
class StoredChange:
    """A plain copy of a change_log row (never an ORM row outside storage)."""

    id: int
    at: dt.datetime
    user: str
    action: str
    touches: frozenset[str]
    inverse: dict[str, Any] | None
    undo_of: int | None
    undone_by: int | None


def _plain(r: ChangeRecord) -> StoredChange:
    return StoredChange(
        r.id,
        r.at,
        r.user,
        r.action,
        frozenset(r.touches or ()),
        dict(r.inverse) if r.inverse is not None else None,
        r.undo_of,
        r.undone_by,
    )


def add(
    session: Session,
    *,
    at: dt.datetime,
    user: str,
    action: str,
    touches: Iterable[str],
    inverse: dict[str, Any] | None,
    undo_of: int | None = None,
) -> int:
    row = ChangeRecord(
        at=at,
        user=user,
        action=action,
        touches=sorted(touches),
        inverse=inverse,
        undo_of=undo_of,
    )
    if session.get_bind().dialect.name == "postgresql":
        row.db_user = literal_column("session_user")  # type: ignore[assignment]
    session.add(row)
    session.flush()
    return row.id


def get(session: Session, change_id: int) -> StoredChange | None:
    row = session.get(ChangeRecord, change_id)
    return _plain(row) if row is not None else None


def mark_undone(session: Session, change_id: int, by: int) -> bool:
    """Link `change_id` to the record that reverted it; False when another already did."""
    row = session.get(ChangeRecord, change_id, with_for_update=True)
    if row is None or row.undone_by is not None:
        return False
    row.undone_by = by
    session.flush()
    return True


def recent(session: Session, user: str | None = None, limit: int = 200) -> list[StoredChange]:
    """The newest records first (of one user, or everyone's)."""
    stmt = select(ChangeRecord).order_by(ChangeRecord.id.desc()).limit(limit)
    if user is not None:
        stmt = stmt.where(ChangeRecord.user == user)
    return [_plain(r) for r in session.scalars(stmt)]


def find_import(session: Session, import_id: int, window: int = 500) -> int | None:
    """The not yet undone record of an import (its inverse undoes import `import_id`)."""
    stmt = (
        select(ChangeRecord)
        .where(ChangeRecord.undone_by.is_(None), ChangeRecord.inverse.is_not(None))
        .order_by(ChangeRecord.id.desc())
        .limit(window)
    )
    for r in session.scalars(stmt):
        inverse = r.inverse or {}
        if inverse.get("op") == "import_undo" and inverse.get("import_id") == import_id:
            return r.id
    return None


def latest_id(session: Session, *, before: int | None = None) -> int | None:
    """The newest change record's id (below `before` when given); None when there is none."""
    stmt = select(func.max(ChangeRecord.id))
    if before is not None:
        stmt = stmt.where(ChangeRecord.id < before)
    value = session.execute(stmt).scalar()
    return None if value is None else int(value)
