"""The first N ranked tasks are the first N of the whole ranking, reasons included.

`list_tasks(limit=N)` ranks every task but writes reasons for the N it returns only; what it
returns must be exactly the head of the full list (same order, priorities and reasons).
"""

from __future__ import annotations

import pandas as pd

from cspm.service.context import AppContext
from cspm.service.tasks import list_tasks
from tests.demo_portfolio import demo, demo_db_file  # noqa: F401  (fixtures)
from tests.storage.test_postgres import pg_url  # noqa: F401  (fixture)


def test_limited_list_is_the_head_of_the_full_ranking(demo: AppContext) -> None:  # noqa: F811
    full = list_tasks(demo)
    assert len(full) > 40 and full["reasons"].map(len).gt(0).all()
    for n in (1, 20, len(full) - 1):
        top = list_tasks(demo, limit=n)
        expected = full.head(n).reset_index(drop=True)
        pd.testing.assert_frame_equal(top, expected, check_dtype=False)  # values, not str vs object
    owner = full["owner"].dropna().iloc[0]
    mine = list_tasks(demo, owner=owner)
    expected = full[full["owner"] == owner].reset_index(drop=True)
    assert 0 < len(mine) * 4 <= len(full)  # a small share: its rows are read by id
    pd.testing.assert_frame_equal(mine, expected, check_dtype=False)
    pd.testing.assert_frame_equal(
        list_tasks(demo, owner=owner, limit=5), mine.head(5), check_dtype=False
    )


def test_an_accounts_tasks_are_its_rows_of_the_whole_ranking(demo: AppContext) -> None:  # noqa: F811
    """The account page and the QBR pack rank one account's tasks (or a pack's) only; they
    are the same tasks, in the same order, as that account's rows of the full list."""
    from cspm.service.accounts import account_detail

    full = list_tasks(demo)
    busiest = full["account_key"].value_counts().index[:3].tolist()
    mine = list_tasks(demo, accounts=busiest)
    expected = full[full["account_key"].isin(busiest)].reset_index(drop=True)
    pd.testing.assert_frame_equal(mine, expected, check_dtype=False)
    detail = account_detail(demo, busiest[0])
    ids = [t.id for t in detail.tasks]
    assert ids == expected.loc[expected["account_key"] == busiest[0], "id"].tolist()
    assert len(ids) >= 2


def test_every_filter_with_a_limit_is_the_head_of_that_filtered_list(
    demo: AppContext,  # noqa: F811
) -> None:
    """With a limit the list ranks on the ranking columns alone and reads whole rows for the
    head only; under every filter (and with ties on priority and due date, which the
    demo's four tasks per account have) it is the head of the same filtered full list."""
    from sqlalchemy import update

    from cspm.service.segments import list_segments
    from cspm.storage.tasks_repo import TASKS

    busiest = list_tasks(demo)["account_key"].value_counts().index[:2].tolist()
    with demo.db.session() as s:  # full ties: same account, due date and base priority
        s.execute(
            update(TASKS)
            .where(TASKS.c.account_key.in_(busiest))
            .values(due_date=demo.today, base_priority=50)
        )
    full = list_tasks(demo)
    tied = full.duplicated(["priority", "due_date", "account_key"], keep=False)
    assert tied.sum() >= 4  # ties exist, so their order (by id) is checked too
    segment = next(s.name for s in list_segments(demo) if not s.error and s.count)
    tier = full["tier"].dropna().iloc[0]
    for kw in (
        {"segment": segment},
        {"tier": tier},
        {"due_within": 7},
        {"due_within": -1},
        {"include_snoozed": True},
        {"tier": tier, "due_within": 30},
    ):
        whole = list_tasks(demo, **kw)
        assert len(whole) > 3, kw
        for n in (1, 3, len(whole) + 5):
            pd.testing.assert_frame_equal(
                list_tasks(demo, limit=n, **kw),
                whole.head(n).reset_index(drop=True),
                check_dtype=False,
                obj=str((kw, n)),
            )


def test_a_limited_list_on_postgres_is_the_head_of_the_full_ranking(pg_url: str) -> None:  # noqa: F811
    """The ranking read types PostgreSQL's date objects and numerics as SQLite's text."""
    from cspm.service.demo import load_demo
    from tests.conftest import TODAY

    load_demo(pg_url, accounts=120, today=TODAY)
    ctx = AppContext.open(pg_url, today=TODAY)
    try:
        full = list_tasks(ctx)
        assert len(full) > 20
        for n in (1, 20, len(full) + 1):
            pd.testing.assert_frame_equal(
                list_tasks(ctx, limit=n), full.head(n).reset_index(drop=True), check_dtype=False
            )
        # An owner's tasks, a small share, are read by id (the driver's own IN statements).
        owner = full["owner"].value_counts().index[-1]
        mine = full[full["owner"] == owner].reset_index(drop=True)
        assert 0 < len(mine) * 4 <= len(full)
        pd.testing.assert_frame_equal(list_tasks(ctx, owner=owner), mine, check_dtype=False)
        tier = full["tier"].dropna().iloc[0]
        pd.testing.assert_frame_equal(
            list_tasks(ctx, tier=tier, due_within=30, limit=4),
            list_tasks(ctx, tier=tier, due_within=30).head(4),
            check_dtype=False,
        )
    finally:
        ctx.close()
