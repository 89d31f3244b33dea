"""Tasks generated from playbooks and cadences, and every action taken on them.

Tasks are keyed by account key (not a foreign key), like tier overrides, so a task and its
history survive an undo that removes the account and a later import that brings it back.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base

OPEN_EPISODE = text("episode_open")
"""The predicate of the unique index below; an upsert names it to match that partial index."""


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_account_template", "account_key", "template_id"),
        Index("ix_tasks_status", "status"),
        # One task per (account, template) in an open episode: two regenerations at once
        # (two window loads, the window and a command, two CSMs on one server) cannot both
        # create it; the insert keeps the existing row (storage/tasks_repo.insert_tasks).
        Index(
            "uq_tasks_open_episode",
            "account_key",
            "template_id",
            unique=True,
            sqlite_where=OPEN_EPISODE,
            postgresql_where=OPEN_EPISODE,
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_key: Mapped[str] = mapped_column(Text)
    template_id: Mapped[str] = mapped_column(Text)
    trigger_kind: Mapped[str] = mapped_column(Text)  # segment | stage | cadence
    trigger: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    base_priority: Mapped[float] = mapped_column(Float, default=50.0)
    status: Mapped[str] = mapped_column(Text)  # open|snoozed|done|dismissed|resolved
    created_on: Mapped[dt.date] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    snoozed_until: Mapped[dt.date | None] = mapped_column(Date)
    episode_open: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str | None] = mapped_column(Text)


class TaskEvent(Base):
    __tablename__ = "task_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(Text)  # created|done|snoozed|dismissed|resolved
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    detail: Mapped[str | None] = mapped_column(Text)
    user: Mapped[str | None] = mapped_column(Text)  # who acted; NULL: the data did


class Touchpoint(Base):
    __tablename__ = "touchpoints"
    __table_args__ = (Index("ix_touchpoints_account", "account_key", "date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_key: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)  # call|email|meeting|qbr|note
    date: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    user: Mapped[str | None] = mapped_column(Text)  # who logged it (NULL: not recorded)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="SET NULL"))
