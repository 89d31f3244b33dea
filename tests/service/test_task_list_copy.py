"""The head of the task list kept on disk (`service/task_list_copy.py`): `list_tasks(limit=N)`
served from it is exactly the head of the full ranking, and anything that moves the ranking (a
completed task, a changed weight, an import, another day) is never answered from an older copy.

Real SQLite demo database, real files in the test's cache folder; copies made at the demo's
size (`frame_cache.MIN_ACCOUNTS` lowered)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from cspm.service import frame_cache, task_list_copy
from cspm.service.context import AppContext
from cspm.service.settings import set_value
from cspm.service.tasks import complete_task, list_tasks
from tests.conftest import TODAY
from tests.demo_portfolio import demo_db_file  # noqa: F401  (fixture)


@pytest.fixture
def ctx(
    demo_db_file: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[AppContext]:
    monkeypatch.setattr(frame_cache, "MIN_ACCOUNTS", 1)  # copies at the demo's size
    monkeypatch.setenv("CSPM_CACHE_DIR", str(tmp_path / "cache"))
    copy = tmp_path / "demo.sqlite3"
    copy.write_bytes(demo_db_file.read_bytes())
    c = AppContext.open(str(copy), today=TODAY)
    yield c
    c.close()


def _heads(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache").glob(f"*{task_list_copy.SUFFIX}"))


def _fresh(ctx: AppContext, today: dt.date = TODAY) -> AppContext:
    """Another process on the same database: nothing held in memory, the disk copies only."""
    return AppContext.open(ctx.db.url.removeprefix("sqlite:///"), today=today)


def _same(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got, expected.reset_index(drop=True), check_dtype=False)


def test_a_later_list_is_served_from_the_copy_and_equals_the_full_ranking(
    ctx: AppContext, tmp_path: Path
) -> None:
    first = list_tasks(ctx, limit=20)
    assert len(_heads(tmp_path)) == 1
    later = _fresh(ctx)
    try:
        for n in (1, 20, task_list_copy.HEAD):
            _same(list_tasks(later, limit=n), list_tasks(later).head(n))
        _same(list_tasks(later, limit=20), first)
        # more than the copy holds: ranked again, still the head of the whole list
        n = task_list_copy.HEAD + 7
        _same(list_tasks(later, limit=n), list_tasks(later).head(n))
    finally:
        later.close()


def test_a_completed_task_leaves_the_list_at_once(ctx: AppContext, tmp_path: Path) -> None:
    top = list_tasks(ctx, limit=5)
    complete_task(ctx, int(top["id"].iloc[0]), "called them")
    later = _fresh(ctx)
    try:
        after = list_tasks(later, limit=5)
        assert int(top["id"].iloc[0]) not in after["id"].tolist()
        _same(after, list_tasks(later).head(5))
    finally:
        later.close()
    assert len(_heads(tmp_path)) == 1  # the older state's copy was replaced, not kept


def test_a_changed_weight_reranks_instead_of_showing_the_old_head(ctx: AppContext) -> None:
    before = list_tasks(ctx, limit=10)
    set_value(ctx, "tasks.weights.value", "0")
    set_value(ctx, "tasks.weights.risk", "0")
    set_value(ctx, "tasks.weights.urgency", "0")
    later = _fresh(ctx)
    try:
        after = list_tasks(later, limit=10)
        _same(after, list_tasks(later).head(10))
        assert after["priority"].tolist() != before["priority"].tolist()
    finally:
        later.close()


def test_another_day_ranks_again(ctx: AppContext) -> None:
    list_tasks(ctx, limit=10)
    tomorrow = TODAY + dt.timedelta(days=40)
    later = _fresh(ctx, tomorrow)
    try:
        after = list_tasks(later, limit=10)
        _same(after, list_tasks(later).head(10))
        assert after["reasons"].tolist() != list_tasks(ctx, limit=10)["reasons"].tolist()
    finally:
        later.close()


def test_an_unreadable_copy_is_ignored_and_replaced(ctx: AppContext, tmp_path: Path) -> None:
    expected = list_tasks(ctx, limit=8)
    (path,) = _heads(tmp_path)
    path.write_bytes(b"not a pickle")
    later = _fresh(ctx)
    try:
        _same(list_tasks(later, limit=8), expected)
    finally:
        later.close()
    assert path.exists() and path.read_bytes() != b"not a pickle"
