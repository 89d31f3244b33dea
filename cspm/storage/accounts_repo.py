"""Accounts (current state) and their snapshots, read and written as whole frames with Core.

The ORM is several times slower for 100,000-row writes, so imports go through Core
`insert()`/`update()` executemany; reads build typed frames directly from result rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from typing import cast

import numpy as np
import pandas as pd
from sqlalchemy import Table, delete, func, select, update
from sqlalchemy.orm import Session

from cspm.core.fields import FIELD_NAMES
from cspm.core.state import CUSTOM_PREFIX

from .bulk import bulk_insert, bulk_update
from .fetch import fetch_columns, fetch_frame
from .frames import typed_account_columns
from .models import Account, AccountSnapshot

ACCOUNTS = cast(Table, Account.__table__)
SNAPSHOTS = cast(Table, AccountSnapshot.__table__)


def load_accounts(session: Session) -> pd.DataFrame:
    """Every account's stored state: id, key, canonical fields (typed), custom (dict)."""
    cols = ["id", "key", *FIELD_NAMES, "custom"]
    raw = fetch_columns(session, select(*(ACCOUNTS.c[c] for c in cols)).order_by(ACCOUNTS.c.id))
    return typed_account_columns(raw, cols)


def name_of(session: Session, key: str) -> str | None:
    """The stored name of the account with this key (None: no such account or no name)."""
    name = session.scalar(select(Account.name).where(Account.key == key))
    return str(name) if name else None


def load_custom(session: Session, ids: Sequence[int]) -> pd.Series:
    """The custom-field dicts (None where an account has none) of these accounts, indexed
    like `ids`: what an import that changes custom fields merges into."""
    wanted = list(ids)
    stmt = select(ACCOUNTS.c.id, ACCOUNTS.c.custom)
    if len(wanted) > 5_000:  # most of the book: one pass beats thousands of IN lists
        rows = session.execute(stmt).all()
    else:
        rows = [
            r
            for i in range(0, len(wanted), 500)
            for r in session.execute(stmt.where(ACCOUNTS.c.id.in_(wanted[i : i + 500]))).all()
        ]
    found = pd.Series({int(i): c for i, c in rows}, dtype=object)
    return found.reindex(pd.Index(wanted)).astype(object).where(lambda v: v.notna(), None)


def account_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(ACCOUNTS)) or 0)


def insert_accounts(session: Session, frame: pd.DataFrame, import_id: int) -> dict[str, int]:
    """Insert new accounts (frame has key, canonical fields, custom); returns key -> id."""
    if frame.empty:
        return {}
    cols = ["key", *[c for c in FIELD_NAMES if c in frame.columns], "custom"]
    before = int(session.scalar(select(func.max(ACCOUNTS.c.id))) or 0)
    bulk_insert(
        session,
        ACCOUNTS,
        frame,
        cols,
        {"first_import_id": import_id, "updated_at": dt.datetime.now()},
    )
    wanted = set(frame["key"].tolist())
    # Only the rows added now (ids above the largest before), not every key -> id again.
    found = session.execute(
        select(ACCOUNTS.c.key, ACCOUNTS.c.id).where(ACCOUNTS.c.id > before)
    ).all()
    return {k: i for k, i in found if k in wanted}


def update_accounts(session: Session, frame: pd.DataFrame, columns: Sequence[str]) -> None:
    """Write `columns` of each row (frame indexed by account id) back to its account."""
    if frame.empty:
        return
    rows = frame.reset_index(names="id")
    bulk_update(session, ACCOUNTS, rows, "id", columns, {"updated_at": dt.datetime.now()})


def delete_accounts(session: Session, ids: Sequence[int]) -> None:
    for start in range(0, len(ids), 500):
        session.execute(delete(ACCOUNTS).where(ACCOUNTS.c.id.in_(ids[start : start + 500])))


def insert_snapshots(session: Session, frame: pd.DataFrame) -> None:
    """Insert snapshot rows: frame has account_id, import_id, as_of, source_row, fields, custom."""
    if frame.empty:
        return
    cols = [
        "account_id",
        "import_id",
        "as_of",
        "source_row",
        *[c for c in FIELD_NAMES if c in frame.columns],
        "custom",
    ]
    bulk_insert(session, SNAPSHOTS, frame, cols)


