"""`outcomes_by_period` works on integer ranks of the account keys; its figures are exactly
those of `outcome_metrics` on the text keys, period by period, whatever the keys look like."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from cspm.core.outcomes import PERIOD_COLUMNS, one_hot, outcome_metrics, outcomes_by_period
from cspm.core.periods import periods_between

KEYS = ["b", "a", "Ä1", "a\x00", "z9", "10", "9", "ß", "A", "é", "e\u0301", "a b"]


def _states(seed: int) -> dict[dt.date, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    days = [dt.date(2026, 3, 31), dt.date(2026, 6, 30), dt.date(2026, 9, 30)]
    out = {}
    for day in days:
        keys = [k for k in KEYS if rng.random() < 0.8]  # accounts come and go
        rng.shuffle(keys)
        n = len(keys)
        out[day] = pd.DataFrame(
            {
                "arr": np.where(rng.random(n) < 0.1, np.nan, rng.random(n) * 1e5),
                "churned": rng.random(n) < 0.2,
                "health_score": rng.random(n) * 100,
                "nps": rng.integers(0, 11, n).astype(float),
                "tier": rng.choice(["Enterprise", "SMB"], n),
            },
            index=pd.Index(keys, dtype=object),
        )
    return out


def test_by_period_equals_metrics_on_text_keys() -> None:
    for seed in range(5):
        states = _states(seed)
        periods = periods_between(dt.date(2026, 4, 1), dt.date(2026, 9, 30), "quarter")

        def at(day: dt.date, states: dict[dt.date, pd.DataFrame] = states) -> pd.DataFrame:
            return states[max(d for d in states if d <= day)]

        def groups(_day: dt.date, frame: pd.DataFrame) -> pd.DataFrame:
            return one_hot(frame["tier"], order=["Enterprise", "SMB"])

        table = outcomes_by_period(at, groups, periods)
        rows = []
        for p in periods:
            s0, s1 = at(p.opening_as_of), at(p.closing_as_of)
            m = outcome_metrics(s0, s1, groups(p.opening_as_of, s0), groups(p.closing_as_of, s1))
            m = m.reset_index()
            m["period"] = p.label
            m["period_start"] = pd.Series([p.start] * len(m), dtype=object)
            m["period_end"] = pd.Series([p.end] * len(m), dtype=object)
            rows.append(m[PERIOD_COLUMNS])
        pd.testing.assert_frame_equal(table, pd.concat(rows, ignore_index=True))
        assert table["start_logos"].sum() > 0
