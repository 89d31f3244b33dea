"""One import analyses the portfolio at most once inside its transaction and once after it (task
regeneration reuses that one), reads the team settings once, and reads no whole accounts or
snapshot table when the context already holds the frames; the frames it forms instead equal a
fresh read.

The counters wrap the real functions and call through (nothing is replaced): a count that goes
up means the real work ran again."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import cspm.core.analysis
from cspm.service.context import AppContext
from cspm.service.frame_cache import StoredFrames
from cspm.service.imports import ImportOptions, import_file
from cspm.service.portfolio import load_portfolio, stored_frames
from cspm.service.tasks import list_tasks
from cspm.storage import accounts_repo, imports_repo, revision, settings_repo
from tests.conftest import TODAY
from tests.files import write_csv

HEADER = [
    "Account ID",
    "Account Name",
    "Owner",
    "ARR",
    "Health Score",
    "Status",
    "Contract Start Date",
    "Renewal Date",
    "Last QBR",
    "Reference",
]


def _rows(arr_bump: float = 0.0, extra: int = 0) -> list[list[str]]:
    rows = []
    for i in range(12 + extra):
        churned = i == 3
        rows.append(
            [
                f"A{i:03d}",
                f"Account {i}",
                ["Dana", "Fox", ""][i % 3],
                "0" if churned else str(20_000 * (i + 1) + arr_bump * i),
                "" if i % 5 == 0 else str(30 + 5 * i),
                "Churned" if churned else "Active",
                "2024-01-15",
                "2026-12-20" if i % 2 else "2027-06-30",
                "" if i % 4 == 0 else "2026-02-01",
                ["yes", "no", ""][i % 3],
            ]
        )
    return rows


class Counter:
    """Counts calls of a real function wrapped in place, calling through."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def wrap(self, label: str, real: Callable[..., Any], when: Callable[..., bool] | None = None):
        def counting(*args: Any, **kwargs: Any) -> Any:
            if when is None or when(*args, **kwargs):
                self.calls.append(label)
            return real(*args, **kwargs)

        return counting

    def count(self, label: str, until: str | None = None) -> int:
        calls = self.calls if until is None else self.calls[: self.calls.index(until)]
        return calls.count(label)


@pytest.fixture
def counter(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter]:
    c = Counter()
    real_analyse = cspm.core.analysis.analyse
    wrapped = c.wrap("analyse", real_analyse)
    # Every module that imported `analyse` by name gets the wrapper, so no run escapes.
    for module in list(sys.modules.values()):
        name = getattr(module, "__name__", "")
        if name.startswith("cspm.") and getattr(module, "analyse", None) is real_analyse:
            monkeypatch.setattr(module, "analyse", wrapped)
    for mod, fn in (
        (accounts_repo, "load_accounts"),
        (accounts_repo, "load_history"),
        (settings_repo, "load_settings"),
        (imports_repo, "identical_import"),  # the first statement of the import's transaction
    ):
        monkeypatch.setattr(mod, fn, c.wrap(fn, getattr(mod, fn)))
    monkeypatch.setattr(
        accounts_repo,
        "load_snapshots",
        c.wrap("load_snapshots", accounts_repo.load_snapshots, lambda s, ids=None: ids is None),
    )
    monkeypatch.setattr(revision, "bump", c.wrap("bump", revision.bump))  # the transaction's end
    yield c


def _import(ctx: AppContext, tmp_path: Path, name: str, rows: list[list[str]]) -> Any:
    path = write_csv(tmp_path / name, [HEADER, *rows])
    result = import_file(ctx, path, ImportOptions(as_of=TODAY))
    assert result.status == "imported", result.to_dict()["problems"][:3]
    return result


def test_one_import_analyses_once_inside_and_once_after(
    ctx: AppContext, tmp_path: Path, counter: Counter
) -> None:
    _import(ctx, tmp_path, "monday.csv", _rows())
    load_portfolio(ctx)  # the window has the portfolio (and so the stored frames) loaded
    list_tasks(ctx)
    counter.calls.clear()

    result = _import(ctx, tmp_path, "tuesday.csv", _rows(arr_bump=900_000.0, extra=2))
    assert result.new == 2 and result.updated > 0
    assert any(m.what == "tier" for m in result.moves)  # the moves were worked out

    assert counter.count("identical_import") == 1
    assert counter.count("bump") == 1
    inside = counter.calls[counter.calls.index("identical_import") : counter.calls.index("bump")]
    assert inside.count("analyse") <= 1
    assert counter.count("analyse") <= 2  # one inside, one after; tasks reuse the one after
    assert counter.count("load_settings") == 1
    assert counter.count("load_accounts") == 0
    assert counter.count("load_history") == 0
    assert counter.count("load_snapshots") == 0

    # The tasks were regenerated from that analysis: listing them now analyses nothing more.
    before = counter.count("analyse")
    tasks = list_tasks(ctx)
    assert counter.count("analyse") == before
    assert len(tasks) > 0


def _fresh(ctx: AppContext) -> StoredFrames:
    """The stored frames read from the database, ignoring what the context holds."""
    ctx.cache.stored = None
    with ctx.db.session() as s:
        return stored_frames(ctx, s)


def _same(formed: StoredFrames, read: StoredFrames) -> None:
    pd.testing.assert_frame_equal(formed.state, read.state)
    pd.testing.assert_frame_equal(formed.custom, read.custom)
    assert formed.custom_types == read.custom_types
    pd.testing.assert_frame_equal(formed.history, read.history)


@pytest.mark.parametrize("extra", [0, 3])
def test_the_frames_an_import_forms_equal_a_fresh_read(
    ctx: AppContext, tmp_path: Path, extra: int
) -> None:
    _import(ctx, tmp_path, "first.csv", _rows())  # into an empty database: all new
    _same(ctx.cache.stored[1], _fresh(ctx))
    load_portfolio(ctx)
    _import(ctx, tmp_path, "second.csv", _rows(arr_bump=1234.5, extra=extra))
    with ctx.db.session() as s:
        token = revision.accounts_token(s)
    held_token, formed = ctx.cache.stored
    assert held_token == token  # formed by the import, for the data it committed
    formed_portfolio = load_portfolio(ctx).frame
    _same(formed, _fresh(ctx))
    ctx.cache.portfolio = None
    pd.testing.assert_frame_equal(formed_portfolio, load_portfolio(ctx).frame)


def test_a_fresh_context_still_reports_the_moves(tmp_path: Path) -> None:
    """No portfolio held (a command): the changed accounts are classified, same moves."""
    url = str(tmp_path / "cold.sqlite3")
    warm = AppContext.open(url, today=TODAY)
    _import(warm, tmp_path, "a.csv", _rows())
    warm.close()
    cold = AppContext.open(url, today=TODAY)
    moves = _import(cold, tmp_path, "b.csv", _rows(arr_bump=900_000.0)).moves
    cold.close()
    url2 = str(tmp_path / "warm.sqlite3")
    warm = AppContext.open(url2, today=TODAY)
    _import(warm, tmp_path, "a.csv", _rows())
    load_portfolio(warm)
    again = _import(warm, tmp_path, "b.csv", _rows(arr_bump=900_000.0)).moves
    warm.close()
    assert moves == again and any(m.what == "tier" for m in moves)
