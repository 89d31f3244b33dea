"""Does the health score predict churn? Its track record on the stored history, and what edited
settings would have scored.

A *pair* is one account at one snapshot date: the health it had then, and what happened by a
later snapshot (`horizon_pairs`). Only accounts live at the opening count (a churned account
cannot churn again). The outcome is "churned" (churned at the close), else "contracted",
"flat" or "expanded" by its ARR (to the cent).

The backtest per tier (its tier at the opening) reports:
- the ROC AUC of (100 - health) as a churn score: 0.5 is a coin toss, 1.0 ranks every churn
  above every renewal. It needs `min_events` churns and as many renewals, else one sentence
  says why instead of a number;
- the churn rate of each colour band (red / amber / green, the settings' bands), which a CSM
  reads more easily than an AUC;
- a lift table: deciles of risk (lowest health first), their churn rate against the overall
  rate, and the share of all churn the riskiest deciles hold.

Pairs of one account at several dates are not independent; the AUC and rates are descriptive
figures of the history, not tests, so no interval is claimed for them.

`rescore` recomputes the effective score from a pair's (or today's account's) components under
other settings, by the same rules as `cspm.core.health.compute_health`, so the what-if and the
suggested weights are judged exactly as they would score.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from cspm.core.columns import as_float
from cspm.core.evidence_stats import roc_auc
from cspm.core.health import COMPONENTS, HealthConfig, health_band, tier_weights_of

BANDS = ("red", "yellow", "green")
OUTCOMES = ("churned", "contracted", "flat", "expanded")
PART_COLUMNS = tuple(f"health_{c}" for c in COMPONENTS)


def _floats(frame: pd.DataFrame, name: str) -> np.ndarray:
    return as_float(frame[name]) if name in frame.columns else np.full(len(frame), np.nan)


def horizon_pairs(opening: pd.DataFrame, closing: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """One row per account live in `opening` (index = key) with its outcome in `closing`."""
    churned_then = opening["churned"].to_numpy(dtype=bool, na_value=False)
    live = opening[~churned_then]
    live = live[live.index.isin(closing.index)]
    after = closing.reindex(live.index)
    arr_then = np.round(np.nan_to_num(_floats(live, "arr")), 2)
    arr_after = np.round(np.nan_to_num(_floats(after, "arr")), 2)
    churned = after["churned"].to_numpy(dtype=bool, na_value=False)
    outcome = np.select(
        [churned, arr_after < arr_then, arr_after > arr_then],
        ["churned", "contracted", "expanded"],
        default="flat",
    )
    data: dict[str, object] = {
        "key": live.index.to_numpy(dtype=object),
        "as_of": np.full(len(live), np.datetime64(as_of, "ns")),
        "tier": live["tier"].astype(object).to_numpy() if "tier" in live else None,
        "health_score": _floats(live, "health_score"),
        "health_source": live["health_source"].astype(object).to_numpy()
        if "health_source" in live
        else None,
        "imported_health_score": _floats(live, "imported_health_score"),
    }
    data.update({c: _floats(live, c) for c in PART_COLUMNS})
    data.update(arr_then=arr_then, arr_after=arr_after, churned=churned, outcome=outcome)
    return pd.DataFrame(data)


def concat_pairs(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The pairs of several dates as one frame (tier and outcome as categories)."""
    pairs = pd.concat(frames, ignore_index=True) if frames else horizon_pairs(
        pd.DataFrame(columns=["churned", "arr"]), pd.DataFrame(columns=["churned"]), dt.date.min
    )  # fmt: skip
    return pairs.assign(
        key=pairs["key"].astype("category"),  # counting distinct accounts hashes codes only
        tier=pairs["tier"].astype("category"),
        outcome=pairs["outcome"].astype("category"),
    )


@dataclass(frozen=True)
class Band:
    band: str  # red | yellow | green
    accounts: int  # distinct accounts that had this band at some date
    pairs: int
    churned: int
    churn_rate: float | None


