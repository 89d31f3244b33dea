"""The stored accounts read beside a large import file (`service.import_prefetch`).

`prepare_any` of a large file reads the stored frames in a second thread while it reads the
file. These tests force that path on small real files (the size floor set to 0, the
machine's load set aside) and pin that it changes nothing a user sees: the prepared plan is
the one the plain path makes, the frames it leaves in the context are the ones a fresh read
gives, the whole import writes the same accounts, and on a database a second connection
cannot share (in-memory SQLite) the thread is not started. Run on SQLite and, when a server
is reachable, PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from cspm.service import import_prefetch
from cspm.service.context import AppContext
from cspm.service.imports import ImportOptions, PreparedImport, apply_prepared, prepare_any
from cspm.service.portfolio import list_accounts, stored_frames
from cspm.service.tasks import list_tasks
from cspm.storage import revision
from tests.files import HEADER, salesforce_rows, write_csv, write_xlsx
from tests.storage.test_postgres import pg_url  # noqa: F401  (fixture)

TODAY = dt.date(2026, 11, 23)
D = dt.datetime
FIRST = [
    ["ACC-001", "Acme Corp", "Dana", "$120,000.00", D(2027, 1, 10), 82, D(2024, 3, 1), "Active"],
    ["ACC-002", "Globex", "Dana", "45,000", D(2027, 6, 30), "n/a", D(2025, 9, 1), "Active"],
    ["ACC-003", "Initech", "Lee", "9,000", None, 40, D(2023, 1, 5), "Churned"],
]
NEXT = [
    ["ACC-001", "Acme Corp", "Dana", "$150,000.00", "2027-01-10", 90, "2024-03-01", "Active"],
    ["ACC-002", "Globex", "Kim", "", "2027-06-30", 55, "2025-09-01", "Active"],
    ["ACC-004", "Hooli", "Lee", "$3,000.00", "2026-12-01", "", "2026-01-01", "Active"],
    [None, None, "Fox", "9,000", None, None, None, "Active"],  # rejected: no ID, no name
]


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "store.sqlite3")
    else:
        yield request.getfixturevalue("pg_url")


def _stored_store(url: str, tmp_path: Path) -> None:
    """A store holding FIRST, imported the plain way."""
    ctx = AppContext.open(url, today=TODAY)
    try:
        path = write_xlsx(tmp_path / "first.xlsx", salesforce_rows(FIRST))
        prepared = prepare_any(ctx, path, ImportOptions())
        assert isinstance(prepared, PreparedImport)
        apply_prepared(ctx, prepared, ImportOptions(as_of=dt.date(2026, 10, 31)))
    finally:
        ctx.close()


def _prepare(url: str, path: Path, floor: int, monkeypatch: pytest.MonkeyPatch):
    """A fresh context (nothing held) preparing `path` with the size floor at `floor`."""
    monkeypatch.setattr(import_prefetch, "MIN_FILE_BYTES", floor)
    monkeypatch.setattr(import_prefetch, "free_core", lambda: True)  # whatever the load
    ctx = AppContext.open(url, today=TODAY)
    ctx.cache.clear()
    prepared = prepare_any(ctx, path, ImportOptions())
    assert isinstance(prepared, PreparedImport)
    return ctx, prepared


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_prefetched_prepare_equals_the_plain_one(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    _stored_store(url, tmp_path)
    rows = salesforce_rows(NEXT, HEADER)
    path = (write_xlsx if kind == "xlsx" else write_csv)(tmp_path / f"next.{kind}", rows)

    plain_ctx, plain = _prepare(url, path, 10**12, monkeypatch)
    try:
        assert plain_ctx.cache.stored is None  # the plain path reads nothing ahead
    finally:
        plain_ctx.close()
    ctx, fetched = _prepare(url, path, 0, monkeypatch)
    try:
        pd.testing.assert_frame_equal(fetched.plan.frame, plain.plan.frame)
        assert fetched.plan.problems == plain.plan.problems
        assert fetched.plan.rejected_rows == plain.plan.rejected_rows
        assert len(plain.plan.rejected_rows) == 1
        # the frames were read while the file was, for the data state as it is now
        held = ctx.cache.stored
        assert held is not None
        with ctx.db.session() as s:
            assert held[0] == revision.accounts_token(s)
        fresh = AppContext.open(url, today=TODAY)
        try:
            fresh.cache.clear()
            with fresh.db.session() as s:
                want = stored_frames(fresh, s)
        finally:
            fresh.close()
        pd.testing.assert_frame_equal(held[1].state, want.state)
        pd.testing.assert_frame_equal(held[1].history, want.history)
        # and the import written from them is the import a user gets
        result = apply_prepared(ctx, fetched, ImportOptions(as_of=TODAY, skip_invalid=True))
        assert (result.status, result.new, result.updated, result.rejected) == (
            "imported",
            1,
            2,
            1,
        )
        accounts = list_accounts(ctx).set_index("external_id")
        assert accounts.loc["ACC-001", "arr"] == 150_000.0
        assert accounts.loc["ACC-002", "owner"] == "Kim"
        assert "ACC-004" in accounts.index
    finally:
        ctx.close()


def test_prefetched_import_writes_what_the_plain_one_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same file into two copies of one store, with and without the thread: the accounts,
    snapshots and tasks stored after are equal."""
    _stored_store(str(tmp_path / "a.sqlite3"), tmp_path)
    shutil.copyfile(tmp_path / "a.sqlite3", tmp_path / "b.sqlite3")
    path = write_xlsx(tmp_path / "next.xlsx", salesforce_rows(NEXT))
    got = []
    for name, floor in (("a", 10**12), ("b", 0)):
        ctx, prepared = _prepare(str(tmp_path / f"{name}.sqlite3"), path, floor, monkeypatch)
        try:
            result = apply_prepared(ctx, prepared, ImportOptions(as_of=TODAY, skip_invalid=True))
            assert result.status == "imported"
            ctx.cache.clear()
            with ctx.db.session() as s:
                stored = stored_frames(ctx, s)
            got.append((list_accounts(ctx), stored.history, list_tasks(ctx)))
        finally:
            ctx.close()
    (accounts_a, history_a, tasks_a), (accounts_b, history_b, tasks_b) = got
    pd.testing.assert_frame_equal(accounts_a, accounts_b)
    pd.testing.assert_frame_equal(history_a, history_b)
    pd.testing.assert_frame_equal(tasks_a, tasks_b)


def test_no_second_connection_to_an_in_memory_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_prefetch, "MIN_FILE_BYTES", 0)
    monkeypatch.setattr(import_prefetch, "free_core", lambda: True)
    path = write_xlsx(tmp_path / "next.xlsx", salesforce_rows(NEXT))
    ctx = AppContext.open("sqlite://", today=TODAY)
    try:
        assert not import_prefetch.worth_prefetching(ctx, path, None)
        prepared = prepare_any(ctx, path, ImportOptions())
        assert isinstance(prepared, PreparedImport)
        assert ctx.cache.stored is None
    finally:
        ctx.close()


def test_related_kinds_and_small_files_read_nothing_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_prefetch, "free_core", lambda: True)
    path = write_xlsx(tmp_path / "next.xlsx", salesforce_rows(NEXT))
    ctx = AppContext.open(str(tmp_path / "store.sqlite3"), today=TODAY)
    try:
        assert not import_prefetch.worth_prefetching(ctx, path, None)  # a few KB
        assert not import_prefetch.worth_prefetching(ctx, path, "subscriptions")
    finally:
        ctx.close()
