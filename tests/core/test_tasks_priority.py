"""Task priority: the formula, its ordering properties, reasons on every task, sorting."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cspm.core.tasks import PriorityWeights, score_tasks, sort_tasks

TODAY = dt.date(2026, 6, 15)
WEIGHTS = PriorityWeights()


def day(offset: float) -> pd.Timestamp:
    return pd.Timestamp(TODAY) + pd.Timedelta(days=offset)


def portfolio(rows: list[dict[str, object]]) -> pd.DataFrame:
    defaults = {
        "name": "",
        "arr": 10_000.0,
        "potential_arr": np.nan,
        "health_score": 70.0,
        "health_change": np.nan,
        "renewal_date": pd.NaT,
    }
    frame = pd.DataFrame([{**defaults, **r} for r in rows])
    frame.index = pd.Index([f"k{i}" for i in range(len(rows))], name="key")
    frame["renewal_date"] = pd.to_datetime(frame["renewal_date"]).astype("datetime64[ns]")
    for col in ("arr", "potential_arr", "health_score", "health_change"):
        frame[col] = frame[col].astype(np.float64)
    frame["name"] = [r.get("name") or f"Account {i}" for i, r in enumerate(rows)]
    return frame


def tasks(rows: list[dict[str, object]]) -> pd.DataFrame:
    defaults = {"due_date": day(10), "base_priority": 50.0}
    frame = pd.DataFrame([{**defaults, **r} for r in rows])
    frame["due_date"] = pd.to_datetime(frame["due_date"]).astype("datetime64[ns]")
    frame["base_priority"] = frame["base_priority"].astype(np.float64)
    return frame


def ranked_keys(pf: pd.DataFrame, ts: pd.DataFrame) -> list[str]:
    return sort_tasks(score_tasks(ts, pf, TODAY, WEIGHTS))["account_key"].tolist()


# Others in the portfolio: hypothesis picks them so percentiles move around.
others = st.lists(
    st.fixed_dictionaries(
        {
            "arr": st.one_of(st.just(np.nan), st.floats(0, 5e6)),
            "health_score": st.one_of(st.just(np.nan), st.floats(0, 100)),
        }
    ),
    max_size=12,
)
health = st.integers(0, 100)
money = st.floats(1, 1e7)
due_days = st.integers(-60, 120)


def pair(
    rest: list[dict[str, object]], first: dict[str, object], second: dict[str, object]
) -> pd.DataFrame:
    # "Zed" vs "Abe": a tie would sort the second account first, so only the score can win.
    return portfolio([{**first, "name": "Zed"}, {**second, "name": "Abe"}, *rest])


@settings(max_examples=150, deadline=None)
@given(others, money, money, health, st.one_of(st.just(np.nan), st.floats(-40, 40)))
def test_higher_arr_ranks_higher(rest, a: float, b: float, h: int, change: float) -> None:
    hi, lo = max(a, b), min(a, b)
    if hi == lo:
        return
    common = {"health_score": h, "health_change": change}
    pf = pair(rest, {"arr": hi, **common}, {"arr": lo, **common})
    ts = tasks([{"account_key": "k0"}, {"account_key": "k1"}])
    assert ranked_keys(pf, ts) == ["k0", "k1"]


@settings(max_examples=150, deadline=None)
@given(others, money, health, health)
def test_lower_health_ranks_higher(rest, arr: float, a: int, b: int) -> None:
    if a == b:
        return
    pf = pair(
        rest, {"arr": arr, "health_score": min(a, b)}, {"arr": arr, "health_score": max(a, b)}
    )
    ts = tasks([{"account_key": "k0"}, {"account_key": "k1"}])
    assert ranked_keys(pf, ts) == ["k0", "k1"]


@settings(max_examples=150, deadline=None)
@given(others, money, health, due_days, due_days, st.floats(0, 100))
def test_nearer_due_date_ranks_higher(rest, arr, h, a: int, b: int, base: float) -> None:
    if a == b:
        return
    pf = portfolio([{"arr": arr, "health_score": h, "name": "Zed"}, *rest])
    ts = tasks(
        [
            {"account_key": "k0", "due_date": day(max(a, b)), "base_priority": base},
            {"account_key": "k0", "due_date": day(min(a, b)), "base_priority": base},
        ]
    )
    scored = score_tasks(ts, pf, TODAY, WEIGHTS)
    assert scored["priority"].iloc[1] >= scored["priority"].iloc[0]
    assert sort_tasks(scored).index.tolist() == [1, 0]


@settings(max_examples=150, deadline=None)
@given(others, money, health, st.integers(1, 400), st.integers(1, 400))
def test_overdue_ranks_above_not_yet_due(rest, arr, h, late: int, ahead: int) -> None:
    pf = pair(rest, {"arr": arr, "health_score": h}, {"arr": arr, "health_score": h})
    ts = tasks(
        [
            {"account_key": "k1", "due_date": day(ahead)},
            {"account_key": "k0", "due_date": day(-late)},
        ]
    )
    scored = score_tasks(ts, pf, TODAY, WEIGHTS)
    assert scored["priority"].iloc[1] > scored["priority"].iloc[0]
    assert sort_tasks(scored)["account_key"].tolist() == ["k0", "k1"]


@settings(max_examples=200, deadline=None)
@given(
    others,
    st.lists(
        st.fixed_dictionaries(
            {
                "account_key": st.sampled_from(["k0", "k1", "gone"]),
                "due_date": st.one_of(st.just(pd.NaT), due_days.map(day)),
                "base_priority": st.one_of(st.just(np.nan), st.floats(-10, 150)),
            }
        ),
        min_size=1,
        max_size=8,
    ),
    st.builds(
        PriorityWeights,
        value=st.floats(0, 5),
        risk=st.floats(0, 5),
        urgency=st.floats(0, 5),
        base=st.floats(0, 5),
        potential_share=st.floats(0, 1),
        trend_share=st.floats(0, 1),
        renewal_share=st.floats(0, 1),
    ),
)
def test_every_task_has_reasons_and_a_bounded_score(rest, rows, weights) -> None:
    pf = portfolio([{"arr": np.nan, "health_score": np.nan}, {"renewal_date": day(5)}, *rest])
    scored = score_tasks(tasks(rows), pf, TODAY, weights)
    assert scored["priority"].between(0, 100).all()
    for reasons in scored["reasons"]:
        assert isinstance(reasons, list) and reasons
        assert all(isinstance(r, str) and r for r in reasons)


def test_reasons_read_like_the_issue_and_come_most_important_first() -> None:
    # 100 accounts; the first has the 5th-highest ARR: top 5%.
    rows = [{"arr": 1_000.0 * (i + 1)} for i in range(100)]
    rows[0] = {
        "arr": 240_000.0,
        "health_score": 38.0,
        "health_change": -22.0,
        "renewal_date": day(21),
    }
    for i in range(1, 5):
        rows[i] = {"arr": 500_000.0}
    pf = portfolio(rows)
    ts = tasks([{"account_key": "k0", "due_date": day(-4), "base_priority": 90.0}])
    reasons = score_tasks(ts, pf, TODAY, WEIGHTS)["reasons"].iloc[0]
    assert "ARR $240,000 (top 5% of portfolio)" in reasons
    assert "health 38, down 22 since last import" in reasons
    assert "overdue by 4 days" in reasons
    assert "renewal in 21 days" in reasons
    assert "base priority 90" in reasons
    assert reasons[0] == "ARR $240,000 (top 5% of portfolio)"  # 0.225 * 96 = 21.6 points


def test_formula_by_hand() -> None:
    pf = portfolio(
        [
            {"arr": 100.0, "potential_arr": 50.0, "health_score": 40.0, "health_change": -15.0},
            {"arr": 300.0, "potential_arr": 0.0, "renewal_date": day(45)},
        ]
    )
    ts = tasks(
        [
            {"account_key": "k0", "due_date": day(7), "base_priority": 80.0},
            {"account_key": "k1", "due_date": day(-30), "base_priority": 20.0},
        ]
    )
    got = score_tasks(ts, pf, TODAY, WEIGHTS)["priority"].tolist()
    # k0: V = .75*50 + .25*100 = 62.5; R = .7*60 + .3*50 = 57; U = .7*55 = 38.5; B = 80
    k0 = 0.30 * 62.5 + 0.30 * 57 + 0.25 * 38.5 + 0.15 * 80
    # k1: V = .75*100 = 75; R = .7*30 = 21; U = .7*100 + .3*50 = 85; B = 20
    k1 = 0.30 * 75 + 0.30 * 21 + 0.25 * 85 + 0.15 * 20
    assert got == [round(k0, 1), round(k1, 1)]


def test_reason_texts_for_edge_values() -> None:
    pf = portfolio(
        [
            {"arr": np.nan, "health_score": np.nan, "renewal_date": day(-3)},
            {"arr": 5.0, "potential_arr": 12_500.0, "health_change": 4.0, "renewal_date": day(1)},
        ]
    )
    ts = tasks(
        [
            {"account_key": "k0", "due_date": day(0), "trigger_kind": "segment", "trigger": "X"},
            {"account_key": "k1", "due_date": day(1), "trigger_kind": "cadence", "trigger": "QBR"},
            {
                "account_key": "k1",
                "due_date": day(-1),
                "trigger_kind": "stage",
                "trigger": "Renewal",
            },
            {"account_key": "nobody", "due_date": pd.NaT},
        ]
    )
    reasons = score_tasks(ts, pf, TODAY, WEIGHTS)["reasons"].tolist()
    assert set(reasons[0]) == {
        "no ARR on record",
        "no health score",
        "due today",
        "renewal passed 3 days ago",
        "base priority 50 (X playbook)",
    }
    assert "ARR $5 (about the portfolio median)" in reasons[1]
    assert "potential ARR $12,500" in reasons[1]
    assert "health 70, up 4 since last import" in reasons[1]
    assert "due tomorrow" in reasons[1] and "renewal tomorrow" in reasons[1]
    assert "base priority 50 (QBR cadence)" in reasons[1]
    assert "overdue by 1 day" in reasons[2] and "base priority 50 (Renewal stage)" in reasons[2]
    assert set(reasons[3]) == {
        "no ARR on record",
        "no health score",
        "no due date",
        "base priority 50",
    }


def test_zero_weights_score_zero_but_still_explain() -> None:
    pf = portfolio([{}])
    w = PriorityWeights(value=0, risk=0, urgency=0, base=0)
    scored = score_tasks(tasks([{"account_key": "k0"}]), pf, TODAY, w)
    assert scored["priority"].tolist() == [0.0]
    assert scored["reasons"].iloc[0]


def test_score_keeps_index_and_columns_and_adds_account_name() -> None:
    pf = portfolio([{"name": "Acme"}])
    ts = tasks([{"account_key": "k0", "title": "Call"}]).set_index(pd.Index([42]))
    scored = score_tasks(ts, pf, TODAY, WEIGHTS)
    assert scored.index.tolist() == [42]
    assert {"title", "priority", "reasons", "account_name"} <= set(scored.columns)
    assert scored["account_name"].tolist() == ["Acme"]


def test_empty_task_frame() -> None:
    scored = score_tasks(tasks([{"account_key": "k0"}]).iloc[:0], portfolio([{}]), TODAY, WEIGHTS)
    assert len(sort_tasks(scored)) == 0


def test_sort_priority_then_due_then_name_stable() -> None:
    scored = pd.DataFrame(
        {
            "account_key": ["a", "b", "c", "d", "e", "f"],
            "account_name": ["beta", "Alpha", "alpha", None, "zed", "Alpha"],
            "priority": [50.0, 50.0, 50.0, 50.0, 70.0, 50.0],
            "due_date": pd.to_datetime([day(3), day(3), day(3), pd.NaT, day(9), day(1)]),
        }
    )
    assert sort_tasks(scored)["account_key"].tolist() == ["e", "f", "b", "c", "a", "d"]


@pytest.mark.parametrize("column", ["name", "account_key"])
def test_sort_falls_back_to_other_name_columns(column: str) -> None:
    scored = pd.DataFrame(
        {
            "account_key": ["b", "a"],
            "priority": [1.0, 1.0],
            "due_date": pd.to_datetime([day(1), day(1)]),
        }
    )
    if column == "name":
        scored["name"] = ["A", "B"]
        assert sort_tasks(scored)["account_key"].tolist() == ["b", "a"]
    else:
        assert sort_tasks(scored)["account_key"].tolist() == ["a", "b"]
