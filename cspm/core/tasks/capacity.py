"""Capacity: can the CSMs deliver what the engagement models promise?

Two settings meet here. Each tier's engagement model promises cadences (a check-in every 14
days, a QBR every 90, ...) that cost hours: hours per account per month = sum over its cadences
of (30.4375 / every_days) * hours per task of that kind. And each touch model has an account
limit read as "a full book": 30 high-touch accounts fill one CSM's `hours_per_month`.

Per owner and touch model (`by_owner`):
- load: accounts / max_accounts (0 for an unlimited model); an owner's load is the sum, so 20
  high-touch plus 40 mid-touch accounts is 67% + 53% = 120% of one CSM.
- available_hours_month: the owner's hours the account limits allot to these accounts:
  hours_per_month * load / max(1, owner load); unlimited models share what the limited ones
  leave (in proportion to their accounts). An owner's "all" row has the full hours_per_month
  ("(no owner)" has none).
- over_under_hours = available - required (negative = short); over_capacity when the accounts
  exceed the limit, the hours fall short, or (on the "all" row) the load passes 100%.

Warnings name the owner and the numbers, and flag engagement models whose cadences cannot fit
a full book (the model promises more than a CSM's month holds).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cspm.core.tasks.config import TaskSettings
from cspm.core.tasks.models import TOUCH_MODELS, CapacitySettings, EngagementModel

DAYS_PER_MONTH = 365.25 / 12
NO_OWNER = "(no owner)"
ALL = "all"
_COLUMNS = (
    "owner",
    "touch_model",
    "accounts",
    "max_accounts",
    "load",
    "required_hours_month",
    "available_hours_month",
    "over_under_hours",
    "over_capacity",
)


@dataclass(frozen=True)
class CapacityReport:
    """by_owner: per owner and touch model, then an "all" row per owner (see module docstring).
    totals: per touch model over the team plus an "all" row: accounts, owners, max_accounts,
    required_hours_month, csms_by_limit (accounts / limit), csms_by_hours (hours / a CSM's month).
    """

    by_owner: pd.DataFrame
    warnings: list[str]
    totals: pd.DataFrame


def hours_per_account(model: EngagementModel, capacity: CapacitySettings) -> float:
    """Monthly CSM hours one account of this engagement model needs for its cadences."""
    return float(
        sum(DAYS_PER_MONTH / c.every_days * capacity.task_hours(c.kind) for c in model.cadences)
    )


def capacity_summary(portfolio: pd.DataFrame, settings: TaskSettings) -> CapacityReport:
    """Capacity per owner and touch model, team totals, and warnings (see module docstring)."""
    cap = settings.capacity
    n = len(portfolio)
    if "tier" in portfolio.columns:
        tier_codes, tier_names = pd.factorize(portfolio["tier"])
        models = [settings.model_for(str(t)) for t in tier_names]
    else:
        tier_codes, models = np.full(n, -1), []
    models.append(settings.default_model)
    tier_codes = np.where(tier_codes < 0, len(models) - 1, tier_codes)
    touch = np.array([m.touch_model for m in models], dtype=object)[tier_codes]
    hours = np.array([hours_per_account(m, cap) for m in models])[tier_codes]
    owner = _owners(portfolio)

    accounts = pd.DataFrame({"owner": owner, "touch_model": touch, "hours": hours})
    rows = (
        accounts.groupby(["owner", "touch_model"], sort=False)
        .agg(accounts=("hours", "size"), required_hours_month=("hours", "sum"))
        .reset_index()
    )
    rows = _allot(rows, cap)
    by_owner = _with_owner_totals(rows, cap)
    warnings = _model_warnings(settings) + _owner_warnings(by_owner, cap)
    return CapacityReport(by_owner, warnings, _totals(rows, cap))


def _owners(portfolio: pd.DataFrame) -> np.ndarray:
    if "owner" not in portfolio.columns:
        return np.full(len(portfolio), NO_OWNER, dtype=object)
    owner = portfolio["owner"].astype(object).where(portfolio["owner"].notna(), "")
    owner = owner.astype(str).str.strip()
    return owner.where(owner != "", NO_OWNER).to_numpy(dtype=object)


def _allot(rows: pd.DataFrame, cap: CapacitySettings) -> pd.DataFrame:
    """Limits, load and the hours each (owner, touch model) row is allotted."""
    limits = {m: cap.limit(m) for m in rows["touch_model"].unique()}
    max_acc = rows["touch_model"].map(lambda m: np.nan if limits[m] is None else limits[m])
    rows["max_accounts"] = max_acc.astype(np.float64)
    rows["load"] = (rows["accounts"] / rows["max_accounts"]).fillna(0.0)
    owner_load = rows.groupby("owner")["load"].transform("sum")
    hours = np.where(rows["owner"] == NO_OWNER, 0.0, cap.hours_per_month)
    limited = rows["max_accounts"].notna()
    left = hours * np.clip(1 - owner_load, 0, None)
    unl_accounts = rows["accounts"].where(~limited, 0)
    unl_share = unl_accounts / unl_accounts.groupby(rows["owner"]).transform("sum").replace(0, 1)
    rows["available_hours_month"] = np.where(
        limited, hours * rows["load"] / np.maximum(1.0, owner_load), left * unl_share
    )
    rows["over_under_hours"] = rows["available_hours_month"] - rows["required_hours_month"]
    rows["over_capacity"] = (rows["accounts"] > rows["max_accounts"]) | (
        rows["over_under_hours"] < -1e-9
    )
    return rows


def _with_owner_totals(rows: pd.DataFrame, cap: CapacitySettings) -> pd.DataFrame:
    """Model rows in TOUCH_MODELS order per owner, each owner followed by its "all" row."""
    totals = (
        rows.groupby("owner", sort=False)
        .agg(
            accounts=("accounts", "sum"),
            load=("load", "sum"),
            required_hours_month=("required_hours_month", "sum"),
        )
        .reset_index()
    )
    totals["touch_model"] = ALL
    totals["max_accounts"] = np.nan
    totals["available_hours_month"] = np.where(
        totals["owner"] == NO_OWNER, 0.0, cap.hours_per_month
    )
    totals["over_under_hours"] = totals["available_hours_month"] - totals["required_hours_month"]
    totals["over_capacity"] = (totals["over_under_hours"] < -1e-9) | (totals["load"] > 1 + 1e-9)
    out = pd.concat([rows, totals], ignore_index=True)
    rank = {m: i for i, m in enumerate((*TOUCH_MODELS, ALL))}
    out["_m"] = out["touch_model"].map(rank)
    out["_o"] = (out["owner"] == NO_OWNER).astype(int)
    out = out.sort_values(["_o", "owner", "_m"], kind="stable").reset_index(drop=True)
    out["accounts"] = out["accounts"].astype(np.int64)
    out["over_capacity"] = out["over_capacity"].astype(bool)
    for col in ("required_hours_month", "available_hours_month", "over_under_hours", "load"):
        out[col] = out[col].astype(np.float64).round(2)
    return out.loc[:, list(_COLUMNS)]


def _totals(rows: pd.DataFrame, cap: CapacitySettings) -> pd.DataFrame:
    per = (
        rows.groupby("touch_model", sort=False)
        .agg(
            accounts=("accounts", "sum"),
            owners=("owner", lambda o: int((o != NO_OWNER).sum())),
            max_accounts=("max_accounts", "first"),
            required_hours_month=("required_hours_month", "sum"),
        )
        .reset_index()
    )
    per["csms_by_limit"] = per["accounts"] / per["max_accounts"]
    every = pd.DataFrame(
        {
            "touch_model": [ALL],
            "accounts": [per["accounts"].sum()],
            "owners": [int((rows["owner"].drop_duplicates() != NO_OWNER).sum())],
            "max_accounts": [np.nan],
            "required_hours_month": [per["required_hours_month"].sum()],
            "csms_by_limit": [per["csms_by_limit"].sum(min_count=0)],
        }
    )
    out = pd.concat([per, every], ignore_index=True) if len(per) else every
    hours = cap.hours_per_month
    out["csms_by_hours"] = out["required_hours_month"] / hours if hours > 0 else np.nan
    rank = {m: i for i, m in enumerate((*TOUCH_MODELS, ALL))}
    out = out.sort_values("touch_model", key=lambda s: s.map(rank), kind="stable")
    out["accounts"] = out["accounts"].astype(np.int64)
    for col in ("required_hours_month", "csms_by_limit", "csms_by_hours"):
        out[col] = out[col].astype(np.float64).round(2)
    return out.reset_index(drop=True)


def _model_warnings(settings: TaskSettings) -> list[str]:
    """Engagement models whose cadences cannot fit a full book of their touch model."""
    cap = settings.capacity
    out = []
    for tier, model in settings.engagement.items():
        need = hours_per_account(model, cap)
        if need <= 0:
            continue
        limit = cap.limit(model.touch_model)
        if limit is None:
            out.append(
                f"The {tier} engagement model ({model.touch_model}) needs {need:.1f} hours per"
                f" account a month, but {model.touch_model} has no account limit, so no CSM's"
                " month is sure to cover it."
            )
        elif need * limit > cap.hours_per_month + 1e-9:
            out.append(
                f"The {tier} engagement model ({model.touch_model}) needs {need:.1f} hours per"
                f" account a month: {limit} accounts, the {model.touch_model} limit, need"
                f" {need * limit:.1f} hours, more than the {cap.hours_per_month:.1f} a CSM has."
            )
    return out


def _owner_warnings(by_owner: pd.DataFrame, cap: CapacitySettings) -> list[str]:
    out = []
    model_rows = by_owner[by_owner["touch_model"] != ALL]
    over = model_rows[model_rows["accounts"] > model_rows["max_accounts"]]
    cols = ["owner", "touch_model", "accounts", "max_accounts"]
    for owner, model, n, limit in over[cols].itertuples(index=False):
        who = "Accounts with no owner" if owner == NO_OWNER else owner
        out.append(f"{who} carries {n} {model} accounts; the {model} model allows {int(limit)}.")
    over_owners = set(over["owner"])
    totals = by_owner[by_owner["touch_model"] == ALL]
    for row in totals.itertuples(index=False):
        if row.owner == NO_OWNER:
            hours = f"; their cadences need {row.required_hours_month:.1f} hours a month"
            need = hours if row.required_hours_month > 0 else ""
            many = f"{row.accounts} accounts have" if row.accounts != 1 else "1 account has"
            out.append(f"{many} no owner{need}.")
            continue
        if row.required_hours_month > row.available_hours_month + 1e-9:
            out.append(
                f"{row.owner}'s cadences need {row.required_hours_month:.1f} hours a month;"
                f" {row.available_hours_month:.1f} are available."
            )
        if row.load > 1 + 1e-9 and row.owner not in over_owners:
            out.append(f"{row.owner}'s book is {row.load:.0%} of one CSM's capacity.")
    return out
