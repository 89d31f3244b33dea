"""One row per import attempt that changed the database (dry runs and failures write nothing)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class ImportRecord(Base):
    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # What the file was: "accounts" or a related kind (cspm.core.related.kinds.KIND_NAMES).
    kind: Mapped[str] = mapped_column(Text, default="accounts", server_default="accounts")
    file_name: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(Text)
    sheet: Mapped[str | None] = mapped_column(Text)
    header_row: Mapped[int | None] = mapped_column(Integer)
    profile_name: Mapped[str | None] = mapped_column(Text)
    # source header -> canonical field name, or "custom:<header>" for kept unmapped columns
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON)
    # canonical field names and custom column names the file carried (state derivation needs it)
    carried_fields: Mapped[list[str]] = mapped_column(JSON)
    as_of: Mapped[dt.date] = mapped_column(Date)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(Text)  # "committed" | "undone"
    user: Mapped[str | None] = mapped_column(Text)  # who imported it (NULL: not recorded)
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    new_count: Mapped[int] = mapped_column(Integer, default=0)
    updated_count: Mapped[int] = mapped_column(Integer, default=0)
    unchanged_count: Mapped[int] = mapped_column(Integer, default=0)
    rejected_count: Mapped[int] = mapped_column(Integer, default=0)
    warning_count: Mapped[int] = mapped_column(Integer, default=0)
    # The problems reported (capped), so the Imports view can show them later.
    problems: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
