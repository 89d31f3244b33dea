"""The frames an import forms after it equal a fresh read of the database when the file carries
custom fields (their types are inferred over every account) and when it adds accounts beside
stored custom fields; on SQLite and on PostgreSQL. Also the portfolio analysed from them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from cspm.service.context import AppContext
from cspm.service.frame_cache import StoredFrames
from cspm.service.imports import ImportOptions, import_file
from cspm.service.portfolio import load_portfolio, stored_frames
from cspm.storage import accounts_repo, revision
from tests.conftest import TODAY
from tests.files import write_csv
from tests.storage.test_postgres import pg_url  # noqa: F401  (the fixture)

BASE = ["Account ID", "Account Name", "Owner", "ARR", "Status", "Renewal Date"]
CUSTOM = ["Support Plan", "Go Live", "Seat Score", "Region Code"]


def _rows(n: int, bump: int, custom: bool, start: int = 0) -> list[list[str]]:
    rows = []
    for i in range(start, start + n):
        row = [
            f"A{i:03d}",
            f"Account {i}",
            ["Dana", "Fox", ""][i % 3],
            str(10_000 * (i + 1) + (bump * i if i % 2 else 0)),
            "Churned" if i == 3 else "Active",
            "2027-01-15" if (i + bump) % 2 else "2026-12-20",
        ]
        if custom:
            row += [
                ["Standard", "Premium", ""][(i + bump) % 3],
                "" if i % 4 == 0 else f"2026-0{1 + (i + bump) % 9}-1{i % 10}",
                "" if i % 5 == 0 else str(i * 1.5 + bump),
                # numbers in early files, text later: the type is inferred over every account
                str(100 + i) if bump < 2 else f"R-{i}",
            ]
        rows.append(row)
    return rows


READS: list[int] = []


@pytest.fixture(autouse=True)
def _count_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Counts whole-accounts reads (calling through to the real one)."""
    real = accounts_repo.load_accounts
    READS.clear()

    def counting(s):  # type: ignore[no-untyped-def]
        READS.append(1)
        return real(s)

    monkeypatch.setattr(accounts_repo, "load_accounts", counting)


def _import(ctx: AppContext, folder: Path, name: str, rows: list[list[str]], custom: bool):
    header = [*BASE, *CUSTOM] if custom else BASE
    path = write_csv(folder / name, [header, *rows])
    READS.clear()
    result = import_file(ctx, path, ImportOptions(as_of=TODAY))
    assert not READS  # the frames after it were formed, not read back
    assert result.status == "imported", result.to_dict()["problems"][:3]
    return result


def _fresh(ctx: AppContext) -> StoredFrames:
    ctx.cache.stored = None
    with ctx.db.session() as s:
        return stored_frames(ctx, s)


def _same_as_read(ctx: AppContext) -> None:
    with ctx.db.session() as s:
        token = revision.accounts_token(s)
    held_token, formed = ctx.cache.stored
    assert held_token == token  # formed by the import, not read back
    formed_portfolio = load_portfolio(ctx).frame
    read = _fresh(ctx)
    pd.testing.assert_frame_equal(formed.state, read.state)
    pd.testing.assert_frame_equal(formed.custom, read.custom)
    assert formed.custom_types == read.custom_types
    pd.testing.assert_frame_equal(formed.history, read.history)
    ctx.cache.portfolio = None
    pd.testing.assert_frame_equal(formed_portfolio, load_portfolio(ctx).frame)


def _steps(ctx: AppContext, folder: Path) -> None:
    path = write_csv(folder / "1.csv", [[*BASE, *CUSTOM], *_rows(12, 0, True)])
    assert import_file(ctx, path, ImportOptions(as_of=TODAY)).status == "imported"
    load_portfolio(ctx)
    # custom values change, two accounts new, one custom column changes type
    result = _import(ctx, folder, "2.csv", _rows(14, 2, True), True)
    assert result.new == 2 and result.updated > 0
    _same_as_read(ctx)
    # no custom columns in the file, three new accounts beside the stored custom fields
    result = _import(ctx, folder, "3.csv", _rows(17, 3, False), False)
    assert result.new == 3
    _same_as_read(ctx)
    # custom again, only some accounts in the file, nothing new
    result = _import(ctx, folder, "4.csv", _rows(8, 5, True, start=4), True)
    assert result.new == 0
    _same_as_read(ctx)


def test_custom_fields_frames_equal_a_read_on_sqlite(ctx: AppContext, tmp_path: Path) -> None:
    _steps(ctx, tmp_path)


@pytest.fixture
def pg_ctx(pg_url: str) -> Iterator[AppContext]:  # noqa: F811
    context = AppContext.open(pg_url, today=TODAY)
    yield context
    context.close()


def test_custom_fields_frames_equal_a_read_on_postgres(pg_ctx: AppContext, tmp_path: Path) -> None:
    _steps(pg_ctx, tmp_path)
