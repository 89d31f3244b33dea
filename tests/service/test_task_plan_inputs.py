"""Regeneration plans from the stored tasks it can act on or learn from (open episodes, done
and dismissed tasks) and the columns planning reads: the plan is the one the whole task table
gives, after completions, dismissals, touchpoints and days passing (cadences falling due)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from cspm.core.tasks import plan_tasks
from cspm.service.context import AppContext
from cspm.service.portfolio import load_portfolio
from cspm.service.tasks import complete_task, dismiss_task, list_tasks, task_settings
from cspm.storage import task_reads, tasks_repo
from tests.demo_portfolio import demo, demo_db_file  # noqa: F401  (fixtures)


def _plans_agree(ctx: AppContext, today: dt.date) -> int:
    p = load_portfolio(ctx)
    settings = task_settings(ctx)
    with ctx.db.session() as s:
        every = tasks_repo.load_tasks(s)
        inputs = task_reads.load_plan_inputs(s)
        touches = tasks_repo.load_touchpoints(s)[["account_key", "kind", "date"]]
    assert len(inputs) < len(every)  # some tasks are left out, so leaving them out is tested
    whole = plan_tasks(p.for_tasks, p.membership, every, touches, today, settings)
    read = plan_tasks(p.for_tasks, p.membership, inputs, touches, today, settings)
    pd.testing.assert_frame_equal(read.create, whole.create)
    assert (read.resolve, read.end_episode, read.complete) == (
        whole.resolve,
        whole.end_episode,
        whole.complete,
    )
    return len(whole.create) + len(whole.resolve) + len(whole.end_episode) + len(whole.complete)


def test_the_plan_from_the_planning_rows_is_the_plan_from_every_task(
    demo: AppContext,  # noqa: F811
) -> None:
    tasks = list_tasks(demo)
    cadence = tasks[tasks["trigger_kind"] == "cadence"]
    assert len(cadence) >= 5
    for task_id in cadence["id"].head(5):
        complete_task(demo, int(task_id), "called")
    for task_id in tasks.loc[~tasks["id"].isin(cadence["id"]), "id"].head(5):
        dismiss_task(demo, int(task_id), "not for this customer")
    with demo.db.session() as s:  # resolved tasks exist (closed by data, episode ended)
        assert "resolved" in set(tasks_repo.load_tasks(s)["status"])
    assert _plans_agree(demo, demo.today) == 0  # regeneration already ran: nothing to do
    moved = sum(_plans_agree(demo, demo.today + dt.timedelta(days=d)) for d in (30, 95, 400))
    assert moved > 0  # later days do plan work (cadences due, steps within the horizon)
