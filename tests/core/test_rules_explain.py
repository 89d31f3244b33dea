"""explain(): the matched conditions of one account, in words, with its values."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from cspm.core.errors import NotFoundError
from cspm.core.rules import build_catalog, describe, explain, parse_rule

TODAY = date(2026, 11, 23)
CAT = build_catalog({})


@pytest.fixture(scope="module")
def frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    portfolio = pd.DataFrame(
        {
            "renewal_date": pd.to_datetime(["2027-01-10", None]),
            "health_score": [38.0, 80.0],
            "mau": [500.0, np.nan],
            "tier": pd.array(["Enterprise", None], dtype="str"),
            "arr": [120000.0, np.nan],
            "seats_active": [96.0, np.nan],
            "seats_purchased": [100.0, np.nan],
            "last_qbr": pd.to_datetime([None, "2026-11-01"]),
            "is_reference": pd.array([True, None], dtype="boolean"),
        },
        index=pd.Index(["acme", "beta"], dtype="str"),
    )
    history = pd.DataFrame(
        {
            "key": pd.array(["acme", "acme", "beta"], dtype="str"),
            "as_of": pd.to_datetime(["2026-10-01", "2026-11-20", "2026-11-20"]),
            "import_id": [1, 2, 2],
            "health_score": [60.0, 38.0, 80.0],
            "mau": [400.0, 500.0, np.nan],
        }
    )
    return portfolio, history


def _explain(rule: dict, frames: tuple[pd.DataFrame, pd.DataFrame], key: str = "acme") -> list:
    portfolio, history = frames
    return explain(parse_rule(rule, CAT), portfolio, history, TODAY, key)


def test_examples_from_the_brief(frames: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    rule = {
        "all": [
            {"field": "renewal_date", "op": "within_next_days", "value": 90},
            {
                "any": [
                    {"field": "health_score", "op": "<", "value": 50},
                    {"field": "health_score", "op": "dropped_by", "value": 15, "since_days": 30},
                    {"field": "tier", "op": "=", "value": "SMB"},
                ]
            },
        ]
    }
    assert _explain(rule, frames) == [
        "renewal_date 2027-01-10 is within the next 90 days (48 days)",
        "health_score 38 < 50",
        "health_score dropped by 22 since 2026-10-01 (60 -> 38)",
    ]


@pytest.mark.parametrize(
    ("rule", "line"),
    [
        (
            {"field": "mau", "op": "rose_by_pct", "value": 20},
            "mau rose by 25% since 2026-10-01 (400 -> 500)",
        ),
        (
            {"field": "tier", "op": "in", "value": ["enterprise", "SMB"]},
            "tier Enterprise is one of enterprise, SMB",
        ),
        ({"field": "tier", "op": "=", "value": "enterprise"}, "tier is Enterprise"),
        ({"field": "tier", "op": "contains", "value": "ent"}, "tier Enterprise contains 'ent'"),
        (
            {"field": "arr", "op": "between", "value": [100000, 200000]},
            "arr 120,000 is between 100,000 and 200,000",
        ),
        ({"field": "seat_utilization", "op": ">=", "value": 0.95}, "seat_utilization 0.96 >= 0.95"),
        (
            {"field": "last_qbr", "op": "older_than_days", "value": 120},
            "last_qbr is empty (never), which counts as older than 120 days",
        ),
        ({"field": "last_qbr", "op": "is_empty"}, "last_qbr is empty"),
        ({"field": "is_reference", "op": "=", "value": True}, "is_reference is true"),
        (
            {"field": "renewal_date", "op": "after", "value": "2027-01-01"},
            "renewal_date 2027-01-10 is after 2027-01-01",
        ),
        (
            {"not": {"field": "health_score", "op": ">", "value": 50}},
            "not (health_score > 50): health_score is 38",
        ),
    ],
)
def test_sentences(frames: tuple[pd.DataFrame, pd.DataFrame], rule: dict, line: str) -> None:
    assert _explain(rule, frames) == [line]


def test_other_account_and_non_matches(frames: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    assert _explain({"field": "health_score", "op": "<", "value": 50}, frames, "beta") == []
    line = _explain({"field": "last_qbr", "op": "within_last_days", "value": 30}, frames, "beta")
    assert line == ["last_qbr 2026-11-01 is within the last 30 days (22 days ago)"]
    assert _explain({"any": []}, frames) == []
    with pytest.raises(NotFoundError, match="no account with key 'zzz'"):
        _explain({"all": []}, frames, "zzz")


def test_describe() -> None:
    rule = parse_rule(
        {
            "any": [
                {"field": "health_score", "op": "<", "value": 50},
                {"not": {"all": [{"field": "tier", "op": "in", "value": ["SMB"]}]}},
                {"field": "mau", "op": "dropped_by_pct", "value": 20, "since_days": 30},
            ]
        },
        CAT,
    )
    assert describe(rule) == (
        "(health_score < 50 or not (tier in [SMB]) or mau dropped by 20% since 30 days ago)"
    )
