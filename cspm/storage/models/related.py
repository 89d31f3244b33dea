"""One table per related kind: the rows of subscriptions, usage, tickets, contacts and churn
events files, as imported.

Every import's rows are kept (a re-import of the same export adds a version of each row under
its own import id); the rows in force are, per `row_key`, those of the latest committed import
that carried it, so undoing a related import falls back to the earlier versions exactly.
`account_key` is the account the row links to (cspm.core.related.linking), NULL while it links
to nothing; it is re-linked when accounts or other related rows arrive. Text columns have no
length limit (PostgreSQL would refuse a long value that SQLite accepts).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class _RelatedRow:
    """What every related row has: its import, identity, source row and link."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id", ondelete="CASCADE"))
    row_key: Mapped[str] = mapped_column(Text)
    source_row: Mapped[int | None] = mapped_column(Integer)
    account_key: Mapped[str | None] = mapped_column(Text)
    account_id: Mapped[str | None] = mapped_column(Text)  # the file's account reference
    account_name: Mapped[str | None] = mapped_column(Text)
    custom: Mapped[dict[str, Any] | None] = mapped_column(JSON)


def _indexes(table: str) -> tuple[Index, ...]:
    return (
        Index(f"ix_{table}_import", "import_id"),
        Index(f"ix_{table}_row_key", "row_key"),
        Index(f"ix_{table}_account_key", "account_key"),
    )


class RelatedSubscription(_RelatedRow, Base):
    __tablename__ = "related_subscriptions"
    __table_args__ = _indexes(__tablename__)

    subscription_id: Mapped[str | None] = mapped_column(Text)
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    mrr: Mapped[float | None] = mapped_column(Float)
    arr: Mapped[float | None] = mapped_column(Float)
    seats: Mapped[float | None] = mapped_column(Float)
    plan: Mapped[str | None] = mapped_column(Text)
    currency: Mapped[str | None] = mapped_column(Text)


class RelatedUsage(_RelatedRow, Base):
    __tablename__ = "related_usage"
    __table_args__ = _indexes(__tablename__)

    usage_id: Mapped[str | None] = mapped_column(Text)
    subscription_id: Mapped[str | None] = mapped_column(Text)
    user_email: Mapped[str | None] = mapped_column(Text)
    usage_date: Mapped[dt.date | None] = mapped_column(Date)
    count: Mapped[float | None] = mapped_column(Float)
    feature: Mapped[str | None] = mapped_column(Text)


class RelatedTicket(_RelatedRow, Base):
    __tablename__ = "related_tickets"
    __table_args__ = _indexes(__tablename__)

    ticket_id: Mapped[str | None] = mapped_column(Text)
    user_email: Mapped[str | None] = mapped_column(Text)
    opened_at: Mapped[dt.date | None] = mapped_column(Date)
    closed_at: Mapped[dt.date | None] = mapped_column(Date)
    priority: Mapped[str | None] = mapped_column(Text)
    escalated: Mapped[bool | None] = mapped_column(Boolean)
    satisfaction: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str | None] = mapped_column(Text)


class RelatedContact(_RelatedRow, Base):
    __tablename__ = "related_contacts"
    __table_args__ = _indexes(__tablename__)

    email: Mapped[str | None] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text)
    role: Mapped[str | None] = mapped_column(Text)
    last_login: Mapped[dt.date | None] = mapped_column(Date)


class RelatedChurnEvent(_RelatedRow, Base):
    __tablename__ = "related_churn_events"
    __table_args__ = _indexes(__tablename__)

    churn_date: Mapped[dt.date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    is_reactivation: Mapped[bool | None] = mapped_column(Boolean)


RELATED_MODELS: dict[str, type[Base]] = {
    "subscriptions": RelatedSubscription,
    "usage": RelatedUsage,
    "tickets": RelatedTicket,
    "contacts": RelatedContact,
    "churn_events": RelatedChurnEvent,
}
"""Model per related kind name (cspm.core.related.kinds.RELATED_KIND_NAMES)."""
