"""Health uses only the signals an account has, and says how many; too few is no score."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from cspm.core.health import HealthConfig, compute_health

TODAY = dt.date(2026, 11, 23)


def _portfolio(**cols: list[object]) -> pd.DataFrame:
    n = len(next(iter(cols.values())))
    base: dict[str, list[object]] = {"tier": ["Mid-Market"] * n}
    base.update(cols)
    frame = pd.DataFrame(base, index=[f"A{i}" for i in range(n)])
    if "last_interaction" in frame:
        frame["last_interaction"] = pd.to_datetime(frame["last_interaction"])
    return frame


def test_one_stale_signal_is_not_enough_data_not_zero() -> None:
    # Only a last-interaction date, 200 days old: one signal out of six.
    frame = _portfolio(last_interaction=["2026-05-07"])
    out = compute_health(frame, None, TODAY)
    assert np.isnan(out.loc["A0", "health_score"])
    assert out.loc["A0", "health_source"] == "insufficient"
    assert out.loc["A0", "health_signals"] == 1
    assert out.loc["A0", "health_signals_possible"] == 6


def test_two_signals_give_a_score_and_its_coverage() -> None:
    frame = _portfolio(
        last_interaction=["2026-05-07"], seats_active=[90.0], seats_purchased=[100.0]
    )
    out = compute_health(frame, None, TODAY)
    assert out.loc["A0", "health_source"] == "computed"
    assert out.loc["A0", "health_signals"] == 2
    assert 0 < out.loc["A0", "health_score"] < 100


def test_the_minimum_is_a_setting() -> None:
    frame = _portfolio(last_interaction=["2026-11-20"])
    out = compute_health(frame, None, TODAY, HealthConfig(min_signals=1))
    assert out.loc["A0", "health_score"] == 100
    assert HealthConfig.from_dict({"min_signals": 3}).min_signals == 3
    assert HealthConfig.from_dict({}).min_signals == 2
    assert HealthConfig(min_signals=4).to_dict()["min_signals"] == 4


def test_a_signal_the_tier_ignores_does_not_count_towards_coverage() -> None:
    # SMB weighs interaction 0 by default: five signals can count, and a date alone is none.
    frame = _portfolio(tier=["SMB"], last_interaction=["2026-11-20"], open_tickets=[0.0])
    out = compute_health(frame, None, TODAY)
    assert out.loc["A0", "health_signals_possible"] == 5
    assert out.loc["A0", "health_signals"] == 1
    assert np.isnan(out.loc["A0", "health_score"])
