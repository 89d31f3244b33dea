"""Health score: component curves, renormalised weights, tier weights, imported precedence."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from cspm.core.health import (
    COMPONENTS,
    HealthConfig,
    HealthWeights,
    compute_health,
    health_band,
    health_components,
)

TODAY = date(2026, 6, 15)
NAN = np.nan


def _portfolio(**cols: list) -> pd.DataFrame:
    n = len(next(iter(cols.values())))
    return pd.DataFrame(cols, index=pd.Index([f"k{i}" for i in range(n)], dtype="str"))


def _days_ago(*days: int | None) -> pd.Series:
    return pd.to_datetime([None if d is None else TODAY - timedelta(days=d) for d in days])


def test_component_curves() -> None:
    p = _portfolio(
        seats_active=[0, 40, 80, 150, NAN, 5],
        seats_purchased=[100, 100, 100, 100, 100, 0],
        nps=[0, 6, 8, 10, 7, NAN],
        open_tickets=[0, 2, 5, 10, 20, NAN],
        unpaid_invoices=[0, 250, 1, 10, NAN, 0],
        arr=[100, 1000, 1000, NAN, 100, NAN],
    ).assign(last_interaction=_days_ago(0, 14, 30, 60, 90, -3))
    parts = health_components(p, None, TODAY)
    assert list(parts.columns) == list(COMPONENTS)
    np.testing.assert_allclose(parts["seat_utilization"], [0, 50, 100, 100, NAN, NAN])
    np.testing.assert_allclose(parts["nps"], [0, 40, 75, 100, 57.5, NAN])
    np.testing.assert_allclose(parts["open_tickets"], [100, 80, 40, 0, 0, NAN])
    np.testing.assert_allclose(parts["interaction"], [100, 100, 70, 30, 0, 100])
    np.testing.assert_allclose(parts["unpaid_invoices"], [100, 0, 59.76, 30, NAN, 100])
    assert parts["mau_trend"].isna().all()  # no history, no trend


def test_mau_trend_uses_the_snapshot_about_30_days_back() -> None:
    p = _portfolio(mau=[50.0, 100.0, 110.0, 200.0, 10.0])
    keys = list(p.index)
    history = pd.DataFrame(
        {
            "key": pd.array(keys[:4] + keys, dtype="str"),
            "as_of": pd.to_datetime([TODAY - timedelta(days=30)] * 4 + [TODAY] * 5),
            "import_id": [1] * 4 + [2] * 5,
            "mau": [100.0, 100.0, 100.0, 100.0, 50.0, 100.0, 110.0, 200.0, 10.0],
        }
    )
    parts = health_components(p, history, TODAY)
    np.testing.assert_allclose(parts["mau_trend"], [0, 70, 85, 100, NAN])
    shorter = health_components(p, history, TODAY, HealthConfig(mau_trend_days=31))
    assert shorter["mau_trend"].isna().all()


def test_weighted_mean_over_available_signals() -> None:
    config = HealthConfig(tier_weights={})
    p = _portfolio(seats_active=[80, NAN], seats_purchased=[100, NAN], nps=[6, NAN])
    out = compute_health(p, None, TODAY, config)
    w = HealthWeights()
    expected = (100 * w.seat_utilization + 40 * w.nps) / (w.seat_utilization + w.nps)
    assert out.loc["k0", "health_computed"] == pytest.approx(expected)
    assert out.loc["k0", "health_source"] == "computed"
    assert np.isnan(out.loc["k1", "health_score"])
    assert out.loc["k1", "health_source"] == "none"
    assert list(out.columns) == [
        "health_score",
        "health_source",
        "health_computed",
        "health_signals",
        "health_signals_possible",
        *(f"health_{c}" for c in COMPONENTS),
    ]


def test_imported_score_wins_unless_turned_off() -> None:
    p = _portfolio(health_score=[55.0, NAN, 20.0], nps=[10, 10, NAN])
    one = HealthConfig(min_signals=1)  # a score from one signal, to see the sources plainly
    out = compute_health(p, None, TODAY, one)
    assert out["health_score"].tolist()[:2] == [55.0, 100.0]
    assert out["health_source"].tolist() == ["imported", "computed", "imported"]
    assert out.loc["k0", "health_computed"] == 100.0
    off = compute_health(p, None, TODAY, HealthConfig(prefer_imported=False, min_signals=1))
    assert off["health_score"].tolist() == [100.0, 100.0, 20.0]  # k2: nothing to compute
    assert off["health_source"].tolist() == ["computed", "computed", "imported"]


def test_tier_weights() -> None:
    p = _portfolio(
        tier=pd.array(["SMB", " smb", "Enterprise", None], dtype="str"),
        nps=[NAN, 10, 10, 10],
    ).assign(last_interaction=_days_ago(60, 60, 60, 60))
    out = compute_health(p, None, TODAY, HealthConfig(min_signals=1))
    assert np.isnan(out.loc["k0", "health_score"])  # SMB ignores interaction recency
    assert out.loc["k1", "health_score"] == 100.0
    ent = HealthConfig().tier_weights["Enterprise"]
    expected = (100 * ent.nps + 30 * ent.interaction) / (ent.nps + ent.interaction)
    assert out.loc["k2", "health_score"] == pytest.approx(expected)
    w = HealthWeights()
    assert out.loc["k3", "health_score"] == pytest.approx(
        (100 * w.nps + 30 * w.interaction) / (w.nps + w.interaction)
    )
    custom = HealthConfig(tier_weights={"SMB": HealthWeights(nps=0)}, min_signals=1)
    assert compute_health(p, None, TODAY, custom).loc["k0", "health_score"] == 30.0


def test_empty_and_bare_portfolios() -> None:
    empty = pd.DataFrame(index=pd.Index([], dtype="str"))
    assert compute_health(empty, None, TODAY).empty
    bare = pd.DataFrame(index=pd.Index(["a"], dtype="str"))
    assert compute_health(bare, None, TODAY).loc["a", "health_source"] == "none"


def test_health_band() -> None:
    scores = pd.Series([0, 49.9, 50, 74.9, 75, 100, NAN], index=list("abcdefg"))
    assert health_band(scores).tolist() == [
        "red", "red", "yellow", "yellow", "green", "green", None,
    ]  # fmt: skip
    assert health_band(scores, red_below=40, green_from=90).tolist()[1:5] == [
        "yellow", "yellow", "yellow", "yellow",
    ]  # fmt: skip
