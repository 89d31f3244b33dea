"""One account's related rows as its detail shows them: subscriptions with their status and the
next renewal, contacts with days since their last login, open tickets with their age, and
usage per week (or per day) over the last months.

Pure pandas on the frames `storage.related_repo.load_in_force` returns (one account's rows,
frame contract of `frames`). The rules are the aggregates' (issue 15): a subscription is
active on d when start <= d and (no end or end > d); a ticket is open on d when opened on or
before d and not closed by d. Missing stays missing: a contact with no last login is neither
active nor inactive, a subscription with no start date has no status.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

INACTIVE_DAYS = 30
"""A contact whose last login is more than this many days ago is marked inactive."""

USAGE_MONTHS = 6
"""The usage chart covers this many months back from today."""

DAILY_BELOW_DAYS = 35
"""Usage spanning fewer days than this is shown per day (a handful of weekly points says
little); longer spans per week."""

CLOSED_STATUS = r"(?i)\b(?:closed|solved|resolved|done|completed|cancell?ed|canceled)\b"
"""Status words that mean a ticket is finished (as the ticket aggregates read them)."""

ACTIVE, ENDED, LATER = "active", "ended", "starts later"


def _day(today: dt.date) -> pd.Timestamp:
    return pd.Timestamp(today).normalize()


def subscriptions_view(frame: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """Subscriptions with `status` (active / ended / starts later / None), `arr_from_mrr`
    (the ARR shown is 12 x MRR because the file gave MRR only), `mrr_from_arr` likewise, and
    `next_renewal` (the earliest end date among active subscriptions ending after today).
    Ordered active first (soonest end first), then later starts, then ended (latest first)."""
    d = _day(today)
    out = frame.copy()
    start, end = out["start_date"], out["end_date"]
    started = start.notna() & (start <= d)
    running = end.isna() | (end > d)
    status = pd.Series(None, index=out.index, dtype=object)
    status[start > d] = LATER
    status[started & ~running] = ENDED
    status[started & running] = ACTIVE
    out["status"] = status
    out["arr_from_mrr"] = out["arr"].isna() & out["mrr"].notna()
    out["mrr_from_arr"] = out["mrr"].isna() & out["arr"].notna()
    out["arr"] = out["arr"].fillna(out["mrr"] * 12.0)
    out["mrr"] = out["mrr"].fillna(out["arr"] / 12.0)
    active = out["status"] == ACTIVE
    ends = out["end_date"].where(active)
    next_end = ends.min()
    out["next_renewal"] = active & ends.notna() & (ends == next_end)
    out["days_to_end"] = (out["end_date"] - d).dt.days.astype(float)
    order = out["status"].map({ACTIVE: 0, LATER: 1, ENDED: 2}).fillna(3)
    # active: soonest end first (open-ended last); ended: latest end first
    end_key = out["end_date"].astype("int64").astype(float)
    end_key = end_key.where(out["end_date"].notna(), np.inf)
    end_key = end_key.where(out["status"] != ENDED, -end_key)
    out = out.assign(_o=order, _e=end_key).sort_values(["_o", "_e"], kind="stable")
    return out.drop(columns=["_o", "_e"]).reset_index(drop=True)


def contacts_view(
    frame: pd.DataFrame, today: dt.date, inactive_days: int = INACTIVE_DAYS
) -> pd.DataFrame:
    """Contacts with `days_since` (whole days from the last login to today, 0 for a login
    after today, NaN without one), `never` (no login on record) and `inactive` (no login in
    the last `inactive_days` days, or never: contact exports leave the last login blank for
    users who never signed in; the Contacts view and the aggregates read it the same way).
    Most recently seen first; contacts who never logged in last."""
    d = _day(today)
    out = frame.copy()
    out["days_since"] = (d - out["last_login"]).dt.days.astype(float).clip(lower=0.0)
    out["never"] = out["last_login"].isna()
    out["inactive"] = out["never"] | (out["days_since"] > inactive_days)
    out = out.sort_values("days_since", kind="stable", na_position="last")
    return out.reset_index(drop=True)


def close_days(frame: pd.DataFrame) -> pd.Series:
    """Each ticket's close date: its closed date, or (none given, but its status says closed
    or solved) its opening date, as the ticket aggregates take it; NaT while open."""
    status = frame["status"].astype(object).where(frame["status"].notna(), "")
    said_closed = status.astype(str).str.contains(CLOSED_STATUS, regex=True)
    closed_at: pd.Series = frame["closed_at"]
    return closed_at.where(closed_at.notna() | ~said_closed, frame["opened_at"])


def tickets_view(frame: pd.DataFrame, today: dt.date) -> tuple[pd.DataFrame, int]:
    """(open tickets with `age_days`, oldest first; tickets closed in the last 90 days).
    Open on d: opened on or before d and not closed by then."""
    d = _day(today)
    closed_on = close_days(frame)
    closed = closed_on.notna() & (closed_on <= d)
    opened = frame["opened_at"].notna() & (frame["opened_at"] <= d)
    open_ = frame[opened & ~closed].copy()
    open_["age_days"] = (d - open_["opened_at"]).dt.days.astype(float)
    open_ = open_.sort_values("age_days", ascending=False, kind="stable")
    recent = closed & (closed_on > d - pd.Timedelta(days=90))
    return open_.reset_index(drop=True), int(recent.sum())


def usage_series(
    frame: pd.DataFrame,
    today: dt.date,
    *,
    through: dt.date | None = None,
    months: int = USAGE_MONTHS,
) -> tuple[pd.DataFrame, str]:
    """Usage events per period over the last `months` to today, up to `through` (the usage
    export's date, when earlier: weeks after the export do not read as zero use).

    Returns (frame of `period` (period start), `events`, `users` (distinct user e-mails),
    `partial` (the last period is not over yet); "week" or "day"). A row without a count is
    one event. Periods between the first one with usage and `through` with no usage are 0:
    a customer who stopped using the product shows a drop, not a gap."""
    start = _day(today) - pd.DateOffset(months=months)  # the window is always to today...
    end = _day(min(through, today) if through is not None else today)  # ...its data to here
    dates = frame["usage_date"]
    rows = frame[dates.notna() & (dates > start) & (dates <= end)]
    if rows.empty:
        return pd.DataFrame({"period": [], "events": [], "users": [], "partial": []}), "week"
    first = rows["usage_date"].min()
    daily = (end - first).days < DAILY_BELOW_DAYS
    if daily:
        period = rows["usage_date"]
        last = end
        periods = pd.date_range(first, last, freq="D")
    else:  # weeks start on Monday
        period = rows["usage_date"] - pd.to_timedelta(rows["usage_date"].dt.day_of_week, unit="D")
        last = end - pd.Timedelta(days=end.weekday())
        periods = pd.date_range(period.min(), last, freq="7D")
    events = rows["count"].fillna(1.0).groupby(period).sum()
    users = rows["user_email"].groupby(period).nunique()
    out = pd.DataFrame({"period": periods})
    out["events"] = out["period"].map(events).fillna(0.0).astype(float)
    out["users"] = out["period"].map(users).fillna(0.0).astype(float)
    out["partial"] = False
    if not daily and end.weekday() != 6:  # the current week runs to Sunday
        out.loc[out.index[-1], "partial"] = True
    return out, "day" if daily else "week"
