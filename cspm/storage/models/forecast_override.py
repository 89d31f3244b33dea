"""A CSM's call on one account's renewal in one quarter: a forecast category, an expected amount,
or both, with the reason.

Keyed by "<quarter>|<account key>" (one column, so the row-state undo mechanism restores it like
a tier override) and, like a pinned tier, by account key rather than account id: it survives
re-imports and an undo that removes the account. Who changed it and when is on the row (the
latest) and in the change log (every earlier call, undoable)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Float, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class ForecastOverride(Base):
    __tablename__ = "forecast_overrides"
    __table_args__ = (Index("ix_forecast_overrides_quarter", "quarter"),)

    id: Mapped[str] = mapped_column(Text, primary_key=True)  # "2027 Q1|ACC-1042"
    account_key: Mapped[str] = mapped_column(Text)
    quarter: Mapped[str] = mapped_column(Text)  # "2027 Q1"
    category: Mapped[str | None] = mapped_column(Text)  # None: the rules' category
    amount: Mapped[float | None] = mapped_column(Float)  # None: the ARR up for renewal
    reason: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    user: Mapped[str | None] = mapped_column(Text)


def override_id(quarter: str, account_key: str) -> str:
    """The row key of an account's call in a quarter."""
    return f"{quarter}|{account_key}"
