"""Suggested weights: on a history generated from known weights they beat uniform weights out of
sample and find the components that matter; too little churn says so."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from cspm.core.health import COMPONENTS, HealthConfig, HealthWeights
from cspm.core.health_backtest import PART_COLUMNS, backtest, rescore_computed
from cspm.core.health_fit import fit_weights, suggest

TRUE = {"mau_trend": 0.6, "interaction": 0.4}
"""What really drives churn in the generated history."""


def generated_pairs(seed: int = 0, n: int = 6000, tier: str = "SMB") -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    parts = {c: rng.uniform(0, 100, n) for c in COMPONENTS}
    for c in ("nps", "unpaid_invoices"):
        parts[c][rng.random(n) < 0.4] = np.nan  # some signals are often missing
    true_score = sum(parts[c] * w for c, w in TRUE.items())
    churn = rng.random(n) < 1 / (1 + np.exp(-(2.0 - 0.08 * true_score)))
    return pd.DataFrame(
        {
            "key": [f"A{i % (n // 3)}" for i in range(n)],  # each account at three dates
            "tier": tier,
            "churned": churn,
            **{f"health_{c}": v for c, v in parts.items()},
        }
    )


def test_suggested_weights_beat_uniform_weights_and_find_the_drivers() -> None:
    pairs = generated_pairs()
    uniform = HealthWeights(**{c: 1.0 for c in COMPONENTS})
    config = HealthConfig(weights=uniform, tier_weights={}, min_signals=1)
    (found,) = suggest(pairs, config)
    assert found.weights is not None and found.note is None
    assert found.auc_suggested is not None and found.auc_current is not None
    assert found.auc_suggested > found.auc_current + 0.1
    ranked = sorted(COMPONENTS, key=lambda c: -getattr(found.weights, c))
    assert set(ranked[:2]) == set(TRUE)
    assert abs(sum(getattr(found.weights, c) for c in COMPONENTS) - 1) < 0.05
    # and the backtest of a health config holding them agrees
    fitted = dataclasses.replace(config, weights=found.weights)
    judged = backtest(pairs.assign(health_score=rescore_computed(pairs, fitted)), fitted)
    plain = backtest(pairs.assign(health_score=rescore_computed(pairs, config)), config)
    assert judged[-1].auc is not None and plain[-1].auc is not None
    assert judged[-1].auc > plain[-1].auc


def test_too_little_churn_gives_a_sentence_not_weights() -> None:
    pairs = generated_pairs(n=300).assign(churned=False)
    pairs.loc[:4, "churned"] = True
    (found,) = suggest(pairs, HealthConfig())
    assert found.weights is None
    assert found.note == "SMB: 5 churn events in 300 account-dates; weights need at least 10."


def test_a_component_nobody_has_gets_no_weight() -> None:
    pairs = generated_pairs(n=3000).assign(health_escalations=np.nan)
    weights = fit_weights(pairs)
    assert weights is not None and weights.escalations == 0.0
    assert "health_escalations" in PART_COLUMNS
