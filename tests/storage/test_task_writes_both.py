"""New tasks, their 'created' events and status changes in bulk, on SQLite AND PostgreSQL: each
database takes its own fast path (the driver's executemany; one unnest statement per batch),
and both keep `uq_tasks_open_episode`: a task already open for its (account, template) is not
inserted again and logs no event."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import select

from cspm.service.context import AppContext
from cspm.storage import tasks_repo
from cspm.storage.models.task import TaskEvent
from tests.storage.test_tasks_repo import TODAY, _new_tasks


def _events(s) -> list[tuple[int, str, str | None, str | None]]:
    q = select(TaskEvent.task_id, TaskEvent.action, TaskEvent.detail, TaskEvent.user)
    return sorted(tuple(r) for r in s.execute(q).all())


def test_a_second_insert_keeps_the_open_task_and_logs_nothing(store: AppContext) -> None:
    with store.db.session() as s:
        assert tasks_repo.insert_tasks(s, _new_tasks().head(2), TODAY) == 2
        s.commit()
    with store.db.session() as s:  # the first two again (a concurrent run's) and one new
        assert tasks_repo.insert_tasks(s, _new_tasks(), TODAY) == 1
        s.commit()
    with store.db.session() as s:
        tasks = tasks_repo.load_tasks(s).sort_values("account_key")
        events = _events(s)
    assert tasks["account_key"].tolist() == [
        "0015g00000AbCdE",
        "0015g00000FgHiJ",
        "0015g00000KlMnO",
    ]
    assert tasks["due_date"].tolist()[0] == pd.Timestamp("2027-01-15")
    assert pd.isna(tasks["due_date"].tolist()[1])
    assert tasks["base_priority"].tolist() == [70.0, 80.0, 40.0]
    assert tasks["description"].tolist()[2] == ""
    assert (tasks["status"] == "open").all() and tasks["episode_open"].all()
    assert events == [(i, "created", None, None) for i in sorted(tasks["id"])]


def test_many_status_changes_log_one_event_each(store: AppContext) -> None:
    many = pd.concat([_new_tasks()] * 400, ignore_index=True)
    many["account_key"] = [f"A{i:05d}" for i in range(len(many))]
    with store.db.session() as s:
        assert tasks_repo.insert_tasks(s, many, TODAY) == 1200
        ids = sorted(tasks_repo.load_tasks(s)["id"].tolist())
        tasks_repo.set_status(s, ids[:1100], "resolved", today=TODAY, detail="by data")
        tasks_repo.set_status(
            s, ids[1100:], "snoozed", today=TODAY, snoozed_until=dt.date(2026, 12, 7), user="ann"
        )
        s.commit()
    with store.db.session() as s:
        tasks = tasks_repo.load_tasks(s).set_index("id").sort_index()
        events = _events(s)
    assert (tasks["status"].iloc[:1100] == "resolved").all()
    assert (tasks["closed_on"].iloc[:1100] == pd.Timestamp(TODAY)).all()
    assert (tasks["snoozed_until"].iloc[1100:] == pd.Timestamp("2026-12-07")).all()
    expected = sorted(
        [(i, "created", None, None) for i in ids]
        + [(i, "resolved", "by data", None) for i in ids[:1100]]
        + [(i, "snoozed", None, "ann") for i in ids[1100:]]
    )
    assert events == expected
