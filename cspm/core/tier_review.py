"""The quarterly tier review: accounts whose ARR band, health and pins suggest another tier (and
so another engagement model) than the one they have.

Practice guides tell CSMs to "reassess segment assignments at least quarterly, using health and
usage". Tiers here follow the ARR band unless the CRM names one or a CSM pinned one, so three
kinds of account drift:

- **stale pins**: a tier pinned more than `stale_days` ago was a judgement about the account as
  it was then. If its ARR band differs now, the band is suggested; if the band agrees, the pin
  does nothing and unpinning is suggested (the pin would hide the next band move);
- **the CRM's tier against the band**: an imported tier that no band supports;
- **at risk just under the next band**: a red account whose ARR is within `near_band` of the
  next tier up gets that tier's touch model suggested while it is at risk (the money at stake is
  about that tier's, the engagement it gets is the lower tier's).

Each row says why in one sentence; accepting or keeping is the user's (see
`cspm.service.tier_review`), and both go into the tier override history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pandas as pd

from cspm.core.columns import as_float
from cspm.core.money import USD, MoneyFormat, full_one
from cspm.core.settings import UNASSIGNED_TIER, Settings
from cspm.core.tiers import tier_from_arr

REVIEW_COLUMNS = ["key", "name", "tier", "tier_source", "suggested", "kind", "why", "arr"]
KINDS = ("stale pin", "pin not needed", "CRM tier", "at risk near next tier")


@dataclass(frozen=True)
class ReviewRules:
    stale_days: int = 91  # a quarter
    near_band: float = 0.2  # within 20% below the next band's minimum ARR
    red_below: float = 50.0  # the health settings' red band


def review_tiers(
    frame: pd.DataFrame,
    settings: Settings,
    pins: pd.DataFrame,
    today: dt.date,
    rules: ReviewRules = ReviewRules(),
    money: MoneyFormat = USD,
) -> pd.DataFrame:
    """One row per account to review (REVIEW_COLUMNS), largest ARR first.

    frame: the analysed portfolio (index = key; name, arr, tier, tier_source, tier_reason,
    health_score, lifecycle_stage); pins: the pinned tiers (index = key; updated_at, reason,
    user)."""
    live = frame[frame["lifecycle_stage"].astype(object) != "Churned"]
    arr = as_float(live["arr"])
    band = tier_from_arr(live["arr"], settings.tier_bands).astype(object).to_numpy()
    tier = live["tier"].astype(object).to_numpy()
    source = live["tier_source"].astype(object).to_numpy()
    health = as_float(live["health_score"])
    pinned_on = pd.to_datetime(pins["updated_at"]).dt.normalize().reindex(live.index)
    age = (pd.Timestamp(today) - pinned_on).dt.days.to_numpy(dtype=float, na_value=np.nan)
    said = _pin_notes(pins).reindex(live.index).astype(object).to_numpy()
    pinned = source == "override"
    stale = pinned & (age > rules.stale_days)
    known_band = band != UNASSIGNED_TIER
    moved = stale & known_band & (band != tier)
    needless = stale & known_band & (band == tier)
    crm = (source == "imported") & known_band & (band != tier)
    up_name, up_min = _next_band_up(settings, tier)
    with np.errstate(invalid="ignore"):
        near = (
            (source == "arr_band")
            & (health < rules.red_below)
            & ~np.isnan(up_min)
            & (arr >= (1 - rules.near_band) * up_min)
            & (arr < up_min)
        )
    none = np.full(len(live), None, dtype=object)
    suggested = np.where(moved | needless | crm, band, np.where(near, up_name, none))
    kind = np.full(len(live), None, dtype=object)
    for mask, name in zip((near, crm, needless, moved), KINDS[::-1], strict=True):
        kind[mask] = name
    keep = kind != None  # noqa: E711 (element-wise)
    rows = live[keep]
    out = pd.DataFrame(
        {
            "key": rows.index.to_numpy(dtype=object),
            "name": rows["name"].astype(object).to_numpy(),
            "tier": tier[keep],
            "tier_source": source[keep],
            "suggested": suggested[keep],
            "kind": kind[keep],
            "arr": arr[keep],
        }
    )
    out["why"] = [
        _why(k, t, s, a, h, d, r, up, money)
        for k, t, s, a, h, d, r, up in zip(
            out["kind"],
            out["tier"],
            out["suggested"],
            out["arr"],
            health[keep],
            age[keep],
            said[keep],
            up_min[keep],
            strict=True,
        )
    ]
    return out.sort_values("arr", ascending=False, na_position="last", kind="stable")[
        REVIEW_COLUMNS
    ].reset_index(drop=True)


def _pin_notes(pins: pd.DataFrame) -> pd.Series:
    """ "strategic logo, by Dana Lee" per pinned account."""
    reason = pins["reason"].fillna("").astype(str).str.strip()
    user = pins["user"].fillna("").astype(str).str.strip()
    by = np.where(user != "", ", by " + user, "")
    return pd.Series(reason.to_numpy(dtype=object) + by, index=pins.index).str.strip(", ")


def _next_band_up(settings: Settings, tiers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per account, the name and minimum ARR of the band just above its tier (None/NaN at the
    top or for a tier that is no band)."""
    ordered = sorted(settings.tier_bands, key=lambda b: b.min_arr)
    above: dict[str, tuple[str, float]] = {
        low.name: (high.name, float(high.min_arr)) for low, high in pairwise(ordered)
    }
    names = np.array([above.get(str(t), (None, np.nan))[0] for t in tiers], dtype=object)
    mins = np.array([above.get(str(t), (None, np.nan))[1] for t in tiers], dtype=float)
    return names, mins


def _why(
    kind: str,
    tier: str,
    suggested: str,
    arr: float,
    health: float,
    age: float,
    reason: object,
    up_min: float,
    money: MoneyFormat,
) -> str:
    amount = full_one(arr, money, missing="no ARR")
    if kind in ("stale pin", "pin not needed"):
        note = f" ({reason})" if isinstance(reason, str) and reason else ""
        head = f"Pinned to {tier} {int(age)} days ago{note}"
        if kind == "pin not needed":
            return f"{head}; its ARR {amount} is in the {tier} band too: the pin does nothing now."
        return f"{head}; its ARR {amount} is in the {suggested} band now."
    if kind == "CRM tier":
        return f"The CRM says {tier}; its ARR {amount} is in the {suggested} band."
    gap = (up_min - arr) / up_min if up_min else 0.0
    return (
        f"Health {health:.0f} (red) with ARR {amount}, {gap:.0%} under the {suggested} band: "
        f"{suggested}'s touch while it is at risk?"
    )
