"""Tasks read back exactly as written: dates, missing dates, notes and flags (the task list,
its filters and regeneration all work from `load_tasks`)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import select

from cspm.service.context import AppContext
from cspm.storage import tasks_repo
from cspm.storage.models.task import TaskEvent

TODAY = dt.date(2026, 11, 23)


def _new_tasks() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "account_key": ["0015g00000AbCdE", "0015g00000FgHiJ", "0015g00000KlMnO"],
            "template_id": ["renewal.plan", "risk.call", "qbr.book"],
            "trigger_kind": ["stage", "segment", "cadence"],
            "trigger": ["Renewal", "At risk", "QBR"],
            "title": ["Renewal plan", "Save call", "Book the QBR"],
            "description": ["Write the renewal plan.", "Call the sponsor.", ""],
            "due_date": pd.to_datetime(["2027-01-15", None, "2026-12-01"]),
            "base_priority": [70.0, 80.0, 40.0],
        }
    )


def test_tasks_read_back_as_written(ctx: AppContext) -> None:
    with ctx.db.session() as s:
        assert tasks_repo.insert_tasks(s, _new_tasks(), TODAY) == 3
        ids = tasks_repo.load_tasks(s).sort_values("account_key")["id"].tolist()
        tasks_repo.set_status(
            s, [ids[0]], "snoozed", today=TODAY, snoozed_until=dt.date(2026, 12, 7), detail="PTO"
        )
        tasks_repo.set_status(s, [ids[1]], "done", today=TODAY)
        tasks_repo.end_episodes(s, [ids[1]])
        s.commit()
    with ctx.db.session() as s:
        tasks = tasks_repo.load_tasks(s).set_index("account_key").sort_index()
        open_only = tasks_repo.load_tasks(s, ["open"])
    snoozed, done, still_open = (tasks.iloc[i] for i in range(3))
    assert snoozed["status"] == "snoozed" and snoozed["note"] == "PTO"
    assert snoozed["snoozed_until"] == pd.Timestamp("2026-12-07")
    assert snoozed["due_date"] == pd.Timestamp("2027-01-15")
    assert done["status"] == "done" and done["closed_on"] == pd.Timestamp(TODAY)
    assert pd.isna(done["due_date"]) and pd.isna(done["note"])  # missing stays missing
    assert not done["episode_open"] and snoozed["episode_open"] and still_open["episode_open"]
    assert pd.isna(still_open["closed_on"]) and pd.isna(still_open["snoozed_until"])
    assert still_open["created_on"] == pd.Timestamp(TODAY)
    assert still_open["base_priority"] == 40.0 and still_open["description"] == ""
    for column in tasks_repo.DATE_COLUMNS:
        assert tasks[column].dtype == "datetime64[ns]"
    assert tasks["episode_open"].dtype == bool and tasks["id"].dtype == "int64"
    assert open_only["account_key"].tolist() == ["0015g00000KlMnO"]


def test_no_tasks_is_an_empty_typed_frame(ctx: AppContext) -> None:
    with ctx.db.session() as s:
        tasks = tasks_repo.load_tasks(s)
    assert tasks.empty and list(tasks.columns) == tasks_repo.TASK_COLUMNS
    assert tasks["due_date"].dtype == "datetime64[ns]" and tasks["episode_open"].dtype == bool


def test_each_new_task_logs_one_created_event_and_reads_back_through_the_orm(
    ctx: AppContext,
) -> None:
    """Tasks and their 'created' events are written in bulk on SQLite; the stored values are
    SQLAlchemy's own formats, so the window's per-task reads (the ORM) see the same task."""
    with ctx.db.session() as s:
        tasks_repo.insert_tasks(s, _new_tasks().head(2), TODAY)
        s.commit()
    with ctx.db.session() as s:
        tasks_repo.insert_tasks(s, _new_tasks().tail(1), TODAY + dt.timedelta(days=1))
        s.commit()
    with ctx.db.session() as s:
        events = s.execute(select(TaskEvent.task_id, TaskEvent.action, TaskEvent.at)).all()
        ids = sorted(tasks_repo.load_tasks(s)["id"].tolist())
        task = tasks_repo.get_task(s, ids[-1])
        assert task is not None
        assert task.account_key == "0015g00000KlMnO" and task.status == "open"
        assert task.created_on == TODAY + dt.timedelta(days=1)
        assert task.due_date == dt.date(2026, 12, 1) and task.episode_open is True
        first = tasks_repo.get_task(s, ids[1])
        assert first is not None and first.due_date is None  # missing stays missing
    assert sorted(e.task_id for e in events) == ids  # one event per task, none twice
    assert {e.action for e in events} == {"created"}
    assert all(isinstance(e.at, dt.datetime) for e in events)
