"""Health components from related-data aggregates: 0 by default (scores unchanged), weighed per
tier they move the score the right way, and an account without the data is not marked down."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from cspm.core.health import (
    COMPONENTS,
    RELATED_COMPONENTS,
    HealthConfig,
    HealthWeights,
    compute_health,
    health_components,
)

TODAY = date(2026, 11, 23)
NAN = np.nan


def _portfolio(**cols: list) -> pd.DataFrame:
    n = len(next(iter(cols.values())))
    return pd.DataFrame(cols, index=pd.Index([f"k{i}" for i in range(n)], dtype="str"))


BASE = {  # the classic signals: every account has the same ones
    "tier": ["Enterprise"] * 4,
    "seats_active": [60.0] * 4,
    "seats_purchased": [100.0] * 4,
    "nps": [8.0] * 4,
    "open_tickets": [1.0] * 4,
}
RELATED = {  # k0 usage falling, k1 growing, k2 flat, k3 no usage data at all
    "usage_trend_30d": [-0.5, 0.25, 0.0, NAN],
    "usage_active_users_30d": [10.0, 90.0, 40.0, NAN],
    "tickets_escalated_90d": [4.0, 0.0, 1.0, NAN],
    "ticket_satisfaction_90d": [2.0, 5.0, 4.0, NAN],
    "contacts_inactive_share_10d": [0.8, 0.0, 0.3, NAN],
}


def test_related_components_follow_their_curves() -> None:
    parts = health_components(_portfolio(**BASE, **RELATED), None, TODAY)
    assert set(RELATED_COMPONENTS) <= set(COMPONENTS)
    np.testing.assert_allclose(parts["usage_trend"], [0, 100, 70, NAN])
    np.testing.assert_allclose(parts["active_users"], [12.5, 100, 50, NAN])  # of 100 seats
    np.testing.assert_allclose(parts["escalations"], [15, 100, 70, NAN])
    np.testing.assert_allclose(parts["ticket_satisfaction"], [20, 100, 75, NAN])  # out of 5
    np.testing.assert_allclose(parts["contacts_inactive"], [0, 100, 50, NAN])
    out_of_100 = HealthConfig(satisfaction_max=100)
    p = _portfolio(ticket_satisfaction_90d=[80.0, 100.0])
    parts = health_components(p, None, TODAY, out_of_100)
    np.testing.assert_allclose(parts["ticket_satisfaction"], [75, 100])


def test_default_weights_leave_every_score_as_it_was() -> None:
    assert all(getattr(HealthWeights(), c) == 0 for c in RELATED_COMPONENTS)
    before = compute_health(_portfolio(**BASE), None, TODAY)
    after = compute_health(_portfolio(**BASE, **RELATED), None, TODAY)
    cols = ["health_score", "health_source", "health_signals", "health_signals_possible"]
    pd.testing.assert_frame_equal(before[cols], after[cols])


def test_a_weighted_usage_trend_moves_the_score_and_missing_usage_does_not() -> None:
    enterprise = HealthWeights(interaction=0.25, nps=0.20, mau_trend=0.15, usage_trend=0.5)
    config = HealthConfig(tier_weights={"Enterprise": enterprise})
    before = compute_health(_portfolio(**BASE), None, TODAY, config)["health_score"]
    after = compute_health(_portfolio(**BASE, **RELATED), None, TODAY, config)
    score = after["health_score"]
    assert score["k0"] < before["k0"]  # usage halved: worse
    assert score["k1"] > before["k1"]  # usage growing: better
    assert score["k1"] > score["k2"] > score["k0"]
    # k3 has no usage rows: scored on the signals it has, exactly as without the weight
    assert score["k3"] == pytest.approx(before["k3"])
    assert after.loc["k3", "health_signals"] == after.loc["k0", "health_signals"] - 1
    # the weight is Enterprise's only: an SMB account with the same data is unchanged
    smb = _portfolio(**{**BASE, "tier": ["SMB"] * 4}, **RELATED)
    smb_score = compute_health(smb, None, TODAY, config)["health_score"]
    plain = compute_health(_portfolio(**{**BASE, "tier": ["SMB"] * 4}), None, TODAY, config)
    pd.testing.assert_series_equal(smb_score, plain["health_score"])


def test_every_related_component_pulls_the_right_way_when_weighed() -> None:
    data = _portfolio(**BASE, **RELATED)
    for component in RELATED_COMPONENTS:
        weights = HealthWeights(**{c: float(c == component) for c in COMPONENTS})
        config = HealthConfig(weights=weights, tier_weights={}, min_signals=1)
        score = compute_health(data, None, TODAY, config)["health_score"]
        assert score["k1"] > score["k0"], component  # the good account beats the bad one
        assert np.isnan(score["k3"]), component  # no data for the only weighed signal
        assert not np.isnan(score["k2"]), component
