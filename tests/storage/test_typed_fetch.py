"""Accounts and snapshots read column by column (`fetch_columns` + `typed_account_columns`)
equal what the inferring read (`fetch_frame` + `typed_account_frame`) made of them: same
values, same dtypes, on SQLite and on PostgreSQL.

The demo portfolio holds every kind of stored field (money, dates, three-valued booleans,
text with blanks, custom fields as JSON) over a year of monthly snapshots.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import select

from cspm.core.fields import FIELD_NAMES
from cspm.service.context import AppContext
from cspm.service.demo import load_demo
from cspm.storage import accounts_repo
from cspm.storage.fetch import fetch_columns, fetch_frame
from cspm.storage.frames import typed_account_columns, typed_account_frame
from tests.conftest import TODAY
from tests.storage.test_postgres import pg_url  # noqa: F401  (fixture)


def _both_ways(ctx: AppContext) -> None:
    with ctx.db.session() as s:
        for table, first in ((accounts_repo.ACCOUNTS, "id"), (accounts_repo.SNAPSHOTS, "id")):
            keys = ("key", "account_id", "import_id", "as_of")
            cols = [first, *(c for c in keys if c in table.c)]
            cols += [*FIELD_NAMES, "custom"]
            stmt = select(*(table.c[c] for c in cols)).order_by(table.c[first])
            old = typed_account_frame(fetch_frame(s, stmt), cols)
            new = typed_account_columns(fetch_columns(s, stmt), cols)
            assert len(new) >= 60
            assert list(new.dtypes) == list(old.dtypes), table.name
            pd.testing.assert_frame_equal(new, old, check_exact=True)
            # the demo fills dates, money, booleans and custom values: this compares something
            assert new["renewal_date"].notna().any() and new["arr"].notna().any()
            assert new["is_reference"].notna().any() and new["custom"].notna().any()


def test_sqlite_reads_equal(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite3"
    load_demo(str(path), accounts=120, today=TODAY)
    ctx = AppContext.open(str(path), today=TODAY)
    try:
        _both_ways(ctx)
    finally:
        ctx.close()


def test_postgres_reads_equal(pg_url: str) -> None:  # noqa: F811
    load_demo(pg_url, accounts=60, today=TODAY)
    ctx = AppContext.open(pg_url, today=TODAY)
    try:
        _both_ways(ctx)
    finally:
        ctx.close()
