"""The health backtest on crafted histories: band churn rates counted by hand, the AUC against
the pairwise reference, a sentence instead of a number when churn is too rare; the what-if
rescoring equals the health model it mirrors."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from cspm.core.health import COMPONENTS, HealthConfig, HealthWeights, compute_health
from cspm.core.health_backtest import (
    backtest,
    band_spread,
    concat_pairs,
    horizon_pairs,
    rescore,
)
from tests.core.test_evidence_stats import pairwise_auc

DAY1, DAY2 = dt.date(2026, 3, 31), dt.date(2026, 6, 30)


def state(rows: list[tuple[str, str, float | None, float, bool]]) -> pd.DataFrame:
    """(key, tier, health, arr, churned) -> an analysed-state frame."""
    frame = pd.DataFrame(rows, columns=["key", "tier", "health_score", "arr", "churned"])
    return frame.set_index("key")


def test_pairs_outcomes_and_the_live_cohort() -> None:
    opening = state([
        ("A", "SMB", 40, 1000, False), ("B", "SMB", 80, 1000, False),
        ("C", "SMB", 60, 1000, False), ("D", "SMB", 70, 1000, False),
        ("E", "SMB", 10, 1000, True),  # churned already: not in the cohort
    ])  # fmt: skip
    closing = state([
        ("A", "SMB", None, 0, True), ("B", "SMB", 80, 1200, False),
        ("C", "SMB", 60, 800, False), ("D", "SMB", 70, 1000, False), ("E", "SMB", None, 0, True),
    ])  # fmt: skip
    pairs = horizon_pairs(opening, closing, DAY1)
    assert dict(zip(pairs["key"], pairs["outcome"], strict=True)) == {
        "A": "churned", "B": "expanded", "C": "contracted", "D": "flat",
    }  # fmt: skip
    assert pairs["as_of"].iloc[0] == pd.Timestamp(DAY1)


def crafted_pairs() -> pd.DataFrame:
    """Two dates of 10 SMB accounts: red (health < 50) churn 3 of 4, amber 1 of 6, green 0 of 10."""
    first = [("r1", 20, True), ("r2", 30, True), ("y1", 60, True), ("y2", 65, False),
             ("y3", 70, False), ("g1", 80, False), ("g2", 85, False), ("g3", 90, False),
             ("g4", 95, False), ("g5", 99, False)]  # fmt: skip
    second = [("r1", 45, True), ("r3", 10, False), ("y4", 55, False), ("y5", 60, False),
              ("y6", 74, False), ("g1", 75, False), ("g2", 80, False), ("g6", 90, False),
              ("g7", 91, False), ("g8", 92, False)]  # fmt: skip
    frames = []
    for day, rows in ((DAY1, first), (DAY2, second)):
        opening = state([(k, "SMB", h, 1000, False) for k, h, _c in rows])
        closing = state([(k, "SMB", h, 0 if c else 1000, c) for k, h, c in rows])
        frames.append(horizon_pairs(opening, closing, day))
    return concat_pairs(frames)


def test_band_churn_rates_and_auc_on_a_crafted_history() -> None:
    pairs = crafted_pairs()
    smb, total = backtest(pairs, HealthConfig())
    assert smb.tier == "SMB" and total.tier == "All tiers"
    bands = {b.band: b for b in smb.bands}
    assert (bands["red"].pairs, bands["red"].churned) == (4, 3)
    assert bands["red"].churn_rate == 0.75
    assert bands["red"].accounts == 3  # r1 at both dates
    assert (bands["yellow"].pairs, bands["yellow"].churned) == (6, 1)
    assert (bands["green"].pairs, bands["green"].churned, bands["green"].churn_rate) == (10, 0, 0)
    assert smb.events == 4 and smb.pairs == 20 and smb.accounts == 17
    health = pairs["health_score"].to_numpy(float)
    churned = pairs["churned"].to_numpy(bool)
    assert smb.auc is None  # 4 events: below the default minimum of 5
    assert "Only 4 churn events in SMB" in (smb.note or "")
    (again, _total) = backtest(pairs, HealthConfig(), min_events=3)
    assert again.auc == pytest.approx(pairwise_auc(100 - health, churned))
    assert again.lift[0].churned >= again.lift[-1].churned


def test_accounts_without_a_score_are_left_out() -> None:
    pairs = crafted_pairs()
    pairs.loc[pairs["key"] == "g8", "health_score"] = np.nan
    smb, _ = backtest(pairs, HealthConfig())
    assert smb.pairs == 19


def random_portfolio(seed: int, n: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "key": [f"K{i}" for i in range(n)],
            "tier": rng.choice(["Enterprise", "Mid-Market", "SMB", None], n),
            "arr": rng.uniform(1_000, 200_000, n),
            "seats_purchased": rng.integers(1, 100, n).astype(float),
            "seats_active": rng.integers(0, 100, n).astype(float),
            "nps": np.where(rng.random(n) < 0.4, np.nan, rng.integers(0, 11, n)),
            "open_tickets": np.where(rng.random(n) < 0.3, np.nan, rng.integers(0, 12, n)),
            "unpaid_invoices": np.where(rng.random(n) < 0.5, np.nan, rng.uniform(0, 9e4, n)),
            "health_score": np.where(rng.random(n) < 0.5, np.nan, rng.uniform(0, 100, n)),
        }
    ).set_index("key", drop=False)
    return frame


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("prefer", [True, False])
def test_rescore_equals_the_health_model(seed: int, prefer: bool) -> None:
    portfolio = random_portfolio(seed)
    config = HealthConfig(
        prefer_imported=prefer,
        min_signals=1 + seed % 3,
        tier_weights={"SMB": HealthWeights(nps=0.0, open_tickets=2.0)},
    )
    health = compute_health(portfolio, None, dt.date(2026, 11, 23), config)
    frame = portfolio.join(health.drop(columns=["health_score"]))
    frame["imported_health_score"] = portfolio["health_score"]
    expected = health["health_score"].to_numpy(float)
    assert np.array_equal(rescore(frame, config), expected, equal_nan=True)


def test_band_spread_counts_and_changes() -> None:
    portfolio = random_portfolio(1)
    saved = HealthConfig(prefer_imported=False)
    health = compute_health(portfolio, None, dt.date(2026, 11, 23), saved)
    frame = portfolio.join(health.drop(columns=["health_score"]))
    frame["imported_health_score"] = portfolio["health_score"]
    same = band_spread(frame, saved, saved)
    assert same.changed == 0 and sum(same.before.values()) == len(frame)
    stricter = dataclasses.replace(saved, red_below=70)
    spread = band_spread(frame, saved, stricter)
    scores = rescore(frame, saved)
    moved = int(((scores >= 50) & (scores < 70)).sum())
    assert spread.changed == moved
    assert spread.after["red"] == spread.before["red"] + moved
    only_nps = dataclasses.replace(
        saved, weights=HealthWeights(**{c: float(c == "nps") for c in COMPONENTS}), tier_weights={},
        min_signals=1,
    )  # fmt: skip
    # an account without NPS falls back to its imported score, if it has one
    unscored = frame["nps"].isna() & frame["imported_health_score"].isna()
    assert band_spread(frame, saved, only_nps).after["none"] == int(unscored.sum())