def load_snapshots(
    session: Session,
    account_ids: Sequence[int] | None = None,
    fields: Collection[str] | None = None,
) -> pd.DataFrame:
    """Snapshot rows (all, or of some accounts) with typed fields, oldest first.

    `fields`: read only these fields (and `custom` only if named); the others come back as
    typed columns of missing values. State derivation reads a field only from imports that
    carried it, so a caller passes the fields any import carried: a portfolio whose files
    never held half of the 50 fields reads half the values (seconds at 600,000 rows)."""
    every = ["account_id", "import_id", "as_of", "source_row", *FIELD_NAMES, "custom"]
    cols = every if fields is None else [*every[:4], *(c for c in every[4:] if c in fields)]
    stmt = select(*(SNAPSHOTS.c[c] for c in cols))
    if account_ids is None:
        frame = typed_account_columns(fetch_columns(session, stmt), cols)
    else:
        ids = list(account_ids)
        parts = [
            typed_account_columns(
                fetch_columns(session, stmt.where(SNAPSHOTS.c.account_id.in_(ids[i : i + 500]))),
                cols,
            )
            for i in range(0, len(ids), 500)
        ]
        frame = (
            pd.concat(parts, ignore_index=True)
            if parts
            else typed_account_columns(
                fetch_columns(session, stmt.where(SNAPSHOTS.c.account_id.in_([]))), cols
            )
        )
    if len(cols) < len(every):  # the fields not read: missing, typed as a read types them
        empty = {c: np.full(len(frame), None, dtype=object) for c in every if c not in cols}
        frame = pd.concat([frame, typed_account_columns(empty, list(empty))], axis=1)[every]
    return frame.sort_values(["as_of", "import_id"], kind="stable").reset_index(drop=True)


def carried_fields(carried_by_import: Mapping[int, Sequence[str]]) -> set[str]:
    """The snapshot columns any import carried: fields by name, `custom` if any custom one."""
    names = {f for carried in carried_by_import.values() for f in carried}
    out = {f for f in names if f in FIELD_NAMES}
    if any(f.startswith(CUSTOM_PREFIX) for f in names):
        out.add("custom")
    return out


def snapshot_dates(session: Session) -> list[dt.date]:
    """Every distinct as-of date of the stored snapshots, oldest first (one indexed query,
    not a read of every snapshot row)."""
    raw = [v for (v,) in session.execute(select(SNAPSHOTS.c.as_of).distinct()).all()]
    stamps = pd.to_datetime(pd.Series(raw, dtype=object), errors="coerce").dropna()
    return sorted(set(stamps.dt.date.tolist()))


def snapshot_account_ids(session: Session, import_id: int) -> list[int]:
    q = select(SNAPSHOTS.c.account_id).where(SNAPSHOTS.c.import_id == import_id)
    return [int(i) for i in session.scalars(q)]


def set_snapshot_as_of(session: Session, import_id: int, as_of: dt.date) -> None:
    session.execute(update(SNAPSHOTS).where(SNAPSHOTS.c.import_id == import_id).values(as_of=as_of))


def delete_snapshots_of_import(session: Session, import_id: int) -> None:
    session.execute(delete(SNAPSHOTS).where(SNAPSHOTS.c.import_id == import_id))


HISTORY_FIELDS = ("arr", "mrr", "mau", "health_score", "nps", "seats_active", "seats_purchased")


def load_history(
    session: Session, fields: Sequence[str] = HISTORY_FIELDS, *, until: dt.date | None = None
) -> pd.DataFrame:
    """Snapshot history for rules and trends: key, as_of, import_id and numeric `fields`.

    Only the columns asked for are read, because this runs on every portfolio load over
    (accounts x imports) rows.
    """
    cols = [SNAPSHOTS.c[f] for f in fields]
    stmt = select(ACCOUNTS.c.key, SNAPSHOTS.c.as_of, SNAPSHOTS.c.import_id, *cols).join(
        ACCOUNTS, ACCOUNTS.c.id == SNAPSHOTS.c.account_id
    )
    if until is not None:
        stmt = stmt.where(SNAPSHOTS.c.as_of <= until)
    frame = fetch_frame(session, stmt)
    frame.columns = ["key", "as_of", "import_id", *fields]
    frame["as_of"] = pd.to_datetime(frame["as_of"]).astype("datetime64[ns]")
    for f in fields:
        frame[f] = pd.to_numeric(frame[f], errors="coerce").astype(float)
    frame["key"] = frame["key"].astype(object)
    return frame
