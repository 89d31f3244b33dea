"""The history read the cold start's way equals the join it replaced, and analyses the same.

`load_history` now reads the account id from the snapshots (no join) and hands back `key` as
a categorical over the accounts' keys. These tests keep the previous read here, as the
reference, and compare on a real database with a year of monthly snapshots (the demo): same
rows in the same order, same values, the dtypes every consumer relies on; and the analysed
portfolio (tiers, stages, health, derived fields, segments, the health change tasks read)
computed from either history is the same, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from cspm.service.context import AppContext
from cspm.service.demo import load_demo
from cspm.service.portfolio import build_portfolio, load_knobs, stored_frames
from cspm.storage import accounts_repo
from cspm.storage.accounts_repo import ACCOUNTS, HISTORY_FIELDS, SNAPSHOTS
from cspm.storage.fetch import fetch_frame
from tests.conftest import TODAY
from tests.storage.test_postgres import pg_url  # noqa: F401  (fixture)


def joined_history(session: Session) -> pd.DataFrame:
    """The read before: snapshots joined to accounts for their key (object strings)."""
    cols = [SNAPSHOTS.c[f] for f in HISTORY_FIELDS]
    stmt = select(ACCOUNTS.c.key, SNAPSHOTS.c.as_of, SNAPSHOTS.c.import_id, *cols).join(
        ACCOUNTS, ACCOUNTS.c.id == SNAPSHOTS.c.account_id
    )
    frame = fetch_frame(session, stmt)
    frame.columns = ["key", "as_of", "import_id", *HISTORY_FIELDS]
    frame["as_of"] = pd.to_datetime(frame["as_of"]).astype("datetime64[ns]")
    for f in HISTORY_FIELDS:
        frame[f] = pd.to_numeric(frame[f], errors="coerce").astype(float)
    frame["key"] = frame["key"].astype(object)
    return frame


def by_row(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in a fixed order (a join may hand rows back in another order than a scan)."""
    keyed = frame.assign(key=frame["key"].astype(object))
    return keyed.sort_values(["key", "as_of", "import_id"], kind="stable").reset_index(drop=True)


def _compare(ctx: AppContext) -> None:
    with ctx.db.session() as s:
        old = joined_history(s)
        state = accounts_repo.load_accounts(s)
        new = accounts_repo.load_history(s, accounts=state)
        alone = accounts_repo.load_history(s)  # ids and keys read by itself
        stored = stored_frames(ctx, s)
        knobs = load_knobs(s)
    assert len(old) > 2 * len(state) > 100  # months of snapshots per account
    assert isinstance(new["key"].dtype, pd.CategoricalDtype)
    assert list(new["key"].cat.categories) == list(state["key"])
    assert new.dtypes.drop("key").equals(old.dtypes.drop("key"))
    assert new["as_of"].dtype == "datetime64[ns]" and new["import_id"].dtype == np.int64
    pd.testing.assert_frame_equal(by_row(new), by_row(old), check_exact=True)
    pd.testing.assert_frame_equal(alone, new, check_exact=True)
    assert new["arr"].notna().any() and new["health_score"].notna().any()

    # the analysis from the categorical history equals the one from the joined history
    as_read = build_portfolio(stored, knobs, ctx.today, 0)
    with_old = build_portfolio(
        type(stored)(stored.state, stored.custom, stored.custom_types, old), knobs, ctx.today, 0
    )
    pd.testing.assert_frame_equal(as_read.frame, with_old.frame, check_exact=True)
    pd.testing.assert_frame_equal(as_read.membership, with_old.membership, check_exact=True)
    pd.testing.assert_series_equal(
        as_read.for_tasks["health_change"], with_old.for_tasks["health_change"], check_exact=True
    )
    # it compares something: history-based fields and segments are not all empty
    assert as_read.frame["arr_change_pct"].notna().any()
    assert as_read.for_tasks["health_change"].notna().any()
    assert as_read.membership.to_numpy().any()


def test_sqlite_history_equals_the_join(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite3"
    load_demo(str(path), accounts=150, today=TODAY)
    ctx = AppContext.open(str(path), today=TODAY)
    try:
        _compare(ctx)
    finally:
        ctx.close()


def test_postgres_history_equals_the_join(pg_url: str) -> None:  # noqa: F811
    load_demo(pg_url, accounts=80, today=TODAY)
    ctx = AppContext.open(pg_url, today=TODAY)
    try:
        _compare(ctx)
    finally:
        ctx.close()
