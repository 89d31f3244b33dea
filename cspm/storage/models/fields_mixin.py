"""Typed columns for every canonical account field, shared by current state and snapshots.

Kept explicit (not generated from `cspm.core.fields`) so the ORM and migrations read plainly;
`tests/storage/test_schema.py` checks the two lists stay in step.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, Text
from sqlalchemy.orm import Mapped, mapped_column


class AccountFieldsMixin:
    external_id: Mapped[str | None] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[str | None] = mapped_column(Text)
    industry: Mapped[str | None] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(Text)
    country: Mapped[str | None] = mapped_column(Text)
    plan: Mapped[str | None] = mapped_column(Text)
    arr: Mapped[float | None] = mapped_column(Float)
    mrr: Mapped[float | None] = mapped_column(Float)
    potential_arr: Mapped[float | None] = mapped_column(Float)
    company_revenue: Mapped[float | None] = mapped_column(Float)
    currency: Mapped[str | None] = mapped_column(Text)
    fx_rate: Mapped[float | None] = mapped_column(Float)
    arr_unconverted: Mapped[float | None] = mapped_column(Float)
    seats_purchased: Mapped[float | None] = mapped_column(Float)
    seats_active: Mapped[float | None] = mapped_column(Float)
    mau: Mapped[float | None] = mapped_column(Float)
    health_score: Mapped[float | None] = mapped_column(Float)
    nps: Mapped[float | None] = mapped_column(Float)
    nps_points: Mapped[float | None] = mapped_column(Float)
    csat: Mapped[float | None] = mapped_column(Float)
    contract_start: Mapped[dt.date | None] = mapped_column(Date)
    renewal_date: Mapped[dt.date | None] = mapped_column(Date)
    churn_date: Mapped[dt.date | None] = mapped_column(Date)
    last_interaction: Mapped[dt.date | None] = mapped_column(Date)
    last_qbr: Mapped[dt.date | None] = mapped_column(Date)
    last_login: Mapped[dt.date | None] = mapped_column(Date)
    open_tickets: Mapped[float | None] = mapped_column(Float)
    unpaid_invoices: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str | None] = mapped_column(Text)
    lifecycle_stage: Mapped[str | None] = mapped_column(Text)
    crm_lifecycle_stage: Mapped[str | None] = mapped_column(Text)
    tier: Mapped[str | None] = mapped_column(Text)
    is_reference: Mapped[bool | None] = mapped_column(Boolean)
    churn_flag: Mapped[bool | None] = mapped_column(Boolean)
    website: Mapped[str | None] = mapped_column(Text)
    # Aggregates derived from related rows (cspm.core.related.aggregates).
    subscriptions_active: Mapped[float | None] = mapped_column(Float)
    usage_events_30d: Mapped[float | None] = mapped_column(Float)
    usage_active_users_30d: Mapped[float | None] = mapped_column(Float)
    usage_active_days_30d: Mapped[float | None] = mapped_column(Float)
    usage_trend_30d: Mapped[float | None] = mapped_column(Float)
    tickets_opened_90d: Mapped[float | None] = mapped_column(Float)
    tickets_escalated_90d: Mapped[float | None] = mapped_column(Float)
    ticket_satisfaction_90d: Mapped[float | None] = mapped_column(Float)
    contacts_total: Mapped[float | None] = mapped_column(Float)
    contacts_active_10d: Mapped[float | None] = mapped_column(Float)
    contacts_active_14d: Mapped[float | None] = mapped_column(Float)
    contacts_active_30d: Mapped[float | None] = mapped_column(Float)
    contacts_inactive_share_10d: Mapped[float | None] = mapped_column(Float)
    exec_last_login: Mapped[dt.date | None] = mapped_column(Date)
    # Unmapped columns the file carried: {"Product Line": "Analytics", ...}
    custom: Mapped[dict[str, Any] | None] = mapped_column(JSON)
