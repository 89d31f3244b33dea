"""Segment definitions (name, description, rule JSON, colour, built-in flag)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import settings_repo
from .actor import acting_user
from .models import Segment, SettingRow

SEEDED_KEY = "builtin_segments_seeded"
VERSION_KEY = "builtin_segments_version"


@dataclass(frozen=True)
class SegmentRow:
    """A plain copy of a stored segment (never an ORM row outside storage)."""

    id: int
    name: str
    description: str
    rule: dict[str, Any]
    colour: str | None
    builtin: bool
    updated_at: dt.datetime
    user: str | None = None  # who added or last changed it (None: before cspm recorded it)


def _row(s: Segment) -> SegmentRow:
    return SegmentRow(
        s.id, s.name, s.description, dict(s.rule), s.colour, s.builtin, s.updated_at, s.user
    )


def list_segments(session: Session) -> list[SegmentRow]:
    return [_row(s) for s in session.scalars(select(Segment).order_by(Segment.id))]


def find(session: Session, name: str) -> Segment | None:
    """Case-insensitive lookup by name."""
    q = select(Segment).where(func.lower(Segment.name) == name.strip().lower())
    return session.scalars(q).first()


def add(
    session: Session,
    name: str,
    description: str,
    rule: dict[str, Any],
    colour: str | None = None,
    builtin: bool = False,
) -> SegmentRow:
    now = dt.datetime.now()
    seg = Segment(
        name=name,
        description=description,
        rule=rule,
        colour=colour,
        builtin=builtin,
        created_at=now,
        updated_at=now,
        user=acting_user(session),
    )
    session.add(seg)
    session.flush()
    return _row(seg)


def update(session: Session, seg: Segment, **values: Any) -> SegmentRow:
    for k, v in values.items():
        setattr(seg, k, v)
    seg.updated_at = dt.datetime.now()
    seg.user = acting_user(session)
    session.flush()
    return _row(seg)


def remove(session: Session, seg: Segment) -> None:
    session.delete(seg)


def seeded(session: Session) -> bool:
    return session.get(SettingRow, SEEDED_KEY) is not None


def mark_seeded(session: Session) -> None:
    session.add(SettingRow(key=SEEDED_KEY, value=True))


def builtin_version(session: Session) -> int:
    """The built-in library version this database was last brought to: 0 never seeded, 1
    seeded before versions were recorded."""
    row = session.get(SettingRow, VERSION_KEY)
    if row is not None:
        return int(row.value)
    return 1 if seeded(session) else 0


def mark_builtin_version(session: Session, version: int) -> None:
    settings_repo.put(session, VERSION_KEY, version)
    if not seeded(session):
        mark_seeded(session)
