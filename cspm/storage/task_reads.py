"""The stored tasks read for ranking and planning: only the rows and columns those read.

`cspm tasks --limit 20` and a task regeneration after an import read a fraction of what the
whole task list holds (titles, descriptions and notes, closed episodes); reading all of it
was half their time at 100,000 accounts. Split from `tasks_repo` (whole rows and writes)."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from .fetch import fetch_columns
from .tasks_repo import BATCH, DATE_COLUMNS, TASK_COLUMNS, TASKS, _dates

BY_KEYS = 5_000
"""Account keys per IN list (well under SQLite's bound-parameter limit)."""
ACCOUNTS_BY_QUERY = 30_000
"""More accounts than this: one read of every task, filtered in memory, beats 6+ IN lists."""


RANKING_COLUMNS = ["id", "account_key", "due_date", "base_priority"]
"""What ranking a task reads from its row (`core.tasks.score_tasks` without reasons)."""


def load_ranking(session: Session, statuses: Sequence[str]) -> pd.DataFrame:
    """The tasks of `statuses`, ranking columns only, in `load_tasks`' order (by id).

    `cspm tasks --limit 20` ranks all 170,000 open tasks of a 100,000-account portfolio to
    show 20: their titles, descriptions, notes and four date columns were read and typed for
    nothing (half of `load_tasks`). Typed while fetched (`fetch_columns`)."""
    stmt = (
        select(*(TASKS.c[c] for c in RANKING_COLUMNS))
        .where(TASKS.c.status.in_(list(statuses)))
        .order_by(TASKS.c.id)
    )
    cols = fetch_columns(session, stmt, floats=["base_priority"], dates=["due_date"])
    frame = pd.DataFrame(cols)
    frame["id"] = frame["id"].astype("int64")
    frame["base_priority"] = frame["base_priority"].astype(float)
    return _dates(frame, ["due_date"])


def load_tasks_by_id(session: Session, ids: Sequence[int]) -> pd.DataFrame:
    """Whole rows (`load_tasks`' columns and types) of the tasks `ids`, in the order given.

    An owner's 25,000 tasks of 170,000: the statement text is written here, once per batch
    size, and run by the driver (SQLAlchemy's compile of an expanding IN per batch of 500 cost
    more than the rows)."""
    conn = session.connection()
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    batch = _id_batch(conn)
    head = f"SELECT {', '.join(TASK_COLUMNS)} FROM {TASKS.name} WHERE id IN "
    rows: list[Any] = []
    for start in range(0, len(ids), batch):
        chunk = tuple(int(i) for i in ids[start : start + batch])
        result = conn.exec_driver_sql(head + "(" + ", ".join([mark] * len(chunk)) + ")", chunk)
        rows.extend(result.cursor.fetchall() if result.cursor is not None else [])
        result.close()
    frame = pd.DataFrame.from_records(rows, columns=TASK_COLUMNS, coerce_float=False)
    frame = _dates(frame, DATE_COLUMNS)
    frame["id"] = frame["id"].astype("int64")
    frame["base_priority"] = frame["base_priority"].astype(float)
    frame["episode_open"] = frame["episode_open"].astype(bool)
    order = pd.Index(frame["id"]).get_indexer(pd.Index(ids, dtype="int64"))
    return frame.iloc[order].reset_index(drop=True)


def _id_batch(conn: Any) -> int:
    """Ids per statement: PostgreSQL takes 65,535 parameters; SQLite its compiled-in limit
    (32,766 since 3.32, 999 before), asked of the connection where Python can."""
    if conn.dialect.name != "sqlite":
        return 10_000
    raw = conn.connection.dbapi_connection
    try:
        return min(10_000, int(raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)))
    except AttributeError:  # Python before 3.11
        return BATCH


PLAN_COLUMNS = ["id", "account_key", "template_id", "status", "due_date", "closed_on"]
"""What task planning reads of a stored task (`core.tasks.plan_tasks`), with episode_open."""


def load_plan_inputs(session: Session, *, accounts: Collection[str] | None = None) -> pd.DataFrame:
    """The stored tasks planning can act on or learn from, its columns only: those in an open
    episode, and the done or dismissed ones (a cadence's next round counts from them).

    A task whose episode ended and that was resolved or left open plays no part in a plan, and
    titles, descriptions and notes none at all: every regeneration after an import read all
    of them (230,000 rows at 100,000 accounts, a quarter of them resolved).

    `accounts`: only these accounts' tasks (an incremental regeneration, `service.task_scope`)."""
    stmt = (
        select(*(TASKS.c[c] for c in PLAN_COLUMNS), TASKS.c.episode_open)
        .where(TASKS.c.episode_open.is_(True) | TASKS.c.status.in_(["done", "dismissed"]))
        .order_by(TASKS.c.id)
    )
    dates = ["due_date", "closed_on"]
    if accounts is not None and len(accounts) <= ACCOUNTS_BY_QUERY:
        keys = sorted(accounts)
        chunks = [keys[i : i + BY_KEYS] for i in range(0, len(keys), BY_KEYS)] or [[]]
        parts = [
            pd.DataFrame(
                fetch_columns(session, stmt.where(TASKS.c.account_key.in_(c)), dates=dates)
            )
            for c in chunks
        ]
        frame = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
        frame = frame.sort_values("id", ignore_index=True)
    else:
        frame = pd.DataFrame(fetch_columns(session, stmt, dates=dates))
        if accounts is not None:  # most accounts: one read, filtered here
            frame = frame[frame["account_key"].isin(list(accounts))].reset_index(drop=True)
    frame = _dates(frame, dates)
    frame["id"] = frame["id"].astype("int64")
    frame["episode_open"] = frame["episode_open"].astype(bool)
    return frame
