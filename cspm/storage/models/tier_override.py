"""Manual tier per account, with the reason; keyed by account key so it survives re-imports
(and even an undo that removes the account and a later import that brings it back)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class TierOverride(Base):
    __tablename__ = "tier_overrides"

    account_key: Mapped[str] = mapped_column(Text, primary_key=True)
    tier: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    user: Mapped[str | None] = mapped_column(Text)  # who pinned it last
