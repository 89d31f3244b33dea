"""Current state of each account, derived from its snapshots (see service.state)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base
from .fields_mixin import AccountFieldsMixin


class Account(AccountFieldsMixin, Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Identity across imports: trimmed external_id, else casefolded name (core.plan.account_key).
    key: Mapped[str] = mapped_column(Text, unique=True)
    first_import_id: Mapped[int | None] = mapped_column(
        ForeignKey("imports.id", ondelete="SET NULL")
    )
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