@dataclass(frozen=True)
class LiftRow:
    decile: int  # 1 = the lowest health (the highest risk)
    pairs: int
    churned: int
    churn_rate: float | None
    lift: float | None  # churn rate over the overall rate
    captured: float | None  # share of all churn in deciles 1..this one


@dataclass(frozen=True)
class TierBacktest:
    tier: str
    auc: float | None
    accounts: int  # distinct accounts with a score
    pairs: int  # scored account-dates
    events: int  # churned among them
    bands: list[Band] = field(default_factory=list)
    lift: list[LiftRow] = field(default_factory=list)
    note: str | None = None  # why there is no AUC

    def to_dict(self) -> dict[str, object]:
        return {
            "tier": self.tier,
            "auc": None if self.auc is None else round(self.auc, 4),
            "accounts": self.accounts,
            "pairs": self.pairs,
            "events": self.events,
            "bands": [asdict(b) for b in self.bands],
            "lift": [asdict(r) for r in self.lift],
            "note": self.note,
        }


def _rate(events: int, n: int) -> float | None:
    return events / n if n else None


def backtest(
    pairs: pd.DataFrame,
    config: HealthConfig,
    *,
    score: np.ndarray | None = None,
    min_events: int = 5,
    total: str = "All tiers",
) -> list[TierBacktest]:
    """Per tier (in order of the tier categories, then `total` over every pair).

    score: per pair, the score to judge (default: the health each account had). Pairs
    without a score are left out of every figure."""
    values = _floats(pairs, "health_score") if score is None else np.asarray(score, float)
    scored = ~np.isnan(values)
    keys = _key_codes(pairs["key"])
    churned = pairs["churned"].to_numpy(dtype=bool)
    tiers = pairs["tier"].astype(object).to_numpy()
    bands = health_band(pd.Series(values), config.red_below, config.green_from).to_numpy()
    names = [str(t) for t in pd.unique(tiers[scored]) if isinstance(t, str)]
    out = []
    for name, mask in [*((t, scored & (tiers == t)) for t in sorted(names)), (total, scored)]:
        out.append(_one(name, values[mask], churned[mask], keys[mask], bands[mask], min_events))
    return out


def _key_codes(keys: pd.Series) -> np.ndarray:
    """Integer codes of the account keys (distinct accounts are distinct codes)."""
    if isinstance(keys.dtype, pd.CategoricalDtype):
        return keys.cat.codes.to_numpy()
    return pd.factorize(keys)[0]


def _distinct(codes: np.ndarray) -> int:
    return int(np.unique(codes).size)


def _one(
    tier: str,
    score: np.ndarray,
    churned: np.ndarray,
    keys: np.ndarray,
    bands: np.ndarray,
    min_events: int,
) -> TierBacktest:
    events, n = int(churned.sum()), len(churned)
    note = None
    if events < min_events:
        note = (
            f"Only {events} churn event{'s' if events != 1 else ''} in {tier}; "
            f"a backtest needs at least {min_events}."
        )
    elif n - events < min_events:
        note = f"Only {n - events} account-dates without churn in {tier}; too few to compare."
    auc = None if note else roc_auc(100 - score, churned)
    band_rows = []
    for band in BANDS:
        inside = bands == band
        k, m = int(churned[inside].sum()), int(inside.sum())
        band_rows.append(Band(band, _distinct(keys[inside]), m, k, _rate(k, m)))
    return TierBacktest(
        tier, auc, _distinct(keys), n, events, band_rows, _lift(score, churned), note
    )


