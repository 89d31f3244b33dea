"""Suggested health weights: fitted to the stored history, shown beside the current ones with
both backtest AUCs, and only ever applied by the user.

Per tier, a logistic regression of "churned within the horizon" on the components (0-100) at
the opening date, with an L2 penalty (ridge) so a component seen in few accounts cannot take an
extreme weight, fitted by Newton's method (iteratively reweighted least squares) in numpy:
eleven features and a few hundred thousand rows converge in a handful of steps, with nothing
random and nothing kept between runs. Components are standardised for the fit; a missing value
is replaced by the component's mean over the pairs (no extra features: a weight must read as
"how much this signal counts").

A weight is the negative coefficient on the raw 0-100 scale (a component that lowers churn
when it is higher counts for health), floored at 0 (a health score cannot count a signal
against itself) and normalised to sum 1. Both AUCs are of the *computed* score (weights only
shape that one), out of sample: pairs are split in three folds by account, each fold scored by
weights fitted on the other two, so the suggestion is not judged on the rows it learnt from.
"""

from __future__ import annotations

import dataclasses
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cspm.core.evidence_stats import roc_auc
from cspm.core.health import COMPONENTS, HealthConfig, HealthWeights, tier_weights_of
from cspm.core.health_backtest import PART_COLUMNS, rescore_computed

MIN_EVENTS = 10
MIN_PAIRS = 30
FOLDS = 3
MAX_FIT_ROWS = 120_000
"""A fit reads at most this many account-dates (every k-th, in a fixed order): eleven weights
are settled long before that, and a 100,000-account history has over a million."""


def _logistic_fit(x: np.ndarray, y: np.ndarray, l2: float, steps: int = 50) -> np.ndarray:
    """Coefficients (intercept first) of an L2-penalised logistic regression (Newton/IRLS)."""
    design = np.column_stack([np.ones(len(x)), x])
    beta = np.zeros(design.shape[1])
    penalty = np.full(design.shape[1], l2)
    penalty[0] = 0.0  # the intercept is not shrunk
    for _ in range(steps):
        eta = np.clip(design @ beta, -30, 30)
        p = 1 / (1 + np.exp(-eta))
        w = p * (1 - p)
        gradient = design.T @ (y - p) - penalty * beta
        hessian = (design * w[:, None]).T @ design + np.diag(penalty)
        step = np.linalg.solve(hessian + 1e-9 * np.eye(len(beta)), gradient)
        beta = beta + step
        if np.max(np.abs(step)) < 1e-6:
            break
    return beta


def fit_weights(
    pairs: pd.DataFrame, *, l2: float = 1.0, components: Sequence[str] = COMPONENTS
) -> HealthWeights | None:
    """Weights fitted to `pairs` (None when no component carries any information)."""
    if len(pairs) > MAX_FIT_ROWS:
        pairs = pairs.iloc[:: -(-len(pairs) // MAX_FIT_ROWS)]
    raw = np.column_stack(
        [pairs[f"health_{c}"].to_numpy(dtype=float, na_value=np.nan) for c in components]
    )
    y = pairs["churned"].to_numpy(dtype=float)
    seen = (~np.isnan(raw)).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(seen > 0, np.nansum(raw, axis=0) / seen, np.nan)
    usable = seen > 0
    filled = np.where(np.isnan(raw), np.where(usable, means, 0.0), raw)
    scale = filled.std(axis=0)
    usable &= scale > 1e-9
    if not usable.any():
        return None
    z = (filled[:, usable] - filled[:, usable].mean(axis=0)) / scale[usable]
    beta = _logistic_fit(z, y, l2)[1:] / scale[usable]  # per point of the 0-100 scale
    weights = np.zeros(len(components))
    weights[usable] = np.maximum(0.0, -beta)
    if weights.sum() <= 0:
        return None
    weights = np.round(weights / weights.sum(), 2)
    return HealthWeights(**{c: float(w) for c, w in zip(components, weights, strict=True)})


@dataclass(frozen=True)
class Suggestion:
    tier: str
    weights: HealthWeights | None
    auc_suggested: float | None  # out of sample
    auc_current: float | None  # the current weights, on the same folds' pairs
    pairs: int
    events: int
    note: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "tier": self.tier,
            "weights": None if self.weights is None else dataclasses.asdict(self.weights),
            "auc_suggested": None if self.auc_suggested is None else round(self.auc_suggested, 4),
            "auc_current": None if self.auc_current is None else round(self.auc_current, 4),
            "pairs": self.pairs,
            "events": self.events,
            "note": self.note,
        }


def _scored(pairs: pd.DataFrame, weights: HealthWeights, config: HealthConfig) -> np.ndarray:
    """The computed score of `pairs` when every tier uses `weights`."""
    one = dataclasses.replace(config, weights=weights, tier_weights={})
    return rescore_computed(pairs, one)


def _folds(keys: np.ndarray) -> np.ndarray:
    """A fold per account (stable across runs: a checksum of the key, no random state)."""
    codes = np.array([zlib.crc32(str(k).encode()) for k in pd.unique(keys)], dtype=np.int64)
    fold_of = dict(zip(pd.unique(keys), codes % FOLDS, strict=True))
    return pd.Series(keys).map(fold_of).to_numpy(dtype=np.int64)


def _auc_or_none(score: np.ndarray, churned: np.ndarray) -> float | None:
    auc = roc_auc(100 - score, churned)
    return None if np.isnan(auc) else auc


def suggest(
    pairs: pd.DataFrame, config: HealthConfig, *, min_events: int = MIN_EVENTS, l2: float = 1.0
) -> list[Suggestion]:
    """Per tier of the pairs: fitted weights and the out-of-sample AUCs (suggested, current)."""
    out = []
    tiers = pairs["tier"].astype(object).to_numpy()
    for tier in sorted({t for t in tiers if isinstance(t, str)}):
        mine = pairs[tiers == tier]
        churned = mine["churned"].to_numpy(dtype=bool)
        events, n = int(churned.sum()), len(mine)
        if events < min_events or n - events < min_events or n < MIN_PAIRS:
            note = (
                f"{tier}: {events} churn event{'s' if events != 1 else ''} in {n:,} "
                f"account-dates; weights need at least {min_events}."
            )
            out.append(Suggestion(tier, None, None, None, n, events, note))
            continue
        weights = fit_weights(mine, l2=l2)
        if weights is None:
            note = f"{tier}: no health component varies in the history; nothing to fit."
            out.append(Suggestion(tier, None, None, None, n, events, note))
            continue
        folds = _folds(mine["key"].to_numpy(dtype=object))
        suggested = np.full(n, np.nan)
        for f in range(FOLDS):
            test = folds == f
            fitted = fit_weights(mine[~test], l2=l2) if (~test).any() else None
            if fitted is not None and test.any():
                suggested[test] = _scored(mine[test], fitted, config)
        current = _scored(mine, tier_weights_of(config, tier), config)
        both = ~np.isnan(suggested) & ~np.isnan(current)
        out.append(
            Suggestion(
                tier,
                weights,
                _auc_or_none(suggested[both], churned[both]),
                _auc_or_none(current[both], churned[both]),
                n,
                events,
            )
        )
    return out


__all__ = ["PART_COLUMNS", "Suggestion", "fit_weights", "suggest"]
