"""Every operator and group on a small crafted portfolio, with inclusive bounds and blanks."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from cspm.core.fields import FieldType
from cspm.core.rules import build_catalog, evaluate, evaluate_many, parse_rule

TODAY = date(2026, 6, 15)
CAT = build_catalog({"product_line": FieldType.TEXT, "go_live": FieldType.DATE})
KEYS = ["a", "b", "c", "d", "e", "f"]


def _days(*offsets: int | None) -> np.ndarray:
    return pd.to_datetime(
        [None if o is None else TODAY + timedelta(days=o) for o in offsets]
    ).to_numpy("datetime64[ns]")


def _iso(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


@pytest.fixture(scope="module")
def portfolio() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "arr": [100, 50, np.nan, 0, 150, 100.5],
            "tier": pd.array(
                ["Enterprise", " smb ", None, "  ", "Mid-Market", "enterprise plus"], dtype="str"
            ),
            "renewal_date": _days(0, 90, 91, None, -1, 30),
            "last_interaction": _days(-30, -31, None, 0, 2, -100),
            "is_reference": pd.array([True, False, None, True, None, False], dtype="boolean"),
            "seats_active": [95, 0, 50, 10, 30, np.nan],
            "seats_purchased": [100, 0, np.nan, 20, 20, 10],
            "product_line": np.array(["Core", None, "core+", "x", None, "Edge"], dtype=object),
        },
        index=pd.Index(KEYS, dtype="str"),
    )


def C(field: str, op: str, value: object = None) -> dict:
    return {"field": field, "op": op} | ({} if value is None else {"value": value})


CASES = [
    (C("arr", "=", 100), "a"),
    (C("arr", "!=", 100), "bdef"),
    (C("arr", ">", 100), "ef"),
    (C("arr", ">=", 100), "aef"),
    (C("arr", "<", 50), "d"),
    (C("arr", "<=", 50), "bd"),
    (C("arr", "between", [50, 100]), "ab"),
    (C("arr", "in", [0, 150]), "de"),
    (C("arr", "not_in", [0, 150]), "abf"),
    (C("arr", "is_empty"), "c"),
    (C("arr", "is_not_empty"), "abdef"),
    ({"not": C("arr", ">", 100)}, "abcd"),
    (C("tier", "=", "SMB"), "b"),
    (C("tier", "=", " enterprise "), "a"),
    (C("tier", "!=", "Enterprise"), "bef"),
    (C("tier", "in", ["ENTERPRISE", "mid-market"]), "ae"),
    (C("tier", "not_in", ["Enterprise"]), "bef"),
    (C("tier", "contains", "ENTER"), "af"),
    (C("tier", "is_empty"), "cd"),
    (C("tier", "is_not_empty"), "abef"),
    ({"not": C("tier", "=", "smb")}, "acdef"),
    (C("product_line", "contains", "core"), "ac"),
    (C("product_line", "is_empty"), "be"),
    (C("renewal_date", "within_next_days", 90), "abf"),
    (C("renewal_date", "within_next_days", 0), "a"),
    (C("renewal_date", "within_last_days", 1), "ae"),
    (C("renewal_date", "within_last_days", 0), "a"),
    (C("renewal_date", "older_than_days", 0), "de"),
    (C("renewal_date", "before", _iso(30)), "ae"),
    (C("renewal_date", "after", _iso(30)), "bc"),
    (C("renewal_date", "is_empty"), "d"),
    (C("last_interaction", "older_than_days", 30), "bcf"),
    (C("last_interaction", "within_last_days", 30), "ad"),
    ({"not": C("last_interaction", "older_than_days", 30)}, "ade"),
    (C("is_reference", "=", True), "ad"),
    (C("is_reference", "=", False), "bf"),
    (C("is_reference", "!=", True), "bf"),
    (C("is_reference", "!=", False), "ad"),
    (C("is_reference", "is_empty"), "ce"),
    ({"not": C("is_reference", "=", True)}, "bcef"),
    (C("seat_utilization", ">=", 0.95), "ae"),
    (C("seat_utilization", "<", 0.5), ""),
    (C("seat_utilization", "<=", 0.5), "d"),
    (C("seat_utilization", "is_empty"), "bcf"),
    (C("days_to_renewal", "between", [0, 30]), "af"),
    (C("days_since_last_interaction", ">", 30), "bf"),
    (C("nps", ">", 1), ""),
    (C("nps", "is_empty"), "abcdef"),
    ({"not": C("nps", ">", 1)}, "abcdef"),
    (C("go_live", "within_next_days", 5), ""),
    (C("go_live", "older_than_days", 5), "abcdef"),
    ({"all": []}, "abcdef"),
    ({"any": []}, ""),
    ({"not": {"all": []}}, ""),
    ({"all": [C("arr", ">=", 100), C("tier", "contains", "enter")]}, "af"),
    (
        {
            "any": [
                {"all": [C("arr", ">=", 100), C("tier", "=", "enterprise")]},
                {"not": {"any": [C("arr", "is_not_empty")]}},
            ]
        },
        "ac",
    ),
    (
        {"not": {"any": [{"all": [{"not": C("arr", "<", 100)}, C("is_reference", "=", False)]}]}},
        "abcde",
    ),
]


@pytest.mark.parametrize(("rule", "keys"), CASES, ids=lambda x: str(x)[:60])
def test_operator(portfolio: pd.DataFrame, rule: dict, keys: str) -> None:
    got = evaluate(parse_rule(rule, CAT), portfolio, None, TODAY)
    assert got.dtype == bool
    assert got.index.equals(portfolio.index)
    assert "".join(k for k in KEYS if got[k]) == keys


def test_today_may_be_a_datetime_or_timestamp(portfolio: pd.DataFrame) -> None:
    rule = parse_rule(C("renewal_date", "within_next_days", 0), CAT)
    for today in (datetime(2026, 6, 15, 17, 30), pd.Timestamp("2026-06-15 09:00")):
        assert evaluate(rule, portfolio, None, today)["a"]


def test_other_date_resolutions_and_object_text(portfolio: pd.DataFrame) -> None:
    p = portfolio.assign(
        renewal_date=portfolio["renewal_date"].astype("datetime64[s]"),
        tier=portfolio["tier"].astype(object),
    )
    for rule, keys in CASES[:30]:
        got = evaluate(parse_rule(rule, CAT), p, None, TODAY)
        assert "".join(k for k in KEYS if got[k]) == keys


def test_evaluate_many_matches_evaluate(portfolio: pd.DataFrame) -> None:
    rules = {f"s{i}": parse_rule(rule, CAT) for i, (rule, _) in enumerate(CASES)}
    frame = evaluate_many(rules, portfolio, None, TODAY)
    assert list(frame.columns) == list(rules)
    assert all(pd.api.types.is_bool_dtype(t) for t in frame.dtypes)
    for name, rule in rules.items():
        pd.testing.assert_series_equal(
            frame[name], evaluate(rule, portfolio, None, TODAY), check_names=False
        )


def test_empty_inputs(portfolio: pd.DataFrame) -> None:
    rule = parse_rule(C("arr", ">", 1), CAT)
    empty = portfolio.iloc[0:0]
    assert evaluate(rule, empty, None, TODAY).empty
    assert evaluate_many({"x": rule}, empty, None, TODAY).shape == (0, 1)
    assert evaluate_many({}, portfolio, None, TODAY).shape == (6, 0)
    bare = pd.DataFrame(index=pd.Index(KEYS, dtype="str"))
    assert not evaluate(rule, bare, None, TODAY).any()
    assert evaluate(parse_rule(C("tier", "is_empty"), CAT), bare, None, TODAY).all()
