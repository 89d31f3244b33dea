"""The renewal forecast: the ARR up for renewal in this quarter and the next three, each account's
forecast category, the expected retained ARR, and, for a closed quarter, how the forecast made
at its start compared with what happened.

Categories (as Planhat, Totango and Gainsight users forecast): Commit, Likely, At risk, Churn
expected. The rules' default, in this order (the first that applies wins):
- **Churn expected**: a churn date on or before the quarter's end (the CRM already knows), or
  health below `churn_below` (default 30);
- **At risk**: health below `risk_below` (default 50), or health down `drop_points` (default
  15) or more since the previous import;
- **Commit**: health from `commit_from` (default 80) in the Established or Advocate stage (a
  customer settled in and doing well);
- **Likely**: everything else, including accounts without a health score (no score is no
  evidence either way).
Each category has a probability (settings; default 0.95, 0.8, 0.5, 0.1); expected ARR = the
amount x the probability, where the amount is the ARR up for renewal unless the CSM said
otherwise. A CSM's call (category, amount, reason) applies to its account in its quarter only.

An overdue renewal (the date passed, no new one in the CRM) is flagged, and counted in this
quarter when it fell in an earlier one: it is still to be won, and leaving it out would flatter
the quarter. Churned accounts are not
forecast.

Everything is whole-column work: 100,000 accounts in milliseconds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cspm.core.columns import as_float
from cspm.core.declared import from_dict, setting, to_dict

CATEGORIES: tuple[str, ...] = ("Commit", "Likely", "At risk", "Churn expected")
SETTLED_STAGES = ("Established", "Advocate")
ROW_COLUMNS = [
    "key", "name", "quarter", "renewal_date", "tier", "owner", "arr_up", "category",
    "default_category", "category_reason", "amount", "probability", "expected_arr",
    "overridden", "override_reason", "override_by", "override_at", "overdue",
]  # fmt: skip
TOTAL_COLUMNS = ["quarter", "group", "category", "accounts", "arr_up", "expected_arr"]
NO_OWNER = "(no owner)"


def _probability(default: float, label: str) -> Any:
    return setting(
        default,
        label=label,
        help=f"The share of an account's renewal amount expected when it is '{label}'.",
        min=0,
        max=1,
    )


def _points(default: float, label: str, help: str) -> Any:
    return setting(default, label=label, help=help, min=0, max=100)


@dataclass(frozen=True)
class ForecastSettings:
    """Category probabilities and the health thresholds of the default categories."""

    commit: float = _probability(0.95, "Commit")
    likely: float = _probability(0.8, "Likely")
    at_risk: float = _probability(0.5, "At risk")
    churn_expected: float = _probability(0.1, "Churn expected")
    churn_below: float = _points(
        30, "Churn expected below", "Health under this forecasts the renewal as Churn expected."
    )
    risk_below: float = _points(
        50, "At risk below", "Health under this forecasts the renewal as At risk."
    )
    drop_points: float = _points(
        15, "At risk after a drop of", "A health drop this large since the previous import "
        "forecasts the renewal as At risk."
    )  # fmt: skip
    commit_from: float = _points(
        80, "Commit from", "Health from this up, in the Established or Advocate stage, "
        "forecasts the renewal as Commit."
    )  # fmt: skip

    def probabilities(self) -> dict[str, float]:
        return {
            "Commit": self.commit,
            "Likely": self.likely,
            "At risk": self.at_risk,
            "Churn expected": self.churn_expected,
        }

    def to_dict(self) -> dict[str, object]:
        return dict(to_dict(self))

    @classmethod
    def from_dict(cls, data: Mapping[str, object] | None) -> ForecastSettings:
        return from_dict(cls, dict(data or {}))


@dataclass(frozen=True)
class Quarter:
    label: str  # "2027 Q1"
    start: dt.date
    end: dt.date


def quarter_of(day: dt.date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def _quarter(day: dt.date) -> Quarter:
    first = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    nxt = dt.date(first.year + (first.month == 10), (first.month + 2) % 12 + 1, 1)
    return Quarter(quarter_of(day), first, nxt - dt.timedelta(days=1))


def quarters_ahead(today: dt.date, n: int = 4) -> list[Quarter]:
    """This quarter and the next n - 1."""
    out = [_quarter(today)]
    while len(out) < n:
        out.append(_quarter(out[-1].end + dt.timedelta(days=1)))
    return out


def _dates(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name not in frame.columns:
        return np.full(len(frame), np.datetime64("NaT"), "datetime64[ns]")
    values = pd.to_datetime(frame[name], errors="coerce")
    return values.to_numpy(dtype="datetime64[ns]")


def _floats(frame: pd.DataFrame, name: str) -> np.ndarray:
    return as_float(frame[name]) if name in frame.columns else np.full(len(frame), np.nan)


def _text(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name not in frame.columns:
        return np.full(len(frame), None, dtype=object)
    values = frame[name].astype(object)
    return values.where(values.notna(), None).to_numpy(dtype=object)


def default_categories(
    frame: pd.DataFrame, quarter_end: np.ndarray, settings: ForecastSettings
) -> tuple[np.ndarray, np.ndarray]:
    """(category, reason) per account by the rules of the module docstring."""
    health = _floats(frame, "health_score")
    change = _floats(frame, "health_change")
    churn = _dates(frame, "churn_date")
    stage = _text(frame, "lifecycle_stage")
    with np.errstate(invalid="ignore"):
        leaving = ~np.isnat(churn) & (churn <= quarter_end)
        very_low = health < settings.churn_below
        low = health < settings.risk_below
        dropped = change <= -settings.drop_points
        settled = np.isin(stage, SETTLED_STAGES) & (health >= settings.commit_from)
    category = np.select(
        [leaving | very_low, low | dropped, settled],
        ["Churn expected", "At risk", "Commit"],
        "Likely",
    )
    score = pd.Series(health).map("{:.0f}".format).to_numpy(dtype=object)
    churn_text = pd.Series(churn).dt.strftime("%Y-%m-%d").fillna("").to_numpy(dtype=object)
    drop_text = pd.Series(-change).map("{:.0f}".format).to_numpy(dtype=object)
    stage = np.where(pd.isna(stage), "no stage", stage).astype(object)
    reason = np.select(
        [
            leaving,
            very_low,
            low,
            dropped,
            settled,
            np.isnan(health),
        ],
        [
            "churn date " + churn_text,
            "health " + score + f" (below {settings.churn_below:g})",
            "health " + score + f" (below {settings.risk_below:g})",
            "health down " + drop_text + " points",
            "health " + score + ", " + stage,
            np.full(len(frame), "no health score", dtype=object),
        ],
        "health " + score,
    )
    return category.astype(object), reason.astype(object)


def forecast(
    portfolio: pd.DataFrame,
    today: dt.date,
    settings: ForecastSettings,
    overrides: pd.DataFrame | None = None,
    *,
    quarters: int = 4,
) -> pd.DataFrame:
    """One row per account renewing in this quarter or the next `quarters - 1` (ROW_COLUMNS),
    quarter then renewal date order."""
    periods = quarters_ahead(today, quarters)
    churned = (
        portfolio["churned"].to_numpy(dtype=bool, na_value=False)
        if "churned" in portfolio.columns
        else _text(portfolio, "lifecycle_stage") == "Churned"
    )
    renewal = _dates(portfolio, "renewal_date")
    first = np.datetime64(periods[0].start, "ns")
    last = np.datetime64(periods[-1].end, "ns")
    now = np.datetime64(today, "ns")
    with np.errstate(invalid="ignore"):
        overdue = ~np.isnat(renewal) & (renewal < now)
        inside = ~np.isnat(renewal) & (renewal <= last) & ~churned
    rows = portfolio[inside]
    when = np.maximum(renewal[inside], first)  # overdue from an earlier quarter: this one
    starts = np.array([np.datetime64(q.start, "ns") for q in periods])
    slot = np.searchsorted(starts, when, side="right") - 1
    labels = np.array([q.label for q in periods], dtype=object)[slot]
    ends = np.array([np.datetime64(q.end, "ns") for q in periods])[slot]
    category, reason = default_categories(rows, ends, settings)
    arr_up = np.round(np.nan_to_num(_floats(rows, "arr")), 2)
    out = pd.DataFrame(
        {
            "key": rows.index.to_numpy(dtype=object),
            "name": _text(rows, "name"),
            "quarter": labels,
            "renewal_date": renewal[inside],
            "tier": _text(rows, "tier"),
            "owner": _text(rows, "owner"),
            "arr_up": arr_up,
            "category": category,
            "default_category": category.copy(),
            "category_reason": reason,
            "amount": arr_up,
            "overridden": np.zeros(len(rows), bool),
            "override_reason": np.full(len(rows), None, dtype=object),
            "override_by": np.full(len(rows), None, dtype=object),
            "override_at": np.full(len(rows), np.datetime64("NaT"), "datetime64[ns]"),
            "overdue": overdue[inside],
        }
    )
    if overrides is not None and len(overrides):
        out = _apply(out, overrides)
    probability = pd.Series(settings.probabilities())
    out["probability"] = out["category"].map(probability).to_numpy(dtype=float)
    out["expected_arr"] = np.round(out["amount"].to_numpy(float) * out["probability"], 2)
    out = out.sort_values(["quarter", "renewal_date", "key"], kind="stable")
    return out[ROW_COLUMNS].reset_index(drop=True)


def _apply(rows: pd.DataFrame, overrides: pd.DataFrame) -> pd.DataFrame:
    """The CSM's calls on their account and quarter: a category and/or an amount."""
    calls = overrides.drop_duplicates(["account_key", "quarter"], keep="last").set_index(
        ["account_key", "quarter"]
    )
    where = pd.MultiIndex.from_arrays([rows["key"], rows["quarter"]])
    hit = calls.reindex(where)
    found = hit["reason"].notna().to_numpy()
    category = hit["category"].astype(object).to_numpy()
    amount = pd.to_numeric(hit["amount"], errors="coerce").to_numpy(dtype=float)
    out = rows.copy()
    own_category = found & pd.notna(category)
    out.loc[own_category, "category"] = category[own_category]
    own_amount = found & ~np.isnan(amount)
    out.loc[own_amount, "amount"] = np.round(amount[own_amount], 2)
    out["overridden"] = found
    out["override_reason"] = np.where(found, hit["reason"].astype(object).to_numpy(), None)
    out["override_by"] = np.where(found, hit["user"].astype(object).to_numpy(), None)
    out["override_at"] = pd.to_datetime(hit["updated_at"]).to_numpy(dtype="datetime64[ns]")
    return out


