"""Tasks, their action log and touchpoints, read and written as frames (Core for bulk)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

import pandas as pd
from sqlalchemy import CursorResult, DateTime, String, Table, Text, func, literal, select, update
from sqlalchemy.orm import Session

from .actor import acting_user
from .bulk import bulk_insert
from .fetch import fetch_frame
from .models import Task, TaskEvent, Touchpoint
from .models.task import OPEN_EPISODE
from .task_writes_pg import insert_tasks_pg
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
BATCH = 500
"""Ids per UPDATE / event INSERT (SQLite's bound-parameter limit, short statements)."""
COMPLETED_BY_TOUCH = "completed by a logged touchpoint"
"""The detail of a task the data completed because a touchpoint was logged."""


def _dates(frame: pd.DataFrame, cols: Sequence[str]) -> pd.DataFrame:
    for c in cols:
        frame[c] = pd.to_datetime(frame[c]).astype("datetime64[ns]")
    return frame


def load_tasks(session: Session, statuses: Sequence[str] | None = None) -> pd.DataFrame:
    """Tasks as a frame. Through the driver's own rows (`fetch_frame`): every import and task
    look reads all of them (4 per account: 400,000 at 100,000 accounts), and SQLAlchemy Row
    objects plus per-value date processing cost seconds where the driver's tuples cost a
    fraction; dates arrive as ISO text (SQLite) or dates and are typed column-wise here."""
    stmt = select(*(TASKS.c[c] for c in TASK_COLUMNS)).order_by(TASKS.c.id)
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
        bulk_insert(
            session,
            TASKS,
            frame,
            cols,
            constants,
            statement=keep_existing,
            in_order_of=["account_key", "template_id"],
        )
        created = select(TASKS.c.id, literal("created", String), literal(now, DateTime)).where(
            TASKS.c.id > before
        )
        logged = session.execute(EVENTS.insert().from_select(["task_id", "action", "at"], created))
        return int(cast(CursorResult[Any], logged).rowcount)
    return insert_tasks_pg(session, frame, today, now)


def set_status(
    session: Session,
    ids: Sequence[int],
    status: str,
    *,
    today: dt.date,
    detail: str | None = None,
    snoozed_until: dt.date | None = None,
    close: bool = True,
    user: str | None = None,
    only_from: Sequence[str] | None = None,
) -> list[int]:
    """Change status of tasks and log the action once per task changed (`user`: who; None:
    the data). Returns the ids changed.

    only_from: the statuses the caller read the tasks in. The UPDATE then changes a task only
    while it is still in one of them (a compare-and-set), so a task a colleague completed
    after this caller read it as open keeps its "done" and its note, and is not logged as
    resolved. On PostgreSQL the guard is re-checked on the committed row after a concurrent
    writer's commit; on SQLite writers queue, so the guard sees the other's commit."""
    ids = [int(i) for i in ids]
    if not ids:
        return []
    values: dict[str, Any] = {"status": status, "snoozed_until": snoozed_until}
    if close:
        values["closed_on"] = today
    if detail is not None:
        values["note"] = detail
    changed: list[int] = []
    for start in range(0, len(ids), BATCH):
        part = ids[start : start + BATCH]
        stmt = update(TASKS).where(TASKS.c.id.in_(part)).values(**values)
        if only_from is None:
            session.execute(stmt)
            changed += part
        else:
            stmt = stmt.where(TASKS.c.status.in_(list(only_from))).returning(TASKS.c.id)
            changed += [int(i) for i in session.execute(stmt).scalars()]
    log_events(session, changed, status, detail=detail, user=user)
    return changed


def log_events(
    session: Session,
    ids: Sequence[int],
    action: str,
    *,
    detail: str | None = None,
    user: str | None = None,
) -> None:
    """Add one action to the log of each task: one INSERT ... SELECT per batch of ids (the
    data resolving 100,000 tasks after an import logs them in a few statements, not through
    100,000 parameter sets)."""
    now = dt.datetime.now()
    ids = [int(i) for i in ids]
    consts = (
        literal(action, String),
        literal(now, DateTime),
        literal(detail, Text),
        literal(user, String),
    )
    for start in range(0, len(ids), BATCH):
        rows = select(TASKS.c.id, *consts).where(TASKS.c.id.in_(ids[start : start + BATCH]))
        session.execute(
            EVENTS.insert().from_select(["task_id", "action", "at", "detail", "user"], rows)
        )


def end_episodes(session: Session, ids: Sequence[int]) -> None:
    ids = [int(i) for i in ids]
    for start in range(0, len(ids), BATCH):
        part = ids[start : start + BATCH]
        session.execute(update(TASKS).where(TASKS.c.id.in_(part)).values(episode_open=False))


def open_copy(session: Session, account_key: str, template_id: str, other_than: int) -> int | None:
    """The id of another open (or snoozed) task of this account and template in an open
    episode, if any: a task cannot be reopened beside it."""
    return session.scalar(
        select(TASKS.c.id).where(
            TASKS.c.account_key == account_key,
            TASKS.c.template_id == template_id,
            TASKS.c.episode_open.is_(True),
            TASKS.c.status.in_(["open", "snoozed"]),
            TASKS.c.id != other_than,
        )
    )


def completed_by_touch_since(session: Session, account_key: str, since: dt.datetime) -> list[int]:
    """Tasks of an account the data completed (a logged touchpoint) at or after `since` and
    still done: what a touchpoint logged then did to the task list."""
    stmt = (
        select(TASKS.c.id)
        .join(EVENTS, EVENTS.c.task_id == TASKS.c.id)
        .where(
            TASKS.c.account_key == account_key,
            TASKS.c.status == "done",
            EVENTS.c.action == "done",
            EVENTS.c.user.is_(None),
            EVENTS.c.detail == COMPLETED_BY_TOUCH,
            EVENTS.c.at >= since,
        )
        .distinct()
    )
    return [int(i) for i in session.scalars(stmt)]


def reopen(session: Session, task_id: int) -> None:
    """Open again: no closing date or closing note, in an open episode (regeneration keeps
    it)."""
    session.execute(
        update(TASKS)
        .where(TASKS.c.id == task_id)
        .values(closed_on=None, snoozed_until=None, episode_open=True, note=None)
    )


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
        user=acting_user(session),
    )
    session.add(tp)
    session.flush()
    return tp.id