def _lift(score: np.ndarray, churned: np.ndarray, bins: int = 10) -> list[LiftRow]:
    """Deciles of risk by rank (lowest health first; ties may fall in neighbouring deciles)."""
    n = len(score)
    if n < bins:
        return []
    order = np.argsort(score, kind="stable")
    decile = np.empty(n, np.int64)
    decile[order] = np.arange(n) * bins // n
    pairs = np.bincount(decile, minlength=bins)
    events = np.bincount(decile, weights=churned.astype(float), minlength=bins).astype(int)
    overall = churned.mean()
    total = max(int(churned.sum()), 1)
    rows, captured = [], 0
    for d in range(bins):
        captured += int(events[d])
        rate = _rate(int(events[d]), int(pairs[d]))
        rows.append(
            LiftRow(
                d + 1,
                int(pairs[d]),
                int(events[d]),
                rate,
                None if rate is None or overall == 0 else rate / overall,
                captured / total if churned.any() else None,
            )
        )
    return rows


def rescore(frame: pd.DataFrame, config: HealthConfig) -> np.ndarray:
    """The effective health score each row would get under `config`, from its components,
    tier and imported score (the rules of `compute_health`)."""
    computed = rescore_computed(frame, config)
    imported = _floats(frame, "imported_health_score")
    has_imported = ~np.isnan(imported)
    if config.prefer_imported:
        return np.where(has_imported, imported, computed)
    return np.where(np.isnan(computed) & has_imported, imported, computed)


def rescore_computed(frame: pd.DataFrame, config: HealthConfig) -> np.ndarray:
    """The score computed from the components under `config` (NaN: too few signals)."""
    values = np.column_stack([_floats(frame, c) for c in PART_COLUMNS]) if len(frame) else (
        np.empty((0, len(COMPONENTS)))
    )  # fmt: skip
    tier_weights = weight_matrix(frame, config)
    weighed = tier_weights > 0
    present = (~np.isnan(values) & weighed).sum(axis=1)
    weights = np.where(np.isnan(values), 0.0, tier_weights)
    total = weights.sum(axis=1)
    enough = present >= max(config.min_signals, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(
            enough & (total > 0), (np.nan_to_num(values) * weights).sum(axis=1) / total, np.nan
        )


def weight_matrix(frame: pd.DataFrame, config: HealthConfig) -> np.ndarray:
    """Per row, its tier's weights per component (`health._weight_matrix`'s result), looked
    up once per distinct tier: a million account-dates hold a handful of tiers."""
    if "tier" not in frame.columns or not config.tier_weights:
        base = np.array([getattr(config.weights, c) for c in COMPONENTS], dtype=float)
        return np.tile(base, (len(frame), 1))
    codes, tiers = pd.factorize(frame["tier"].astype(object), use_na_sentinel=True)
    table = np.array(
        [[getattr(tier_weights_of(config, t), c) for c in COMPONENTS] for t in tiers]
        + [[getattr(config.weights, c) for c in COMPONENTS]],
        dtype=float,
    )
    return table[codes]  # a missing tier (-1) takes the last row: the weights for every tier


@dataclass(frozen=True)
class BandSpread:
    """Today's accounts over the bands under the saved and the edited settings."""

    before: dict[str, int]  # red / yellow / green / none -> accounts
    after: dict[str, int]
    changed: int  # accounts whose band differs (no score <-> a score counts)


def _counts(bands: np.ndarray) -> dict[str, int]:
    return {b: int((bands == b).sum()) for b in (*BANDS, "none")}


def band_spread(frame: pd.DataFrame, before: HealthConfig, after: HealthConfig) -> BandSpread:
    """How `frame`'s accounts (the analysed portfolio) spread over the bands, before and after."""
    live = frame
    if "lifecycle_stage" in frame.columns:
        live = frame[frame["lifecycle_stage"].astype(object) != "Churned"]
    old = health_band(pd.Series(rescore(live, before)), before.red_below, before.green_from)
    new = health_band(pd.Series(rescore(live, after)), after.red_below, after.green_from)
    old_b = old.fillna("none").to_numpy(dtype=object)
    new_b = new.fillna("none").to_numpy(dtype=object)
    return BandSpread(_counts(old_b), _counts(new_b), int((old_b != new_b).sum()))
