"""The renewal forecast: ARR up for renewal per quarter, each account's category (the rules'
default or the CSM's call), expected retained ARR, and, for quarters that have closed, how the
forecast made at their start compared with what the snapshots show happened.

A CSM's call (category, amount, reason) is a forecast override: a row per account and quarter,
written through `perform` as a change touching "forecast", so it is undoable and its history
(who, when, what) is the change log. It touches nothing the analysis reads: no revision bump,
the analysed portfolio stays cached.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from cspm.core.errors import BadInputError
from cspm.core.periods import clip_periods, periods_between
from cspm.core.renewal_forecast import (
    CATEGORIES,
    ForecastAccuracy,
    accuracy,
    forecast,
    quarter_of,
    quarters_ahead,
    totals,
)
from cspm.storage import settings_repo
from cspm.storage.models import ChangeRecord, ForecastOverride
from cspm.storage.models.forecast_override import override_id

from .changes import Outcome, RowWatch, perform, utc_now
from .personal import current_user
from .portfolio import load_portfolio, resolve_account

if TYPE_CHECKING:
    from .context import AppContext

Grouping = Literal["tier", "segment", "owner"]
TOTAL_FIELDS = ["quarter", "group", "category", "accounts", "arr_up", "expected_arr"]


def load_overrides(s: Session) -> pd.DataFrame:
    """Every forecast override as a frame (the columns `core.forecast` reads)."""
    cols = ["account_key", "quarter", "category", "amount", "reason", "user", "updated_at"]
    rows = s.execute(select(*(getattr(ForecastOverride, c) for c in cols))).all()
    frame = pd.DataFrame.from_records(rows, columns=cols)
    frame["amount"] = pd.to_numeric(frame["amount"], errors="coerce").astype(float)
    return frame


def forecast_rows(ctx: AppContext, *, quarters: int = 4, owner: str | None = None) -> pd.DataFrame:
    """One row per account renewing in this quarter or the next `quarters - 1` (see
    `core.forecast.forecast` for the columns); `owner`: only that owner's accounts."""
    p = load_portfolio(ctx)
    with ctx.db.session() as s:
        overrides = load_overrides(s)
        settings = settings_repo.load_forecast(s)
    rows = forecast(p.for_tasks, p.today, settings, overrides, quarters=quarters)
    if owner is not None:
        from .book import owner_keys

        keys = owner_keys(ctx, owner)
        if keys is not None:
            rows = rows[rows["key"].isin(keys)]
    return rows.reset_index(drop=True)