def delete_touchpoint(session: Session, touchpoint_id: int) -> bool:
    """Remove one logged touchpoint; False when there is none with that id."""
    gone = session.execute(TOUCHPOINTS.delete().where(TOUCHPOINTS.c.id == touchpoint_id))
    return bool(getattr(gone, "rowcount", 0))


def task_history(session: Session, statuses: Sequence[str]) -> pd.DataFrame:
    """Tasks in these statuses with who last put them there, when, and the note: the latest
    event of each task whose action is its current status."""
    latest = (
        select(EVENTS.c.task_id, func.max(EVENTS.c.id).label("event_id"))
        .select_from(EVENTS.join(TASKS, TASKS.c.id == EVENTS.c.task_id))
        .where(EVENTS.c.action == TASKS.c.status, TASKS.c.status.in_(list(statuses)))
        .group_by(EVENTS.c.task_id)
        .subquery()
    )
    stmt = (
        select(
            TASKS.c.id,
            TASKS.c.account_key,
            TASKS.c.title,
            TASKS.c.status,
            TASKS.c.snoozed_until,
            TASKS.c.note,
            EVENTS.c.at,
            EVENTS.c.user,
        )
        .select_from(
            TASKS.join(latest, latest.c.task_id == TASKS.c.id).join(
                EVENTS, EVENTS.c.id == latest.c.event_id
            )
        )
        .order_by(EVENTS.c.at.desc(), TASKS.c.id.desc())
    )
    cols = ["id", "account_key", "title", "status", "snoozed_until", "note", "at", "user"]
    frame = pd.DataFrame.from_records(session.execute(stmt).all(), columns=cols)
    frame = _dates(frame, ["snoozed_until", "at"])
    frame["id"] = frame["id"].astype("int64")
    return frame


def load_touchpoints(session: Session, key: str | None = None) -> pd.DataFrame:
    cols = ["id", "account_key", "kind", "date", "note", "task_id", "user"]
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
