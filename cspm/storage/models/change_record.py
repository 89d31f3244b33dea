"""One stored record per user mutation: the undo history (see cspm.service.changes).

`inverse` is a named inverse operation with its JSON payload (NULL: the change cannot be
undone); `undo_of` names the record this one reverted, `undone_by` the record that reverted
this one, so the undo and redo stacks are read from the table, per user, across sessions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class ChangeRecord(Base):
    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_user", "user", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC, naive
    user: Mapped[str] = mapped_column(Text)
    db_user: Mapped[str | None] = mapped_column(Text)  # PostgreSQL: the session's login role
    action: Mapped[str] = mapped_column(Text)
    touches: Mapped[list[str]] = mapped_column(JSON)
    inverse: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    undo_of: Mapped[int | None] = mapped_column(Integer)
    undone_by: Mapped[int | None] = mapped_column(Integer)
