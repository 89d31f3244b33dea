"""Writing related rows and the history derived from them, as whole frames.

A related import adds one version of each of its rows (bulk, no RETURNING per row: 1,000,000
usage rows must cost seconds), its links are written with the rows, and the links of rows
already stored are changed through one temporary table of (id, account key) joined by one
UPDATE, never one statement per row. The derived history is the snapshots held by related
imports (`kind` other than "accounts"): it is always deleted and written whole, so re-importing
changes nothing and undo is exact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

import numpy as np
import pandas as pd
from sqlalchemy import Column, Integer, MetaData, Table, Text, delete, exists, select, text, update
from sqlalchemy.orm import Session

from cspm.core.related.frames import columns_of
from cspm.core.related.kinds import ACCOUNTS, RELATED_KIND_NAMES

from .bulk import bulk_insert
from .imports_repo import ImportInfo, info_of
from .models import RELATED_MODELS, AccountSnapshot, ImportRecord

SNAPSHOTS = cast(Table, AccountSnapshot.__table__)
BIG = 100_000  # rows
BIG_CACHE_KB = 256 * 1024

_LINKS = Table(
    "cspm_related_links",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("account_key", Text),
    prefixes=["TEMPORARY"],
)
"""Scratch table (per connection) of row id -> new account key, joined by one UPDATE."""


def table_of(kind: str) -> Table:
    return cast(Table, RELATED_MODELS[kind].__table__)  # type: ignore[attr-defined]


def insert_rows(session: Session, kind: str, frame: pd.DataFrame, import_id: int) -> None:
    """Insert every row of `frame` (the kind's frame contract plus `source_row` and `custom`,
    account_key already linked or None) as versions carried by `import_id`."""
    table = table_of(kind)
    columns = [c for c in (*columns_of(kind), "source_row", "custom") if c in frame.columns]
    if len(frame) > BIG and session.connection().dialect.name == "sqlite":
        # Three indexes over a million rows thrash SQLite's default 2 MB page cache.
        session.execute(text(f"PRAGMA cache_size=-{BIG_CACHE_KB}"))
    bulk_insert(session, table, frame, columns, {"import_id": import_id})


def write_links(session: Session, kind: str, ids: Sequence[int], keys: Sequence[Any]) -> int:
    """Set `account_key` of the rows with these ids (None: the row links to nothing).

    One temporary table and one UPDATE joined on it, whatever the number of rows or accounts;
    returns the number of rows given."""
    if not len(ids):
        return 0
    conn = session.connection()
    _LINKS.create(conn, checkfirst=True)
    conn.execute(delete(_LINKS))
    frame = pd.DataFrame(
        {"id": np.asarray(ids, dtype="int64"), "account_key": pd.Series(keys, dtype=object)}
    )
    frame["account_key"] = frame["account_key"].where(frame["account_key"].notna(), None)
    bulk_insert(session, _LINKS, frame, ["id", "account_key"])
    table = table_of(kind)
    new_key = select(_LINKS.c.account_key).where(_LINKS.c.id == table.c.id).scalar_subquery()
    conn.execute(
        update(table)
        .where(table.c.id.in_(select(_LINKS.c.id)))
        .values(account_key=new_key)
        .execution_options(synchronize_session=False)
    )
    conn.execute(delete(_LINKS))
    return len(frame)


def delete_rows_of_import(session: Session, import_id: int) -> None:
    """Remove every related row an import carried (its record stays, marked undone)."""
    for kind in RELATED_KIND_NAMES:
        table = table_of(kind)
        session.execute(delete(table).where(table.c.import_id == import_id))


def any_related_rows(session: Session) -> bool:
    """Whether any related row is stored at all: one EXISTS per kind, so an accounts import
    in a database without related data pays nothing for re-linking."""
    for kind in RELATED_KIND_NAMES:
        if session.scalar(select(exists().where(table_of(kind).c.id.is_not(None)))):
            return True
    return False


def committed_related_imports(session: Session) -> list[ImportInfo]:
    """Committed imports of a related kind, in load order (oldest first)."""
    q = (
        select(ImportRecord)
        .where(ImportRecord.status == "committed", ImportRecord.kind != ACCOUNTS)
        .order_by(ImportRecord.id)
    )
    return [info_of(r) for r in session.scalars(q)]


def identical_related_import(
    session: Session, *, kind: str, sha256: str, mapping: dict[str, Any]
) -> ImportInfo | None:
    """The committed import that loading this related file again would merely repeat: the
    latest committed import of the kind, when it read the same bytes with the same mapping.
    (A later import of the kind makes re-loading an older file a real change: its row
    versions come back in force.)"""
    q = (
        select(ImportRecord)
        .where(ImportRecord.status == "committed", ImportRecord.kind == kind)
        .order_by(ImportRecord.id.desc())
        .limit(1)
    )
    last = session.scalar(q)
    if last is None or last.sha256 != sha256 or dict(last.mapping or {}) != dict(mapping):
        return None
    return info_of(last)


def derived_account_ids(session: Session) -> list[int]:
    """Accounts that have a derived (related-import) snapshot."""
    related = select(ImportRecord.id).where(ImportRecord.kind != ACCOUNTS)
    q = select(SNAPSHOTS.c.account_id).where(SNAPSHOTS.c.import_id.in_(related)).distinct()
    return [int(i) for i in session.scalars(q)]


def delete_derived_snapshots(session: Session) -> list[int]:
    """Delete the whole derived history (every snapshot held by a related import); returns
    the accounts that had some, whose state must be re-derived."""
    affected = derived_account_ids(session)
    related = select(ImportRecord.id).where(ImportRecord.kind != ACCOUNTS)
    session.execute(delete(SNAPSHOTS).where(SNAPSHOTS.c.import_id.in_(related)))
    return affected


def insert_derived_snapshots(
    session: Session, frame: pd.DataFrame, fields: Sequence[str], import_id: int
) -> None:
    """Insert derived snapshots: frame has account_id, as_of (datetime64) and `fields`,
    every field written explicitly (zeros and blanks included)."""
    if frame.empty:
        return
    columns = ["account_id", "as_of", *fields]
    bulk_insert(session, SNAPSHOTS, frame, columns, {"import_id": import_id})


def set_carried_fields(session: Session, import_id: int, fields: Sequence[str]) -> None:
    """The fields an import's snapshots carry (the holder of the derived history carries
    the fields of every kind that has rows)."""
    session.execute(
        update(ImportRecord).where(ImportRecord.id == import_id).values(carried_fields=list(fields))
    )


def accounts_imported(session: Session) -> list[int]:
    """Accounts that have a snapshot of an accounts import: the only way an account exists
    (related rows never create one)."""
    accounts = select(ImportRecord.id).where(
        ImportRecord.kind == ACCOUNTS, ImportRecord.status == "committed"
    )
    q = select(SNAPSHOTS.c.account_id).where(SNAPSHOTS.c.import_id.in_(accounts)).distinct()
    return [int(i) for i in session.scalars(q)]


def latest_contacts_as_of(session: Session) -> dt.date | None:
    """The as-of date of the latest committed import that carried contacts rows (a contacts
    export is a picture of that day: last logins are known only as of it)."""
    q = (
        select(ImportRecord.as_of)
        .where(ImportRecord.status == "committed", ImportRecord.kind == "contacts")
        .order_by(ImportRecord.id.desc())
        .limit(1)
    )
    return cast("dt.date | None", session.scalar(q))