def forecast_totals(
    ctx: AppContext,
    *,
    by: Grouping | None = None,
    quarters: int = 4,
    owner: str | None = None,
    rows: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per quarter, group and category: accounts, ARR up and expected ARR (and an "All" row
    per quarter and group)."""
    if by not in (None, "tier", "segment", "owner"):
        raise BadInputError(f"Cannot group the forecast by '{by}'; use tier, segment or owner.")
    if rows is None:
        rows = forecast_rows(ctx, quarters=quarters, owner=owner)
    p = load_portfolio(ctx)
    order = list(p.settings.tier_names) if by == "tier" else None
    membership = p.membership if by == "segment" else None
    return totals(rows, by, membership, order=order)


def _label(frame: pd.DataFrame, key: str) -> str:
    name = frame.at[key, "name"] if key in frame.index else None
    return name if isinstance(name, str) and name else key


def set_forecast(
    ctx: AppContext,
    ref: str,
    quarter: str,
    *,
    category: str | None = None,
    amount: float | None = None,
    reason: str = "",
) -> str:
    """The CSM's call on an account's renewal in `quarter` (a category, an amount or both,
    with a reason); neither: back to the rules' default. Returns the account key."""
    p = load_portfolio(ctx)
    key = resolve_account(p.frame, ref)
    quarter = _known_quarter(p.today, quarter)
    if category is not None:
        match = [c for c in CATEGORIES if c.casefold() == category.strip().casefold()]
        if not match:
            raise BadInputError(
                f"Unknown forecast category '{category}'; use {', '.join(CATEGORIES)}."
            )
        category = match[0]
    if amount is not None and (not math.isfinite(amount) or amount < 0 or amount > 1e12):
        raise BadInputError(f"A forecast amount must be between 0 and 1e12, not {amount}.")
    clearing = category is None and amount is None
    if not clearing and not reason.strip():
        raise BadInputError("A forecast call needs a reason.")
    label = _label(p.frame, key)
    if clearing:
        action = f"Clear the forecast call for {label} in {quarter}"
    else:
        said = ", ".join(x for x in (category, _money(amount)) if x)
        action = f"Forecast {label} in {quarter}: {said}"
    row_id = override_id(quarter, key)

    def work(s: Session) -> Outcome[str]:
        watch = RowWatch(s)
        watch.watch("forecast_overrides", row_id)
        row = s.get(ForecastOverride, row_id)
        if clearing:
            if row is None:
                return Outcome(key, changed=False)
            s.delete(row)
        else:
            if row is None:
                row = ForecastOverride(id=row_id, account_key=key, quarter=quarter)
                s.add(row)
            row.category, row.amount, row.reason = category, amount, reason.strip()
            row.updated_at, row.user = utc_now(), current_user()
        s.flush()
        return Outcome(key, watch.inverse())

    perform(ctx, action, {"forecast"}, work)
    return key


def _money(amount: float | None) -> str:
    return "" if amount is None else f"{amount:,.2f}"


def _known_quarter(today: dt.date, quarter: str) -> str:
    """The quarter label as the forecast writes it ("2027 Q1"); one of the next four."""
    wanted = quarter.strip().upper().replace("-", " ")
    labels = [q.label for q in quarters_ahead(today, 4)]
    for label in labels:
        if label.upper() == wanted or label.replace(" ", "").upper() == wanted.replace(" ", ""):
            return label
    raise BadInputError(f"Unknown quarter '{quarter}'; the forecast covers {', '.join(labels)}.")


@dataclass(frozen=True)
class ForecastCall:
    """One change to an account's forecast call, from the change log."""

    at: dt.datetime
    user: str
    action: str
    undone: bool


def forecast_history(ctx: AppContext, ref: str) -> list[ForecastCall]:
    """Every change to the account's forecast calls, newest first (undone ones marked)."""
    p = load_portfolio(ctx)
    key = resolve_account(p.frame, ref)
    suffix = f"|{key}"
    with ctx.db.session() as s:
        records = s.execute(
            select(ChangeRecord).order_by(ChangeRecord.id.desc())
        ).scalars()  # the change log is small (user actions); imports are one row each
        out = []
        for r in records:
            if "forecast" not in (r.touches or []) or r.undo_of is not None:
                continue
            if any(str(k).endswith(suffix) for k in _row_keys(r.inverse)):
                out.append(ForecastCall(r.at, r.user, r.action, r.undone_by is not None))
    return out


def _row_keys(inverse: dict[str, Any] | None) -> list[Any]:
    """The row keys a row-state inverse restores."""
    if not isinstance(inverse, dict):
        return []
    rows = inverse.get("rows") or []
    return [r.get("key") for r in rows if isinstance(r, dict)]


@dataclass
class QuarterAccuracy:
    """A closed quarter: what was forecast at its start against what happened."""

    quarter: str
    start: dt.date
    end: dt.date
    result: ForecastAccuracy

    def to_dict(self) -> dict[str, Any]:
        return {
            "quarter": self.quarter,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            **self.result.to_dict(),
        }


def forecast_accuracy(ctx: AppContext) -> list[QuarterAccuracy]:
    """For every quarter the history covers from start to end, with renewals on record at its
    start: the forecast as it stood then (the rules on the portfolio as of the day before, with
    the calls made before it) against each account's ARR at the quarter's end."""
    from .evidence import _states, snapshot_dates

    dates = snapshot_dates(ctx)
    if len(dates) < 2:
        return []
    periods = [
        p
        for p in clip_periods(periods_between(dates[0], dates[-1], "quarter"), dates[0], dates[-1])
        if p.end <= dates[-1]
    ]
    if not periods:
        return []
    with ctx.db.session() as s:
        overrides = load_overrides(s)
        settings = settings_repo.load_forecast(s)
    states = _states(ctx, sorted({d for p in periods for d in (p.opening_as_of, p.closing_as_of)}))
    out = []
    for period in periods:
        opening = states[period.opening_as_of]
        made_before = overrides[
            pd.to_datetime(overrides["updated_at"]) < pd.Timestamp(period.start)
        ]
        rows = forecast(opening, period.start, settings, made_before, quarters=1)
        if rows.empty:  # no renewal dates known then (e.g. only usage history that far back)
            continue
        closing = states[period.closing_as_of]
        out.append(
            QuarterAccuracy(
                quarter_of(period.start), period.start, period.end, accuracy(rows, closing)
            )
        )
    return out
