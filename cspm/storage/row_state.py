"""Rows of small tables as JSON, and putting them back: the stored form of most inverses.

A change remembers, for each row it wrote, the row before and after (JSON; None = absent).
Undoing it checks that each row is still as the change left it, then writes the "before"
state back; the redo is the same thing with before and after swapped. One mechanism serves
settings, tier overrides, segments, tasks and touchpoints alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Date, DateTime, Table, delete, insert, select, update
from sqlalchemy.orm import Session

from .models import ForecastOverride, Segment, SettingRow, Task, TierOverride, Touchpoint


@dataclass(frozen=True)
class TableSpec:
    table: Table
    key: str
    columns: tuple[str, ...]  # what is stored and restored
    compared: tuple[str, ...]  # what must be unchanged for an inverse to apply


def _spec(model: Any, key: str, columns: tuple[str, ...] = (), compared: tuple[str, ...] = ()):
    table = cast(Table, model.__table__)
    cols = columns or tuple(c.name for c in table.columns)
    return TableSpec(table, key, cols, compared or cols)


TASK_STATE = ("status", "closed_on", "snoozed_until", "note", "episode_open")
SPECS: dict[str, TableSpec] = {
    "settings": _spec(SettingRow, "key"),
    "tier_overrides": _spec(TierOverride, "account_key"),
    "forecast_overrides": _spec(ForecastOverride, "id"),
    "segments": _spec(Segment, "id", compared=("name", "description", "rule", "colour")),
    # Regeneration may end a closed task's episode after the change: not a conflict.
    "tasks": _spec(Task, "id", ("id", *TASK_STATE), ("status", "closed_on", "snoozed_until")),
    "touchpoints": _spec(Touchpoint, "id", compared=("account_key", "kind", "date", "note")),
}


def _to_json(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _from_json(spec: TableSpec, column: str, value: Any) -> Any:
    if value is None:
        return None
    kind = spec.table.c[column].type
    if isinstance(kind, DateTime):
        return dt.datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return dt.date.fromisoformat(value)
    return value


def read(session: Session, table: str, key: Any) -> dict[str, Any] | None:
    """The row's stored columns as JSON values, or None when there is no such row."""
    spec = SPECS[table]
    cols = [spec.table.c[c] for c in spec.columns]
    row = session.execute(select(*cols).where(spec.table.c[spec.key] == key)).first()
    if row is None:
        return None
    return {c: _to_json(v) for c, v in zip(spec.columns, row, strict=True)}


def keys(session: Session, table: str) -> list[Any]:
    """Every key of a (small) table, for changes that may rewrite any row of it."""
    spec = SPECS[table]
    return list(session.scalars(select(spec.table.c[spec.key])))


def same(table: str, stored: dict[str, Any] | None, now: dict[str, Any] | None) -> bool:
    """Is the row `now` still as `stored` (on the columns that matter)?"""
    if stored is None or now is None:
        return stored is None and now is None
    return all(stored.get(c) == now.get(c) for c in SPECS[table].compared)


def write(session: Session, table: str, key: Any, row: dict[str, Any] | None) -> None:
    """Make the row exactly `row` (JSON values), inserting or deleting as needed."""
    spec = SPECS[table]
    where = spec.table.c[spec.key] == key
    if row is None:
        session.execute(delete(spec.table).where(where))
        return
    values = {c: _from_json(spec, c, row[c]) for c in spec.columns if c in row}
    exists = session.execute(select(spec.table.c[spec.key]).where(where)).first()
    if exists is None:
        session.execute(insert(spec.table).values(**values))
    else:
        values.pop(spec.key, None)
        session.execute(update(spec.table).where(where).values(**values))
    session.flush()
