"""What the report writers are given: plain dataclasses and DataFrames, filled by the service.

The reports layer knows neither SQLAlchemy nor the service; everything a report shows arrives
here, already computed and labelled. Money is a float in the portfolio currency, dates are
datetime64 columns (or `datetime.date` values), scores are 0-100, rates are fractions
(1.02 means 102 %).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from cspm.core.field_labels import AGGREGATE_FIELDS
from cspm.core.money import USD, MoneyFormat
from cspm.core.outcomes import SUMMARY_METRICS

ACCOUNT_COLUMNS: tuple[str, ...] = (
    "key",
    "external_id",
    "name",
    "owner",
    "tier",
    "lifecycle_stage",
    "arr",
    "arr_note",
    "potential_arr",
    "health_score",
    "health_band",
    "renewal_date",
    "contract_start",
    "last_interaction",
    "last_qbr",
    "days_to_renewal",
    *AGGREGATE_FIELDS,
    "segments",
)
"""Columns of `WorkbookData.accounts`; a missing column is left out of the Accounts sheet (the
service leaves out the related-data aggregates no account has)."""

SEGMENT_COLUMNS: tuple[str, ...] = ("name", "description", "count", "arr")
MEMBER_COLUMNS: tuple[str, ...] = ("key", "name", "owner", "tier", "arr", "health_score", "why")
TASK_COLUMNS: tuple[str, ...] = (
    "priority",
    "due_date",
    "account",
    "account_name",
    "owner",
    "title",
    "trigger",
    "reasons",
    "status",
)
OUTCOME_COLUMNS: tuple[str, ...] = ("grouping", "group", "period", *SUMMARY_METRICS)
"""Long format: one row per (grouping "tier"|"segment", group, period "2026-Q3")."""


@dataclass
class WorkbookData:
    """Everything the portfolio workbook shows."""

    generated_at: datetime.datetime
    database: str
    last_import: str | None
    filters: dict[str, str]
    settings_rows: list[tuple[str, str]]
    accounts: pd.DataFrame
    tiers: list[str]
    stages: list[str]
    segments: pd.DataFrame
    segment_members: dict[str, pd.DataFrame]
    tasks: pd.DataFrame
    outcomes: pd.DataFrame | None = None
    money: MoneyFormat = USD  # the portfolio currency every amount is in
    left_out: int = 0  # accounts whose currency had no rate: in no total (cspm.core.currency)
    generated_by: str = ""  # who exported it (the recorded user name)
    forecast_totals: pd.DataFrame | None = None  # by tier (service.forecast.forecast_totals)
    forecast_rows: pd.DataFrame | None = None  # one row per renewal in the next four quarters


Audience = Literal["customer", "internal"]
AUDIENCES: tuple[Audience, ...] = ("customer", "internal")
"""Who a QBR pack is for. "customer": what can be sent to the account (their usage, health in
words, renewal date, outcomes, agenda, notes). "internal": the CSM's review (tier and stage with
their reasons, health breakdown, segments and why, open tasks with priorities, touchpoints)."""


@dataclass
class QbrAccount:
    """One account's section of a QBR pack (both audiences; each writer shows its part)."""

    key: str
    name: str
    owner: str | None
    tier: str
    tier_reason: str
    lifecycle_stage: str
    stage_reason: str
    facts: list[tuple[str, str]]
    health_score: float | None
    health_band: str | None
    health_breakdown: list[tuple[str, float | None, float]]
    history: pd.DataFrame  # as_of, arr, health_score, mau[, seats_active, seats_purchased]
    renewal_date: datetime.date | None
    days_to_renewal: int | None
    segments: list[tuple[str, list[str]]] = field(default_factory=list)
    open_tasks: list[tuple[str, str, float, str]] = field(default_factory=list)
    touchpoints: list[tuple[str, str, str]] = field(default_factory=list)
    outcome_trend: pd.DataFrame | None = None
    money: MoneyFormat = USD  # the portfolio currency every amount is in
    subscription: list[tuple[str, str]] = field(default_factory=list)
    """What the customer bought, for the customer pack: plan, annual value, seats, contract
    start and renewal, already formatted (no potential ARR, no internal fields)."""
    red_below: float = 50.0  # the team's health bands, for health in words
    green_from: float = 75.0
