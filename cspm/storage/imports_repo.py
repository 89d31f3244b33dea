"""Import records: what was loaded, when, with which mapping, and what it changed."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .actor import acting_user
from .models import ImportRecord


@dataclass(frozen=True)
class ImportInfo:
    """A plain copy of an import record for the service and the views (never an ORM row)."""

    id: int
    file_name: str
    sheet: str | None
    as_of: dt.date
    started_at: dt.datetime
    finished_at: dt.datetime | None
    status: str
    rows_total: int
    new_count: int
    updated_count: int
    unchanged_count: int
    rejected_count: int
    warning_count: int
    carried_fields: list[str]
    kind: str = "accounts"  # or a related kind (cspm.core.related.kinds.KIND_NAMES)
    user: str | None = None  # who imported it (None: before cspm recorded it)


def info_of(r: ImportRecord) -> ImportInfo:
    return ImportInfo(
        r.id,
        r.file_name,
        r.sheet,
        r.as_of,
        r.started_at,
        r.finished_at,
        r.status,
        r.rows_total,
        r.new_count,
        r.updated_count,
        r.unchanged_count,
        r.rejected_count,
        r.warning_count,
        list(r.carried_fields or []),
        r.kind or "accounts",
        r.user,
    )


def provisional_id() -> int:
    """An import id for work that is rolled back (a dry run): negative, so it never meets a
    real one, and random, so two dry runs at once do not wait on each other's row."""
    return -secrets.randbelow(2**31 - 1) - 1


def create_import(session: Session, **values: Any) -> ImportRecord:
    record = ImportRecord(**values, user=acting_user(session))
    session.add(record)
    session.flush()
    return record


def committed_imports(session: Session) -> list[ImportInfo]:
    """Committed imports, oldest first by as-of date then load order."""
    q = (
        select(ImportRecord)
        .where(ImportRecord.status == "committed")
        .order_by(ImportRecord.as_of, ImportRecord.id)
    )
    return [info_of(r) for r in session.scalars(q)]


def all_imports(session: Session) -> list[ImportInfo]:
    """Every import record, newest load first (for the Imports list)."""
    return [
        info_of(r) for r in session.scalars(select(ImportRecord).order_by(ImportRecord.id.desc()))
    ]


def latest_as_of(session: Session) -> dt.date | None:
    q = select(func.max(ImportRecord.as_of)).where(ImportRecord.status == "committed")
    return session.scalar(q)


def get_import(session: Session, import_id: int) -> ImportRecord | None:
    return session.get(ImportRecord, import_id)


def carried_by_import(session: Session) -> dict[int, list[str]]:
    q = select(ImportRecord.id, ImportRecord.carried_fields).where(
        ImportRecord.status == "committed"
    )
    return {int(i): list(c or []) for i, c in session.execute(q).all()}


def earlier_scales(session: Session) -> dict[str, str]:
    """Normalised header -> the scale the latest committed import of that header used (NPS
    and health columns), from the "@scales" each import record keeps."""
    q = (
        select(ImportRecord.mapping)
        .where(ImportRecord.status == "committed")
        .order_by(ImportRecord.as_of, ImportRecord.id)
    )
    scales: dict[str, str] = {}
    for (mapping,) in session.execute(q).all():
        used = (mapping or {}).get("@scales")
        if isinstance(used, dict):
            scales.update({str(k): str(v) for k, v in used.items()})
    return scales


def identical_import(
    session: Session,
    *,
    sha256: str,
    as_of: dt.date,
    sheet: str | None,
    header_row: int | None,
    mapping: dict[str, Any],
) -> ImportInfo | None:
    """The committed import that loading this file again would merely repeat, if any.

    That is the last-loaded committed import of the same as-of date, when it read the same
    bytes (hash) from the same sheet and header row with the same mapping. An import of that
    date loaded after it would make a re-load change the current state back, so it must not
    count as identical; undone imports never count.
    """
    q = (
        select(ImportRecord)
        .where(ImportRecord.status == "committed", ImportRecord.as_of == as_of)
        .order_by(ImportRecord.id.desc())
        .limit(1)
    )
    last = session.scalar(q)
    if last is None:
        return None
    same = (
        last.sha256 == sha256
        and last.sheet == sheet
        and last.header_row == header_row
        and dict(last.mapping or {}) == dict(mapping)
    )
    return info_of(last) if same else None
