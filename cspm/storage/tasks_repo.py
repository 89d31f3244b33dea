"""Tasks, their action log and touchpoints, read and written as frames (Core for bulk)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

import pandas as pd
from sqlalchemy import CursorResult, DateTime, String, Table, func, literal, select, update
from sqlalchemy.orm import Session

from .bulk import bulk_insert
from .fetch import fetch_frame
from .frames import frame_to_rows
from .models import Task, TaskEvent, Touchpoint
from .models.task import OPEN_EPISODE
from .upsert import dialect_insert

TASKS = cast(Table, Task.__table__)
EVENTS = cast(Table, TaskEvent.__table__)
TOUCHPOINTS = cast(Table, Touchpoint.__table__)
TASK_COLUMNS = [
    "id",
    "account_key",
    "template_id",
    "trigger_kind",
    "trigger",
    "title",
    "description",
    "due_date",
    "base_priority",
    "status",
    "created_on",
    "closed_on",
    "snoozed_until",
    "episode_open",
    "note",
]
DATE_COLUMNS = ("due_date", "created_on", "closed_on", "snoozed_until")


def _dates(frame: pd.DataFrame, cols: Sequence[str]) -> pd.DataFrame:
    for c in cols:
        frame[c] = pd.to_datetime(frame[c]).astype("datetime64[ns]")
    return frame


def load_tasks(session: Session, statuses: Sequence[str] | None = None) -> pd.DataFrame:
    """Tasks as a frame. Through the driver's own rows (`fetch_frame`): every import and task
    look reads all of them (4 per account: 400,000 at 100,000 accounts), and SQLAlchemy Row
    objects plus per-value date processing cost seconds where the driver's tuples cost a
    fraction; dates arrive as ISO text (SQLite) or dates and are typed column-wise here."""
    stmt = select(*(TASKS.c[c] for c in TASK_COLUMNS))
    if statuses:
        stmt = stmt.where(TASKS.c.status.in_(list(statuses)))
    frame = fetch_frame(session, stmt)
    frame = _dates(frame, DATE_COLUMNS)
    frame["id"] = frame["id"].astype("int64")
    frame["base_priority"] = frame["base_priority"].astype(float)
    frame["episode_open"] = frame["episode_open"].astype(bool)
    return frame


def insert_tasks(session: Session, frame: pd.DataFrame, today: dt.date) -> int:
    """Insert new open tasks (account_key, template_id, trigger_kind, trigger, title,
    description, due_date, base_priority); logs a 'created' event for each.

    A task whose (account, template) already has one in an open episode is not inserted: the
    database forbids a second (`uq_tasks_open_episode`), and the row already there, written
    by a regeneration that ran at the same time, stands. Returns how many were inserted."""
    if frame.empty:
        return 0
    cols = [
        "account_key",
        "template_id",
        "trigger_kind",
        "trigger",
        "title",
        "description",
        "due_date",
        "base_priority",
    ]
    constants = {"status": "open", "created_on": today, "episode_open": True}
    now = dt.datetime.now()
    keep_existing = dialect_insert(session, TASKS).on_conflict_do_nothing(
        index_elements=["account_key", "template_id"], index_where=OPEN_EPISODE
    )
    if session.connection().dialect.name == "sqlite":
        # A first import creates ~4 tasks per account: 400,000 rows through SQLAlchemy's
        # per-row INSERT ... RETURNING cost ~10 s. Instead the driver inserts the frame
        # (`bulk_insert`) and one INSERT ... SELECT logs the events of the ids above the
        # highest id before: this transaction is SQLite's only writer from its first write on,
        # and a writer that committed since our read makes our write fail, never interleave.
        before = session.execute(select(func.max(TASKS.c.id))).scalar() or 0
        bulk_insert(session, TASKS, frame, cols, constants, statement=keep_existing)
        created = select(TASKS.c.id, literal("created", String), literal(now, DateTime)).where(
            TASKS.c.id > before
        )
        logged = session.execute(EVENTS.insert().from_select(["task_id", "action", "at"], created))
        return int(cast(CursorResult[Any], logged).rowcount)
    rows = frame_to_rows(frame, cols)
    for r in rows:
        r.update(constants)
    new_ids = session.scalars(keep_existing.returning(TASKS.c.id), rows).all()
    if new_ids:
        session.execute(
            EVENTS.insert(), [{"task_id": i, "action": "created", "at": now} for i in new_ids]
        )
    return len(new_ids)


def set_status(
    session: Session,
    ids: Sequence[int],
    status: str,
    *,
    today: dt.date,
    detail: str | None = None,
    snoozed_until: dt.date | None = None,
    close: bool = True,
) -> None:
    """Change status of tasks and log the action once per task."""
    ids = [int(i) for i in ids]
    if not ids:
        return
    values: dict[str, Any] = {"status": status, "snoozed_until": snoozed_until}
    if close:
        values["closed_on"] = today
    if detail is not None:
        values["note"] = detail
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        session.execute(update(TASKS).where(TASKS.c.id.in_(part)).values(**values))
    now = dt.datetime.now()
    session.execute(
        EVENTS.insert(),
        [{"task_id": i, "action": status, "at": now, "detail": detail} for i in ids],
    )


def end_episodes(session: Session, ids: Sequence[int]) -> None:
    ids = [int(i) for i in ids]
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        session.execute(update(TASKS).where(TASKS.c.id.in_(part)).values(episode_open=False))


def get_task(session: Session, task_id: int) -> Task | None:
    return session.get(Task, task_id)


def task_events(session: Session, task_id: int) -> list[tuple[str, dt.datetime, str | None]]:
    q = select(EVENTS.c.action, EVENTS.c.at, EVENTS.c.detail).where(EVENTS.c.task_id == task_id)
    return [tuple(r) for r in session.execute(q.order_by(EVENTS.c.id)).all()]  # type: ignore[misc]


def add_touchpoint(
    session: Session,
    key: str,
    kind: str,
    date: dt.date,
    note: str | None,
    task_id: int | None = None,
) -> int:
    tp = Touchpoint(
        account_key=key,
        kind=kind,
        date=date,
        note=note,
        created_at=dt.datetime.now(),
        task_id=task_id,
    )
    session.add(tp)
    session.flush()
    return tp.id


def load_touchpoints(session: Session, key: str | None = None) -> pd.DataFrame:
    cols = ["id", "account_key", "kind", "date", "note", "task_id"]
    stmt = select(*(TOUCHPOINTS.c[c] for c in cols))
    if key is not None:
        stmt = stmt.where(TOUCHPOINTS.c.account_key == key)
    frame = pd.DataFrame.from_records(session.execute(stmt).all(), columns=cols)
    return _dates(frame, ["date"])


def last_touch_dates(session: Session) -> pd.DataFrame:
    """Per account, the latest logged interaction (call/email/meeting/qbr) and the latest QBR."""
    frame = load_touchpoints(session)
    contact = frame[frame["kind"] != "note"]
    return pd.DataFrame(
        {
            "last_interaction": contact.groupby("account_key")["date"].max(),
            "last_qbr": frame[frame["kind"] == "qbr"].groupby("account_key")["date"].max(),
        }
    )