def totals(
    rows: pd.DataFrame,
    by: str | None,
    memberships: pd.DataFrame | None = None,
    *,
    order: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Per quarter, group and category (and "All" per quarter and group): accounts, ARR up and
    expected ARR (TOTAL_COLUMNS). by: None (one group, "Portfolio"), "tier", "owner" or
    "segment" (an account counts in every segment of `memberships` it is in)."""
    if rows.empty:
        return pd.DataFrame(columns=TOTAL_COLUMNS)
    if by == "segment":
        assert memberships is not None
        member = memberships.reindex(rows["key"]).fillna(False).astype(bool)
        parts = [rows[member[name].to_numpy()].assign(group=name) for name in member.columns]
        long = pd.concat(parts, ignore_index=True) if parts else rows.iloc[:0].assign(group="")
        groups = list(member.columns)
    else:
        if by is None:
            group = np.full(len(rows), "Portfolio", dtype=object)
        else:
            values = rows[by].astype(object)
            group = values.where(values.notna(), NO_OWNER if by == "owner" else "(none)")
            group = group.to_numpy(dtype=object)
        long = rows.assign(group=group)
        seen = list(dict.fromkeys(long["group"]))
        groups = [g for g in (order or []) if g in seen] + [
            g for g in seen if g not in (order or [])
        ]
    everything = long.assign(category="All")
    both = pd.concat([long, everything], ignore_index=True)
    table = (
        both.groupby(["quarter", "group", "category"], observed=True, sort=False)
        .agg(
            accounts=("key", "size"), arr_up=("arr_up", "sum"), expected_arr=("expected_arr", "sum")
        )
        .reset_index()
    )
    table["arr_up"] = table["arr_up"].round(2)
    table["expected_arr"] = table["expected_arr"].round(2)
    rank_group = {g: i for i, g in enumerate(groups)}
    rank_category = {c: i for i, c in enumerate([*CATEGORIES, "All"])}
    table = table.assign(
        _g=table["group"].map(rank_group), _c=table["category"].map(rank_category)
    ).sort_values(["quarter", "_g", "_c"], kind="stable")
    return table[TOTAL_COLUMNS].reset_index(drop=True)


@dataclass(frozen=True)
class CategoryAccuracy:
    category: str
    accounts: int
    arr_up: float
    expected_arr: float
    actual_arr: float  # what these accounts held at the quarter's end (0 if churned)
    churned: int


@dataclass(frozen=True)
class ForecastAccuracy:
    """A closed quarter: the forecast made at its start against what happened."""

    accounts: int
    arr_up: float
    expected_arr: float
    actual_arr: float
    categories: list[CategoryAccuracy]

    @property
    def error(self) -> float:
        """Actual minus expected retained ARR (positive: the forecast was cautious)."""
        return round(self.actual_arr - self.expected_arr, 2)

    def to_dict(self) -> dict[str, object]:
        return {
            "accounts": self.accounts,
            "arr_up": self.arr_up,
            "expected_arr": self.expected_arr,
            "actual_arr": self.actual_arr,
            "error": self.error,
            "categories": [c.__dict__ for c in self.categories],
        }


def accuracy(rows: pd.DataFrame, closing: pd.DataFrame) -> ForecastAccuracy:
    """`rows`: the forecast of one quarter made at its start; `closing`: the state at its end
    (index key; arr, churned). An account's actual retained ARR is its closing ARR, 0 when it
    churned (an account missing from the closing state counts as churned)."""
    after = closing.reindex(rows["key"])
    churned = after["churned"].to_numpy(dtype=bool, na_value=True)
    actual = np.where(churned, 0.0, np.nan_to_num(as_float(after["arr"])))
    categories = []
    cats = rows["category"].to_numpy(dtype=object)
    for c in CATEGORIES:
        inside = cats == c
        categories.append(
            CategoryAccuracy(
                c,
                int(inside.sum()),
                round(float(rows["arr_up"].to_numpy()[inside].sum()), 2),
                round(float(rows["expected_arr"].to_numpy()[inside].sum()), 2),
                round(float(actual[inside].sum()), 2),
                int(churned[inside].sum()),
            )
        )
    return ForecastAccuracy(
        len(rows),
        round(float(rows["arr_up"].sum()), 2),
        round(float(rows["expected_arr"].sum()), 2),
        round(float(actual.sum()), 2),
        categories,
    )
