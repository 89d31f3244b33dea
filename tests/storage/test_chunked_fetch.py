"""Reads that type numbers and dates chunk by chunk as they are fetched equal the read that
types whole columns afterwards (`fetch_frame` + `typed_account_frame`): same values, same
dtypes, on SQLite and PostgreSQL, with chunks small enough that every column spans many, and
with a number column holding text in one chunk only (that column falls back whole).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select, text

from cspm.core.fields import FIELD_NAMES
from cspm.service.context import AppContext
from cspm.service.demo import load_demo
from cspm.storage import accounts_repo, fetch
from cspm.storage.accounts_repo import ACCOUNTS, SNAPSHOTS
from cspm.storage.fetch import fetch_frame
from cspm.storage.frames import typed_account_frame
from tests.conftest import TODAY
from tests.storage.test_postgres import pg_url  # noqa: F401  (fixture)


def _old(ctx: AppContext, table: object, cols: list[str]) -> pd.DataFrame:
    with ctx.db.session() as s:
        stmt = select(*(table.c[c] for c in cols)).order_by(table.c.id)  # type: ignore[attr-defined]
        return typed_account_frame(fetch_frame(s, stmt), cols)


def _compare(ctx: AppContext) -> None:
    with ctx.db.session() as s:
        accounts = accounts_repo.load_accounts(s)
        snapshots = accounts_repo.load_snapshots(s)
    old_accounts = _old(ctx, ACCOUNTS, ["id", "key", *FIELD_NAMES, "custom"])
    pd.testing.assert_frame_equal(accounts, old_accounts, check_exact=True)
    cols = ["account_id", "import_id", "as_of", "source_row", *FIELD_NAMES, "custom"]
    old_snaps = _old(ctx, SNAPSHOTS, cols)
    order = ["as_of", "import_id", "account_id"]  # rows of one import: in the server's order
    pd.testing.assert_frame_equal(
        snapshots.sort_values(order, kind="stable").reset_index(drop=True),
        old_snaps.sort_values(order, kind="stable").reset_index(drop=True),
        check_exact=True,
    )
    assert len(snapshots) > 2 * len(accounts) > 2 * fetch.CHUNK_ROWS  # many chunks
    assert accounts["renewal_date"].notna().any() and snapshots["arr"].notna().any()


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch, "CHUNK_ROWS", 17)


def test_sqlite_chunked_reads_equal(tmp_path: Path, small_chunks: None) -> None:
    path = tmp_path / "demo.sqlite3"
    load_demo(str(path), accounts=90, today=TODAY)
    ctx = AppContext.open(str(path), today=TODAY)
    try:
        _compare(ctx)
        # SQLite keeps what it is given: text in a number column, in one chunk only
        with ctx.db.session() as s:
            last = "(SELECT max(id) FROM accounts)"
            s.execute(text(f"UPDATE accounts SET arr = 'n/a' WHERE id = {last}"))
            s.commit()
        with ctx.db.session() as s:
            accounts = accounts_repo.load_accounts(s)
        old = _old(ctx, ACCOUNTS, ["id", "key", *FIELD_NAMES, "custom"])
        pd.testing.assert_frame_equal(accounts, old, check_exact=True)
        assert accounts["arr"].dtype == float and pd.isna(accounts["arr"].iloc[-1])
        assert accounts["arr"].notna().sum() > 1
    finally:
        ctx.close()


def test_postgres_chunked_reads_equal(pg_url: str, small_chunks: None) -> None:  # noqa: F811
    load_demo(pg_url, accounts=60, today=TODAY)
    ctx = AppContext.open(pg_url, today=TODAY)
    try:
        _compare(ctx)
    finally:
        ctx.close()
