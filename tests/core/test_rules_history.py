"""History conditions: baselines from zero, one and several snapshots, ties, future rows."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from cspm.core.fields import FieldType
from cspm.core.rules import add_derived, build_catalog, evaluate, evaluate_many, parse_rule
from cspm.core.rules.history import SnapshotIndex, to_day

TODAY = date(2026, 6, 15)
CAT = build_catalog({})
KEYS = ["none", "one", "many", "tie", "future", "zero", "gap", "tiecur"]


def _snap(key: str, offset: int, import_id: int, **values: float) -> dict:
    return {"key": key, "as_of": TODAY + timedelta(days=offset), "import_id": import_id} | values


@pytest.fixture(scope="module")
def frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    portfolio = pd.DataFrame(
        {
            "mau": [10, 10, 120, 100, 90, 50, 100, 80],
            "arr": [1, 1, 110, 1, 1, 1, 1, 1],
            "seats_active": [np.nan, np.nan, 60, np.nan, np.nan, np.nan, np.nan, np.nan],
            "seats_purchased": [np.nan, np.nan, 100, np.nan, np.nan, np.nan, np.nan, np.nan],
        },
        index=pd.Index(KEYS, dtype="str"),
        dtype="float64",
    )
    rows = [
        _snap("one", -1, 1, mau=10),
        _snap("many", -60, 1, mau=100, seats_active=40, seats_purchased=100),
        _snap("many", -30, 2, mau=200, seats_active=50, seats_purchased=100),
        _snap("many", -10, 3, mau=150, arr=100, seats_active=55, seats_purchased=100),
        _snap("many", -1, 4, mau=120, arr=110, seats_active=60, seats_purchased=100),
        _snap("tie", -30, 2, mau=100),  # the later load of that day, listed first on purpose
        _snap("tie", -30, 1, mau=50),
        _snap("tie", -1, 3, mau=100),
        _snap("future", -30, 1, mau=100),
        _snap("future", -1, 2, mau=90),
        _snap("future", 5, 3, mau=10),
        _snap("zero", -30, 1, mau=0),
        _snap("zero", -1, 2, mau=50),
        _snap("gap", -50, 1, mau=100),
        _snap("gap", -40, 2),
        _snap("gap", -1, 3, mau=100),
        _snap("tiecur", -20, 1, mau=100),
        _snap("tiecur", -1, 4, mau=80),
        _snap("tiecur", -1, 3, mau=10),
        _snap("stranger", -30, 1, mau=1),
    ]
    history = pd.DataFrame(rows).astype({"key": "str", "as_of": "datetime64[ns]"})
    return portfolio, history


def H(op: str, value: float, since: int | None = None, field: str = "mau") -> dict:
    return {"field": field, "op": op, "value": value} | (
        {} if since is None else {"since_days": since}
    )


CASES = [
    (H("dropped_by", 10), {"many", "future", "tiecur"}),  # previous snapshot
    (H("dropped_by", 20), {"many", "tiecur"}),
    (H("dropped_by", 30), {"many"}),
    (H("dropped_by", 31), set()),
    (H("dropped_by", 10, since=0), {"many", "future", "tiecur"}),  # never the current one
    (H("dropped_by", 80, since=30), {"many"}),  # -30 is on the cut-off: inclusive
    (H("dropped_by", 81, since=30), set()),
    (H("rose_by", 20, since=31), {"many"}),  # -30 is too recent, -60 is the baseline
    (H("rose_by", 21, since=31), set()),
    (H("rose_by", 0, since=61), set()),  # nothing that old
    (H("rose_by", 0, since=30), {"tie", "zero"}),  # tie: the later load (100) wins
    (H("rose_by", 1, since=30), {"zero"}),
    (H("dropped_by_pct", 40, since=30), {"many"}),  # (200 - 120) / 200 = 40%
    (H("dropped_by_pct", 40.1, since=30), set()),
    (H("rose_by_pct", 20, since=31), {"many"}),
    (H("rose_by_pct", 0, since=30), {"tie"}),  # zero: old 0 -> false
    (H("rose_by", 50, since=30), {"zero"}),
    (H("rose_by", 0, since=35), {"many"}),  # gap: -40 lacks mau, no fall-back to -50
    (H("dropped_by", 0, since=45), {"gap"}),
    (H("rose_by", 0, field="arr"), {"many"}),
    (H("rose_by", 0.05, since=30, field="seat_utilization"), {"many"}),
    (H("rose_by", 0.11, since=30, field="seat_utilization"), set()),
    (H("rose_by", 0, field="nps"), set()),  # history does not carry nps
    ({"not": H("rose_by", 1000)}, set(KEYS)),
]


@pytest.mark.parametrize(("rule", "keys"), CASES, ids=lambda x: str(x)[:60])
def test_history_op(frames: tuple[pd.DataFrame, pd.DataFrame], rule: dict, keys: set) -> None:
    portfolio, history = frames
    got = evaluate(parse_rule(rule, CAT), portfolio, history, TODAY)
    assert set(got[got].index) == keys


def test_history_ops_are_false_without_history(frames: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    portfolio, history = frames
    rule = parse_rule(H("rose_by", 0), CAT)
    assert not evaluate(rule, portfolio, None, TODAY).any()
    assert not evaluate(rule, portfolio, history.iloc[0:0], TODAY).any()
    assert not evaluate(rule, portfolio, pd.DataFrame(), TODAY).any()


def test_evaluate_many_shares_baselines(frames: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    portfolio, history = frames
    rules = {f"r{i}": parse_rule(rule, CAT) for i, (rule, _) in enumerate(CASES)}
    frame = evaluate_many(rules, portfolio, history, TODAY)
    for i, (_, keys) in enumerate(CASES):
        assert set(frame.index[frame[f"r{i}"]]) == keys


def test_baseline_rows_and_dates(frames: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    portfolio, history = frames
    day = to_day(TODAY)
    index = SnapshotIndex(history, portfolio.index, day)
    dates = pd.Series(index.baseline_dates(30, day), index=portfolio.index)
    assert dates["many"] == pd.Timestamp(TODAY - timedelta(days=30))
    assert pd.isna(dates["none"]) and pd.isna(dates["one"])
    previous = pd.Series(index.baseline("mau", None, day), index=portfolio.index)
    assert previous["future"] == 100 and previous["tiecur"] == 100 and np.isnan(previous["one"])


def test_add_derived(frames: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    portfolio, history = frames
    p = portfolio.assign(
        renewal_date=pd.to_datetime([TODAY + timedelta(days=10)] + [None] * 7),
        last_interaction=pd.to_datetime([TODAY - timedelta(days=3)] + [None] * 7),
    )
    out = add_derived(p, history, TODAY)
    assert out.loc["many", "seat_utilization"] == pytest.approx(0.6)
    assert np.isnan(out.loc["none", "seat_utilization"])
    assert out.loc["many", "arr_change_pct"] == pytest.approx(10.0)
    assert np.isnan(out.loc["one", "arr_change_pct"])
    assert out.loc["none", "days_to_renewal"] == 10
    assert out.loc["none", "days_since_last_interaction"] == 3
    assert np.isnan(out.loc["one", "days_to_renewal"])
    assert "seat_utilization" not in portfolio.columns  # the input is left alone


def test_build_catalog() -> None:
    cat = build_catalog({"product_line": FieldType.TEXT, "arr": FieldType.TEXT})
    assert cat["product_line"] == FieldType.TEXT
    assert cat["arr"] == FieldType.MONEY  # a custom slug cannot shadow a canonical field
    assert cat["health_score"] == FieldType.SCORE
    assert cat["seat_utilization"] == FieldType.NUMBER
    assert cat["tier"] == FieldType.TEXT
    assert {"days_to_renewal", "days_since_last_interaction", "arr_change_pct"} <= set(cat)
