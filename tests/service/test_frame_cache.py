"""The disk copy of the stored frames: same portfolio as from the database, never stale.

The copy is only made for large portfolios; these tests lower that threshold to 1 account
so a few rows exercise the real files and the real database.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest

from cspm.service import frame_cache
from cspm.service.context import AppContext
from cspm.service.imports import import_file
from cspm.service.portfolio import load_portfolio
from cspm.service.settings import set_value
from tests.conftest import TODAY
from tests.files import write_csv

HEADER = ["Account ID", "Account Name", "Account Owner", "ARR", "Renewal Date", "Region", "Tool"]
D = dt.date


def rows(arr_acme: int = 120_000) -> list[list[object]]:
    # "Tool" is a custom field; Region and Tool have blanks, so None values must survive.
    return [
        HEADER,
        ["A-1", "Acme", "Dana", arr_acme, "2027-01-10", "EMEA", "Jira"],
        ["A-2", "Globex", "Dana", 45_000, "2027-06-30", "", "Jira"],
        ["A-3", "Initech", "Fox", 12_000, "2026-12-15", "AMER", ""],
        ["A-4", "Umbrella", "", 9_000, "", "EMEA", "Asana"],
    ]


@pytest.fixture
def every_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(frame_cache, "MIN_ACCOUNTS", 1)


def copies() -> list[Path]:
    return sorted(frame_cache.cache_dir().glob("*.pkl"))


def portfolio_of(db: str) -> pd.DataFrame:
    ctx = AppContext.open(db, today=TODAY)
    try:
        return load_portfolio(ctx).frame
    finally:
        ctx.close()


def imported(db: str, path: Path) -> None:
    ctx = AppContext.open(db, today=TODAY)
    try:
        import_file(ctx, path)
    finally:
        ctx.close()


def test_a_reopened_portfolio_from_the_copy_equals_the_database(
    every_size: None, db_url: str, tmp_path: Path
) -> None:
    imported(db_url, write_csv(tmp_path / "a.csv", rows()))
    for old in copies():  # the copy the import's context wrote: start from the database
        old.unlink()
    from_db = portfolio_of(db_url)
    assert len(copies()) == 1, "closing the context that read the database keeps a copy"
    from_copy = portfolio_of(db_url)
    pd.testing.assert_frame_equal(from_copy, from_db)
    assert from_copy.loc["A-2", "region"] is None  # blanks stay None, not NaN or ""
    assert from_copy.loc["A-1", "tool"] == "Jira"  # custom fields come back typed
    assert from_copy.loc["A-1", "tier"] == from_db.loc["A-1", "tier"]


def test_a_change_in_another_process_is_never_hidden_by_the_copy(
    every_size: None, db_url: str, tmp_path: Path
) -> None:
    imported(db_url, write_csv(tmp_path / "a.csv", rows()))
    assert portfolio_of(db_url).loc["A-1", "arr"] == 120_000
    imported(db_url, write_csv(tmp_path / "b.csv", rows(arr_acme=300_000)))
    assert portfolio_of(db_url).loc["A-1", "arr"] == 300_000
    assert len(copies()) == 1, "older copies of the same database are removed"


def test_a_restored_backup_that_diverges_does_not_read_the_other_copy(
    every_size: None, db_url: str, tmp_path: Path
) -> None:
    """Same database file, same revision number, different data: the token tells them apart."""
    imported(db_url, write_csv(tmp_path / "a.csv", rows()))
    backup = tmp_path / "backup.sqlite3"
    shutil.copy(db_url, backup)
    imported(db_url, write_csv(tmp_path / "b.csv", rows(arr_acme=300_000)))
    assert portfolio_of(db_url).loc["A-1", "arr"] == 300_000
    shutil.copy(backup, db_url)  # restore, then change it differently
    imported(db_url, write_csv(tmp_path / "c.csv", rows(arr_acme=50_000)))
    assert portfolio_of(db_url).loc["A-1", "arr"] == 50_000


def test_settings_changes_apply_to_a_portfolio_read_from_the_copy(
    every_size: None, db_url: str, tmp_path: Path
) -> None:
    imported(db_url, write_csv(tmp_path / "a.csv", rows()))
    portfolio_of(db_url)
    before = copies()
    ctx = AppContext.open(db_url, today=TODAY)
    try:
        set_value(ctx, "lifecycle.renewal_days", "400")
    finally:
        ctx.close()
    assert portfolio_of(db_url).loc["A-2", "lifecycle_stage"] == "Renewal"
    assert copies() == before, "a settings change leaves the stored accounts (and copy) alone"


def test_an_unreadable_copy_is_ignored_and_removed(
    every_size: None, db_url: str, tmp_path: Path
) -> None:
    imported(db_url, write_csv(tmp_path / "a.csv", rows()))
    portfolio_of(db_url)
    (copy,) = copies()
    copy.write_bytes(b"not a pickle")
    for analysed in copy.parent.glob("analysed-*.pickle"):  # else the frames are not read
        analysed.unlink()
    assert portfolio_of(db_url).loc["A-3", "name"] == "Initech"
    assert copies() and copies()[0].read_bytes() != b"not a pickle"


def test_small_portfolios_leave_no_files(db_url: str, tmp_path: Path) -> None:
    imported(db_url, write_csv(tmp_path / "a.csv", rows()))
    portfolio_of(db_url)
    assert copies() == []


def test_copies_of_databases_unused_for_a_month_are_cleared(
    every_size: None, db_url: str, tmp_path: Path
) -> None:
    folder = frame_cache.cache_dir()
    folder.mkdir(parents=True)
    gone_db = folder / "0123456789abcdef-token-code.pkl"
    gone_db.write_bytes(b"a copy of a database deleted long ago")
    recent = folder / "fedcba9876543210-token-code.pkl"
    recent.write_bytes(b"a copy of another database in use")
    month_ago = time.time() - 40 * 86_400
    os.utime(gone_db, (month_ago, month_ago))
    imported(db_url, write_csv(tmp_path / "a.csv", rows()))  # closing writes this db's copy
    assert not gone_db.exists()
    assert recent.exists()
    assert len(copies()) == 2
