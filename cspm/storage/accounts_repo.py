"""Accounts (current state) and their snapshots, read and written as whole frames with Core.

The ORM is several times slower for 100,000-row writes, so imports go through Core
`insert()`/`update()` executemany; reads build typed frames directly from result rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from typing import Any, cast

import numpy as np
import pandas as pd
from sqlalchemy import Select, Table, delete, func, select, union, update
from sqlalchemy.orm import Session

from cspm.core.fields import DATE_FIELDS, FIELD_NAMES, NUMERIC_FIELDS
from cspm.core.state import CUSTOM_PREFIX

from .bulk import bulk_insert, bulk_update
from .fetch import decode_json_column, fetch_columns, fetch_frame
from .frames import typed_account_columns
from .models import Account, AccountSnapshot

ACCOUNTS = cast(Table, Account.__table__)
SNAPSHOTS = cast(Table, AccountSnapshot.__table__)


def load_accounts(session: Session) -> pd.DataFrame:
    """Every account's stored state: id, key, canonical fields (typed), custom (dict)."""
    cols = ["id", "key", *FIELD_NAMES, "custom"]
    return _read_typed(session, select(*(ACCOUNTS.c[c] for c in cols)).order_by(ACCOUNTS.c.id))


def _read_typed(session: Session, stmt: Select[Any], *, shared: bool = False) -> pd.DataFrame:
    """`typed_account_columns` of a select of account or snapshot columns, the numbers and
    dates converted chunk by chunk as they are fetched (`fetch.fetch_columns`; `shared`:
    repeated text one object, for snapshots)."""
    cols = [str(c.key) for c in stmt.selected_columns]
    dates = {c for c in cols if c in DATE_FIELDS or c == "as_of"}
    raw = fetch_columns(session, stmt, floats=NUMERIC_FIELDS, dates=dates, shared=shared)
    return typed_account_columns(raw, cols)


def name_of(session: Session, key: str) -> str | None:
    """The stored name of the account with this key (None: no such account or no name)."""
    name = session.scalar(select(Account.name).where(Account.key == key))
    return str(name) if name else None


def load_custom(session: Session, ids: Sequence[int]) -> pd.Series:
    """The custom-field dicts (None where an account has none) of these accounts, indexed
    like `ids`: what an import that changes custom fields merges into. Read through the
    driver and decoded in one `json.loads` (SQLAlchemy's per-row JSON processing cost 0.5 s
    for 100,000 accounts)."""
    wanted = list(ids)
    stmt = select(ACCOUNTS.c.id, ACCOUNTS.c.custom)
    if len(wanted) > 5_000:  # most of the book: one pass beats thousands of IN lists
        raw = fetch_frame(session, stmt)
    else:
        parts = [
            fetch_frame(session, stmt.where(ACCOUNTS.c.id.in_(wanted[i : i + 500])))
            for i in range(0, len(wanted), 500)
        ]
        raw = (
            pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["id", "custom"])
        )
    ids_read = pd.Index(pd.to_numeric(raw["id"]).astype("int64"))
    found = pd.Series(decode_json_column(raw["custom"]).to_numpy(), index=ids_read, dtype=object)
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
        in_order_of=["key"],  # new ids in key order: the unique key index fills in sequence
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
    # by account (then as the file had them): the (account, date) index fills in sequence
    bulk_insert(session, SNAPSHOTS, frame, cols, in_order_of=["account_id"])


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
        frame = _read_typed(session, stmt, shared=True)  # each account's text, 6 times
    else:
        ids = list(account_ids)
        parts = [
            _read_typed(
                session, stmt.where(SNAPSHOTS.c.account_id.in_(ids[i : i + 500])), shared=True
            )
            for i in range(0, len(ids), 500)
        ]
        frame = (
            pd.concat(parts, ignore_index=True)
            if parts
            else _read_typed(session, stmt.where(SNAPSHOTS.c.account_id.in_([])))
        )
    return _as_loaded(frame, cols, every)


def _as_loaded(frame: pd.DataFrame, cols: list[str], every: list[str]) -> pd.DataFrame:
    """The fields not read added as missing values (typed as a read types them), the rows
    oldest first (equal dates: by import, then as read)."""
    if len(cols) < len(every):
        empty = {c: np.full(len(frame), None, dtype=object) for c in every if c not in cols}
        frame = pd.concat([frame, typed_account_columns(empty, list(empty))], axis=1)[every]
    return frame.sort_values(["as_of", "import_id"], kind="stable").reset_index(drop=True)


def load_deciding_snapshots(
    session: Session,
    import_sets: Sequence[Collection[int]],
    fields: Collection[str] | None = None,
    until: dt.date | None = None,
) -> pd.DataFrame:
    """`load_snapshots` of only the rows that can decide a derived state (of the snapshots
    dated on or before `until`, when given): for each set of imports
    (`core.state.deciding_import_sets`) each account's latest snapshot among them, and each
    account's latest snapshot of any other import (so no account goes missing). Latest is
    `derive_state`'s order: by date, then import, then row id (the order a whole-table read
    leaves equal ones in).

    Window functions in the database instead of fetching every snapshot: undoing a
    100,000-account import re-derived from 650,000 rows (9 s); this fetches 100,000."""
    every = ["account_id", "import_id", "as_of", "source_row", *FIELD_NAMES, "custom"]
    stmt = deciding_snapshots_select(import_sets, fields, until)
    cols = [str(c.key) for c in stmt.selected_columns]
    return _as_loaded(_read_typed(session, stmt, shared=True), cols, every)


