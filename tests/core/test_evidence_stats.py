"""ROC AUC against the pairwise count it stands for, and Wilson intervals against known values."""

from __future__ import annotations

import numpy as np
import pytest

from cspm.core.evidence_stats import roc_auc, wilson_interval


def pairwise_auc(score: np.ndarray, event: np.ndarray) -> float:
    """The definition: over every (event, non-event) pair, 1 if the event scores higher, 1/2 on
    a tie."""
    pos, neg = score[event], score[~event]
    wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(wins / (len(pos) * len(neg)))


@pytest.mark.parametrize("seed", range(6))
def test_auc_equals_the_pairwise_count_with_ties(seed: int) -> None:
    rng = np.random.default_rng(seed)
    score = rng.integers(0, 12, 400).astype(float)  # many ties
    event = rng.random(400) < 0.15 + score / 40
    assert roc_auc(score, event) == pytest.approx(pairwise_auc(score, event), abs=1e-12)


def test_auc_known_cases_and_missing_scores() -> None:
    assert roc_auc(np.array([1.0, 2, 3, 4]), np.array([False, False, True, True])) == 1.0
    assert roc_auc(np.array([4.0, 3, 2, 1]), np.array([False, False, True, True])) == 0.0
    assert roc_auc(np.array([1.0, 1, 1, 1]), np.array([False, True, False, True])) == 0.5
    with_nan = np.array([np.nan, 1.0, 2, 3, 4])
    assert roc_auc(with_nan, np.array([True, False, False, True, True])) == 1.0
    assert np.isnan(roc_auc(np.array([1.0, 2]), np.array([False, False])))


@pytest.mark.parametrize(
    ("events", "n", "low", "high"),
    [
        (0, 10, 0.0, 0.2775),
        (5, 10, 0.2366, 0.7634),
        (10, 10, 0.7225, 1.0),
        (81, 263, 0.2553, 0.3662),  # Newcombe (1998), Wilson's method, example value
    ],
)
def test_wilson_known_values(events: int, n: int, low: float, high: float) -> None:
    lo, hi = wilson_interval(events, n)
    assert float(lo) == pytest.approx(low, abs=5e-4)
    assert float(hi) == pytest.approx(high, abs=5e-4)


def test_wilson_is_vectorised_and_empty_groups_have_no_interval() -> None:
    lo, hi = wilson_interval(np.array([0, 5, 0]), np.array([10, 10, 0]))
    assert lo[1] == pytest.approx(0.2366, abs=5e-4) and hi[0] == pytest.approx(0.2775, abs=5e-4)
    assert np.isnan(lo[2]) and np.isnan(hi[2])
