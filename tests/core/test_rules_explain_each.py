"""`explain_each` (the rule evaluated once over the portfolio, each member's sentences read off
it) says exactly what `explain` (the rule evaluated on a one-account copy) says: every sentence
kind of test_rules_explain on both of its accounts, and every segment of the demo portfolio
for its members and for accounts outside it."""

from __future__ import annotations

import pandas as pd
import pytest

from cspm.core.errors import NotFoundError
from cspm.core.field_labels import field_label
from cspm.core.rules import explain, parse_rule
from cspm.core.rules.explain_each import explain_each
from cspm.service.context import AppContext
from cspm.service.portfolio import load_portfolio
from tests.core.test_rules_explain import CAT, TODAY, frames  # noqa: F401  (fixture)
from tests.demo_portfolio import demo, demo_db_file  # noqa: F401  (fixtures)

RULES = [
    {"field": "mau", "op": "rose_by_pct", "value": 20},
    {"field": "health_score", "op": "dropped_by", "value": 15, "since_days": 30},
    {"field": "tier", "op": "in", "value": ["enterprise", "SMB"]},
    {"field": "tier", "op": "=", "value": "enterprise"},
    {"field": "tier", "op": "!=", "value": "SMB"},
    {"field": "tier", "op": "contains", "value": "ent"},
    {"field": "arr", "op": "between", "value": [100000, 200000]},
    {"field": "seat_utilization", "op": ">=", "value": 0.95},
    {"field": "last_qbr", "op": "older_than_days", "value": 120},
    {"field": "last_qbr", "op": "within_last_days", "value": 30},
    {"field": "renewal_date", "op": "within_next_days", "value": 90},
    {"field": "last_qbr", "op": "is_empty"},
    {"field": "mau", "op": "is_not_empty"},
    {"field": "is_reference", "op": "=", "value": True},
    {"field": "renewal_date", "op": "after", "value": "2027-01-01"},
    {"not": {"field": "health_score", "op": ">", "value": 50}},
    {
        "any": [
            {"field": "health_score", "op": "<", "value": 50},
            {"field": "mau", "op": ">", "value": 1},
        ]
    },
    {"all": []},
    {"any": []},
]  # fmt: skip


@pytest.mark.parametrize("rule", RULES)
def test_every_sentence_kind_as_explain_says_it(
    frames: tuple[pd.DataFrame, pd.DataFrame],  # noqa: F811
    rule: dict,
) -> None:
    portfolio, history = frames
    parsed = parse_rule(rule, CAT)
    keys = ["beta", "acme"]
    expected = [explain(parsed, portfolio, history, TODAY, key) for key in keys]
    assert explain_each(parsed, portfolio, history, TODAY, keys) == expected


def test_an_unknown_account_is_refused_as_explain_refuses_it(
    frames: tuple[pd.DataFrame, pd.DataFrame],  # noqa: F811
) -> None:
    portfolio, history = frames
    with pytest.raises(NotFoundError, match="no account with key 'zzz'"):
        explain_each(parse_rule({"all": []}, CAT), portfolio, history, TODAY, ["acme", "zzz"])


def test_every_segment_of_the_demo_portfolio(demo: AppContext) -> None:  # noqa: F811
    p = load_portfolio(demo)
    checked = 0
    for d in p.segments:
        if d.rule is None:
            continue
        members = p.membership.index[p.membership[d.name].to_numpy(dtype=bool)]
        outside = p.membership.index[~p.membership[d.name].to_numpy(dtype=bool)][:25]
        keys = [*members, *outside]
        expected = [
            explain(d.rule, p.frame, p.history, p.today, k, field_label, contacts=p.contacts)
            for k in keys
        ]
        got = explain_each(
            d.rule, p.frame, p.history, p.today, keys, field_label, contacts=p.contacts
        )
        assert got == expected, d.name
        assert all(expected[: len(members)])  # every member has its reasons
        checked += len(members)
    assert checked > 200
