"""The driver fast paths of `storage.bulk` store exactly what SQLAlchemy's own Core path
stores (the one they replace, and the one PostgreSQL takes): two copies of a real imported
portfolio get the same update and the same snapshot rows, one through each path, and every
stored value is compared as the file holds it (raw SQLite text and numbers)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import bindparam, update

from cspm.core.demo import generate_demo
from cspm.core.fields import FIELD_NAMES
from cspm.service.context import AppContext
from cspm.service.imports import ImportOptions, import_file
from cspm.storage import accounts_repo
from cspm.storage.frames import frame_to_rows
from tests.conftest import TODAY
from tests.storage.test_postgres import pg_url  # noqa: F401  (the fixture)

UPDATED_AT = dt.datetime(2026, 11, 24, 9, 30, 15, 123456)


def _portfolio(tmp_path: Path) -> Path:
    db = tmp_path / "a.sqlite3"
    ctx = AppContext.open(str(db), today=TODAY)
    for snap in generate_demo(300, TODAY, months=13)[-2:]:
        path = tmp_path / f"{snap.as_of}.csv"
        plans = ["Standard", "", "Premier"]
        frame = snap.frame.assign(
            **{"Support Plan": [plans[i % 3] for i in range(len(snap.frame))]}
        )
        frame.to_csv(path, index=False)
        assert import_file(ctx, path, ImportOptions(as_of=snap.as_of)).status == "imported"
    ctx.close()
    return db


def _changed(state: pd.DataFrame) -> pd.DataFrame:
    """Every third account changed in every kind of column, missing values included."""
    rows = state.iloc[::3].set_index("id").copy()
    n = len(rows)
    rows["arr"] = rows["arr"] * 1.1
    rows.loc[rows.index[::4], "arr"] = np.nan
    rows["renewal_date"] = rows["renewal_date"] + pd.Timedelta(days=365)
    rows.loc[rows.index[::5], "last_qbr"] = pd.NaT
    rows["is_reference"] = pd.array([True, False, None] * (n // 3) + [True] * (n % 3), "boolean")
    rows["status"] = ["At Risk", None] * (n // 2) + ["Active"] * (n % 2)
    rows["custom"] = [{"support_plan": "Gold", "n": 1.5}, None, {"d": "2026-01-02"}] * (n // 3) + [
        None
    ] * (n % 3)
    return rows


def _raw(db: Path, table: str) -> list[tuple]:
    """Every stored value as the file holds it; JSON decoded (SQLAlchemy's Core path writes a
    Python None as the JSON text 'null', the driver path as SQL NULL: both read back None)."""
    conn = sqlite3.connect(db)
    try:
        names = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
        rows = conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
    finally:
        conn.close()
    decode = [n == "custom" for n in names]
    return [
        tuple(json.loads(v) if d and v is not None else v for v, d in zip(row, decode, strict=True))
        for row in rows
    ]


def test_updates_store_what_the_core_path_stores(tmp_path: Path) -> None:
    a = _portfolio(tmp_path)
    b = tmp_path / "b.sqlite3"
    shutil.copyfile(a, b)
    columns = [*FIELD_NAMES, "custom"]
    for db, fast in ((a, True), (b, False)):
        ctx = AppContext.open(str(db), today=TODAY)
        with ctx.db.session() as s:
            state = accounts_repo.load_accounts(s)
            rows = _changed(state)
            if fast:
                from cspm.storage.bulk import bulk_update

                frame = rows.reset_index(names="id")
                bulk_update(
                    s, accounts_repo.ACCOUNTS, frame, "id", columns, {"updated_at": UPDATED_AT}
                )
            else:  # the Core executemany update_accounts ran before
                dicts = frame_to_rows(rows.reset_index(names="_id"), ["_id", *columns])
                for r in dicts:
                    r["updated_at"] = UPDATED_AT
                t = accounts_repo.ACCOUNTS
                stmt = (
                    update(t)
                    .where(t.c.id == bindparam("_id"))
                    .values({c: bindparam(c) for c in [*columns, "updated_at"]})
                )
                s.connection().execute(stmt, dicts)
            s.commit()
        ctx.close()
    assert _raw(a, "accounts") == _raw(b, "accounts")


def test_snapshot_inserts_store_what_the_core_path_stores(tmp_path: Path) -> None:
    a = _portfolio(tmp_path)
    b = tmp_path / "b.sqlite3"
    shutil.copyfile(a, b)
    for db, fast in ((a, True), (b, False)):
        ctx = AppContext.open(str(db), today=TODAY)
        with ctx.db.session() as s:
            snaps = accounts_repo.load_snapshots(s).iloc[:200]
            snaps = _changed(snaps.reset_index(names="id")).reset_index(drop=True)
            snaps["as_of"] = pd.Timestamp(TODAY)
            if fast:
                accounts_repo.insert_snapshots(s, snaps)
            else:
                cols = ["account_id", "import_id", "as_of", "source_row", *FIELD_NAMES, "custom"]
                s.connection().execute(accounts_repo.SNAPSHOTS.insert(), frame_to_rows(snaps, cols))
            s.commit()
        ctx.close()
    fast_rows, core_rows = _raw(a, "account_snapshots"), _raw(b, "account_snapshots")
    assert len(fast_rows) > 300
    assert fast_rows == core_rows


def test_postgres_copy_stores_what_the_core_path_stores(
    pg_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    """On PostgreSQL, accounts and snapshot rows go in through COPY: the same rows inserted
    once through COPY and once through Core's INSERT read back equal, field by field."""
    from sqlalchemy import select

    from cspm.storage.bulk import bulk_insert

    ctx = AppContext.open(pg_url, today=TODAY)
    try:
        for snap in generate_demo(300, TODAY, months=13)[-2:]:
            path = tmp_path / f"{snap.as_of}.csv"
            snap.frame.to_csv(path, index=False)
            assert import_file(ctx, path, ImportOptions(as_of=snap.as_of)).status == "imported"
        cols = ["account_id", "import_id", "as_of", "source_row", *FIELD_NAMES, "custom"]
        table = accounts_repo.SNAPSHOTS
        with ctx.db.session() as s:
            snaps = accounts_repo.load_snapshots(s).iloc[:200]
            snaps = _changed(snaps.reset_index(names="id")).reset_index(drop=True)
            copied = snaps.assign(source_row=snaps["source_row"] + 100_000)
            core = snaps.assign(source_row=snaps["source_row"] + 200_000)
            bulk_insert(s, table, copied, cols)
            s.execute(table.insert(), frame_to_rows(core, cols))
            s.commit()
        read = [c for c in table.c if c.name not in ("id", "source_row")]
        with ctx.db.session() as s:

            def rows(low: int) -> list[tuple]:
                q = select(*read).where(table.c.source_row.between(low, low + 99_999))
                return [tuple(r) for r in s.execute(q.order_by(table.c.source_row))]

            assert len(rows(100_000)) == len(snaps) > 50
            assert rows(100_000) == rows(200_000)
    finally:
        ctx.close()