def deciding_snapshots_select(
    import_sets: Sequence[Collection[int]],
    fields: Collection[str] | None = None,
    until: dt.date | None = None,
) -> Select[Any]:
    """The select `load_deciding_snapshots` reads (benchmarks/bench_floors.py times the
    driver alone on it)."""
    every = ["account_id", "import_id", "as_of", "source_row", *FIELD_NAMES, "custom"]
    cols = every if fields is None else [*every[:4], *(c for c in every[4:] if c in fields)]
    # every account is present: through one of the sets, or (having only rows of imports in
    # none of them) through its latest row outside them all: a pass over no rows, usually
    deciding = {i for ids in import_sets for i in ids}
    chosen = [
        _latest_ids(deciding, until, outside=True),
        *(_latest_ids(ids, until) for ids in import_sets),
    ]
    return (
        select(*(SNAPSHOTS.c[c] for c in cols))
        .where(SNAPSHOTS.c.id.in_(union(*chosen)))
        .order_by(SNAPSHOTS.c.id)
    )


def _latest_ids(
    import_ids: Collection[int], until: dt.date | None, *, outside: bool = False
) -> Select[Any]:
    """The id of each account's latest snapshot of these imports (`outside`: of any other
    import), dated on or before `until` (None: any date)."""
    c = SNAPSHOTS.c
    latest = [c.as_of.desc(), c.import_id.desc(), c.id.desc()]
    rank = func.row_number().over(partition_by=c.account_id, order_by=latest).label("rank")
    ranked = select(c.id, rank)
    chosen = sorted(import_ids)
    ranked = ranked.where(c.import_id.not_in(chosen) if outside else c.import_id.in_(chosen))
    if until is not None:
        ranked = ranked.where(c.as_of <= until)
    inner = ranked.subquery()
    return select(inner.c.id).where(inner.c.rank == 1)


def carried_fields(carried_by_import: Mapping[int, Sequence[str]]) -> set[str]:
    """The snapshot columns any import carried: fields by name, `custom` if any custom one."""
    names = {f for carried in carried_by_import.values() for f in carried}
    out = {f for f in names if f in FIELD_NAMES}
    if any(f.startswith(CUSTOM_PREFIX) for f in names):
        out.add("custom")
    return out


def snapshot_account_ids(session: Session, import_id: int) -> list[int]:
    q = select(SNAPSHOTS.c.account_id).where(SNAPSHOTS.c.import_id == import_id)
    return [int(i) for i in session.scalars(q)]


def imports_share_accounts(session: Session, first: int, second: int) -> bool:
    """Whether two imports hold a snapshot of at least one same account (one indexed probe)."""
    other = SNAPSHOTS.alias("other")
    q = (
        select(SNAPSHOTS.c.account_id)
        .join(other, other.c.account_id == SNAPSHOTS.c.account_id)
        .where(SNAPSHOTS.c.import_id == first, other.c.import_id == second)
        .limit(1)
    )
    return session.execute(q).first() is not None


def set_snapshot_as_of(session: Session, import_id: int, as_of: dt.date) -> None:
    session.execute(update(SNAPSHOTS).where(SNAPSHOTS.c.import_id == import_id).values(as_of=as_of))


def delete_snapshots_of_import(session: Session, import_id: int) -> None:
    session.execute(delete(SNAPSHOTS).where(SNAPSHOTS.c.import_id == import_id))


HISTORY_FIELDS = ("arr", "mrr", "mau", "health_score", "nps", "seats_active", "seats_purchased")


def load_history(
    session: Session,
    fields: Sequence[str] = HISTORY_FIELDS,
    *,
    until: dt.date | None = None,
    accounts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Snapshot history for rules and trends: key, as_of, import_id and numeric `fields`.

    Only the columns asked for are read, because this runs on every portfolio load over
    (accounts x imports) rows. `key` is categorical over the accounts' keys in id order:
    the rows carry the account id (no join, no 600,000 key strings built and hashed) and
    every look-up by key hashes the 100,000 categories only (`core.rules.history`).
    accounts: `load_accounts`' frame (its id and key) when the caller has it, else read.
    """
    cols = [SNAPSHOTS.c[f] for f in fields]
    stmt = select(SNAPSHOTS.c.account_id, SNAPSHOTS.c.as_of, SNAPSHOTS.c.import_id, *cols)
    if until is not None:
        stmt = stmt.where(SNAPSHOTS.c.as_of <= until)
    raw = fetch_columns(session, stmt, floats=fields, dates={"as_of"})
    if accounts is None:
        id_key = fetch_columns(session, select(ACCOUNTS.c.id, ACCOUNTS.c.key))
        ids, keys = id_key["id"].astype(np.int64), id_key["key"]
    else:
        ids, keys = accounts["id"].to_numpy(dtype=np.int64), accounts["key"].to_numpy(object)
    order = np.argsort(ids, kind="stable")
    ids, keys = ids[order], keys[order]
    account_ids = raw.pop("account_id").astype(np.int64)
    codes = np.searchsorted(ids, account_ids)
    found = codes < len(ids)
    found[found] = ids[codes[found]] == account_ids[found]
    if not found.all():  # a snapshot of no account (the join dropped it): drop it too
        raw = {c: v[found] for c, v in raw.items()}
        codes = codes[found]
    frame = typed_account_columns(raw, ["as_of", "import_id", *fields])
    frame["import_id"] = frame["import_id"].astype(np.int64)
    for f in fields:  # a field read as text (never stored so) still comes back as numbers
        if frame[f].dtype != np.float64:
            frame[f] = pd.to_numeric(frame[f], errors="coerce").astype(float)
    key = pd.Categorical.from_codes(codes, categories=pd.Index(keys, dtype=object))
    frame.insert(0, "key", key)
    return frame
