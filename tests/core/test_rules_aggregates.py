"""The related-data aggregates in the rule language: typed fields, percents typed and shown as
percents, history ops over monthly snapshots, and reasons in labels."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from cspm.core.errors import BadInputError
from cspm.core.field_labels import AGGREGATE_FIELDS, PERCENT_FIELDS, field_label, percent_text
from cspm.core.fields import FIELDS, FieldType
from cspm.core.rules import build_catalog, describe, evaluate, explain, parse_rule, rule_to_json
from cspm.core.rules.explain_all import explain_all

TODAY = date(2026, 11, 23)
CAT = build_catalog({})
SHARE = "contacts_inactive_share_10d"


@pytest.fixture(scope="module")
def frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    portfolio = pd.DataFrame(
        {
            SHARE: [0.45, 0.30, np.nan],
            "usage_events_30d": [600.0, 1000.0, np.nan],
            "usage_trend_30d": [-0.355, 0.1, np.nan],
            "exec_last_login": pd.to_datetime(["2026-11-01", "2026-11-20", None]),
        },
        index=pd.Index(["acme", "beta", "bare"], dtype="str"),
    )
    # Month-end snapshots, as a related import writes them; the current one is the latest.
    history = pd.DataFrame(
        {
            "key": pd.array(["acme"] * 3 + ["beta"] * 3, dtype="str"),
            "as_of": pd.to_datetime(["2026-09-30", "2026-10-31", "2026-11-23"] * 2),
            "import_id": [1, 1, 2, 1, 1, 2],
            "usage_events_30d": [1200.0, 900.0, 600.0, 900.0, 950.0, 1000.0],
            SHARE: [0.2, 0.25, 0.45, 0.3, 0.3, 0.3],
        }
    )
    return portfolio, history


def test_every_aggregate_is_a_rule_field_with_its_type_and_a_label() -> None:
    for name in AGGREGATE_FIELDS:
        assert CAT[name] == FIELDS[name].type
        assert field_label(name) == FIELDS[name].label != name
    assert CAT["exec_last_login"] == FieldType.DATE
    assert {SHARE, "usage_trend_30d"} == PERCENT_FIELDS


def test_a_percent_is_typed_as_30_percent_or_as_the_fraction() -> None:
    typed = parse_rule({"field": SHARE, "op": ">", "value": "30%"}, CAT)
    plain = parse_rule({"field": SHARE, "op": ">", "value": 0.3}, CAT)
    assert typed == plain
    assert rule_to_json(typed) == {"field": SHARE, "op": ">", "value": 0.3}
    between = parse_rule(
        {"field": "usage_trend_30d", "op": "between", "value": ["-50%", "-30%"]}, CAT
    )
    assert rule_to_json(between)["value"] == [-0.5, -0.3]
    # On any other number field a written percent is refused, not guessed.
    with pytest.raises(BadInputError, match="needs a number"):
        parse_rule({"field": "usage_events_30d", "op": ">", "value": "30%"}, CAT)


def test_conditions_on_aggregates_match_and_missing_stays_out(frames) -> None:
    portfolio, history = frames

    def members(rule: dict) -> list[str]:
        got = evaluate(parse_rule(rule, CAT), portfolio, history, TODAY)
        return list(got.index[got.to_numpy()])

    assert members({"field": SHARE, "op": ">", "value": "30%"}) == ["acme"]
    assert members({"field": SHARE, "op": "<=", "value": 0.3}) == ["beta"]
    assert members({"field": "usage_trend_30d", "op": "<=", "value": "-30%"}) == ["acme"]
    assert members({"field": "exec_last_login", "op": "within_last_days", "value": 15}) == ["beta"]
    # older_than counts a missing date as old: that is why the built-in asks for contacts too
    assert members({"field": "exec_last_login", "op": "older_than_days", "value": 15}) == [
        "acme",
        "bare",
    ]


def test_history_ops_on_usage_compare_with_the_snapshot_before_the_window(frames) -> None:
    portfolio, history = frames
    rule = parse_rule(
        {"field": "usage_events_30d", "op": "dropped_by_pct", "value": 30, "since_days": 30}, CAT
    )
    # today - 30 days = 2026-10-24: the baseline is the 2026-09-30 month end (1200 -> 600).
    got = evaluate(rule, portfolio, history, TODAY)
    assert list(got.index[got.to_numpy()]) == ["acme"]
    assert explain(rule, portfolio, history, TODAY, "acme", field_label) == [
        "Usage Events (30 days) dropped by 50% since 2026-09-30 (1,200 -> 600)"
    ]
    points = parse_rule({"field": SHARE, "op": "rose_by", "value": "10%", "since_days": 30}, CAT)
    assert points.value == 0.1
    assert describe(points, field_label) == (
        "Contacts Inactive Share (10 days) rose by 10 points since 30 days ago"
    )
    assert explain(points, portfolio, history, TODAY, "acme", field_label) == [
        "Contacts Inactive Share (10 days) rose by 25 points since 2026-09-30 (20% -> 45%)"
    ]


def test_reasons_name_labels_and_show_percents(frames) -> None:
    portfolio, history = frames
    rule = parse_rule(
        {
            "all": [
                {"field": SHARE, "op": ">", "value": 0.3},
                {"field": "usage_trend_30d", "op": "<=", "value": -0.3},
            ]
        },
        CAT,
    )
    assert describe(rule, field_label) == (
        "(Contacts Inactive Share (10 days) > 30% and Usage Trend (30 days) <= -30%)"
    )
    assert describe(rule) == "(contacts_inactive_share_10d > 30% and usage_trend_30d <= -30%)"
    assert explain(rule, portfolio, history, TODAY, "acme", field_label) == [
        "Contacts Inactive Share (10 days) 45% > 30%",
        "Usage Trend (30 days) -35.5% <= -30%",
    ]
    why = explain_all(rule, portfolio, history, TODAY, field_label)
    assert why["acme"] == (
        "Contacts Inactive Share (10 days) > 30% (45%); Usage Trend (30 days) <= -30% (-35.5%)"
    )
    assert why["beta"] == why["bare"] == ""


def test_percent_text() -> None:
    assert [percent_text(v) for v in (0.4, -0.355, 1 / 3, 0.0, -0.0004)] == [
        "40%",
        "-35.5%",
        "33.3%",
        "0%",
        "0%",
    ]
    assert percent_text(0.1, signed=True) == "+10%"
    assert percent_text(float("nan")) == "empty"
