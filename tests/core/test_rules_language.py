"""Parsing, validation messages, canonical JSON and tier renaming of the rule language."""

from __future__ import annotations

import json
from datetime import date

import pytest

from cspm.core.errors import BadInputError
from cspm.core.fields import FieldType
from cspm.core.rules import (
    AllOf,
    AnyOf,
    Condition,
    HistoryCondition,
    Not,
    build_catalog,
    fields_used,
    parse_rule,
    rename_tier,
    rule_to_json,
    rule_to_text,
)

CAT = build_catalog({"product_line": FieldType.TEXT, "go_live": FieldType.DATE})

EVERY_OP = [
    {"field": "tier", "op": "=", "value": "SMB"},
    {"field": "tier", "op": "!=", "value": "SMB"},
    {"field": "arr", "op": ">", "value": 1},
    {"field": "arr", "op": ">=", "value": 1.5},
    {"field": "nps", "op": "<", "value": 7},
    {"field": "nps", "op": "<=", "value": 7},
    {"field": "arr", "op": "between", "value": [10, 20]},
    {"field": "tier", "op": "in", "value": ["SMB", "Enterprise"]},
    {"field": "nps", "op": "not_in", "value": [9, 10]},
    {"field": "product_line", "op": "contains", "value": "core"},
    {"field": "nps", "op": "is_empty"},
    {"field": "renewal_date", "op": "is_not_empty"},
    {"field": "renewal_date", "op": "within_next_days", "value": 90},
    {"field": "contract_start", "op": "within_last_days", "value": 7},
    {"field": "last_qbr", "op": "older_than_days", "value": 120},
    {"field": "go_live", "op": "before", "value": "2026-01-31"},
    {"field": "go_live", "op": "after", "value": "2026-01-31"},
    {"field": "is_reference", "op": "=", "value": True},
    {"field": "is_reference", "op": "!=", "value": False},
    {"field": "health_score", "op": "dropped_by", "value": 15, "since_days": 30},
    {"field": "mau", "op": "rose_by_pct", "value": 20},
    {"field": "mau", "op": "dropped_by_pct", "value": 20.5, "since_days": 0},
    {"field": "arr", "op": "rose_by", "value": 0},
]


@pytest.mark.parametrize("obj", EVERY_OP, ids=lambda o: f"{o['field']} {o['op']}")
def test_every_op_parses_and_round_trips(obj: dict) -> None:
    rule = parse_rule(obj, CAT)
    assert rule_to_json(rule) == obj
    assert parse_rule(rule_to_json(rule), CAT) == rule
    assert parse_rule(json.dumps(obj), CAT) == rule


def test_nested_round_trip_and_canonical_form() -> None:
    text = """{"any": [{"all": [{"op": ">", "field": "arr", "value": 90.0},
                  {"not": {"field": "tier", "op": "in", "value": [" SMB "]}}]},
                  {"all": []}, {"any": []}]}"""
    rule = parse_rule(text, CAT)
    assert rule == AnyOf(
        (
            AllOf(
                (
                    Condition("arr", ">", 90, FieldType.MONEY),
                    Not(Condition("tier", "in", ("SMB",), FieldType.TEXT)),
                )
            ),
            AllOf(()),
            AnyOf(()),
        )
    )
    canonical = rule_to_json(rule)
    assert canonical["any"][0]["all"][0] == {"field": "arr", "op": ">", "value": 90}
    assert list(canonical["any"][0]["all"][0]) == ["field", "op", "value"]
    assert parse_rule(rule_to_text(rule), CAT) == rule
    assert rule_to_json(parse_rule(canonical, CAT)) == canonical
    assert parse_rule(text.encode(), CAT) == rule


def test_parsed_values_are_typed() -> None:
    before = parse_rule({"field": "go_live", "op": "before", "value": "2026-01-31"}, CAT)
    assert before == Condition("go_live", "before", date(2026, 1, 31), FieldType.DATE)
    hist = parse_rule({"field": "mau", "op": "rose_by", "value": 3.0}, CAT)
    assert hist == HistoryCondition("mau", "rose_by", 3, None, FieldType.NUMBER)


REFUSALS = [
    (
        {"field": "helth_score", "op": "<", "value": 50},
        "unknown field 'helth_score'; did you mean 'health_score'?",
    ),
    ({"field": "zzzz", "op": "<", "value": 50}, "unknown field 'zzzz'"),
    (
        {"field": "arr", "op": "within_next_days", "value": 5},
        "'within_next_days' needs a date field; 'arr' is money",
    ),
    (
        {"field": "tier", "op": ">", "value": 5},
        "'>' needs a number, money or score field; 'tier' is text",
    ),
    (
        {"field": "arr", "op": "contains", "value": "1"},
        "'contains' needs a text field; 'arr' is money",
    ),
    (
        {"field": "renewal_date", "op": "=", "value": "2026-01-01"},
        "'=' needs a text, number, money, score or bool field; 'renewal_date' is date",
    ),
    (
        {"field": "is_reference", "op": "in", "value": [True]},
        "'in' needs a text, number, money or score field",
    ),
    (
        {"field": "tier", "op": "dropped_by", "value": 5},
        "'dropped_by' needs a number, money or score",
    ),
    (
        {"field": "arr", "op": "between", "value": [1]},
        "'between' needs [lo, hi] (two numbers), not [1]",
    ),
    ({"field": "arr", "op": "between", "value": 5}, "'between' needs [lo, hi]"),
    ({"field": "arr", "op": "between", "value": [9, 1]}, "'between' needs lo <= hi, got [9, 1]"),
    ({"field": "arr", "op": "between", "value": ["a", 1]}, "'between' needs [lo, hi]"),
    (
        {"field": "tier", "op": "in", "value": "SMB"},
        "'in' needs a non-empty list of values, not \"SMB\"",
    ),
    ({"field": "tier", "op": "not_in", "value": []}, "'not_in' needs a non-empty list"),
    (
        {"field": "renewal_date", "op": "within_next_days", "value": -1},
        "'within_next_days' needs a number of days >= 0, not -1",
    ),
    (
        {"field": "renewal_date", "op": "older_than_days", "value": "30"},
        "'older_than_days' needs a number of days >= 0, not \"30\"",
    ),
    ({"field": "renewal_date", "op": "within_last_days", "value": True}, "needs a number of days"),
    ({"field": "mau", "op": "rose_by", "value": -3}, "'rose_by' needs a number >= 0, not -3"),
    (
        {"field": "mau", "op": "rose_by", "value": 3, "since_days": -1},
        "'since_days' needs a number of days >= 0, not -1",
    ),
    (
        {"field": "mau", "op": ">", "value": 3, "since_days": 30},
        "'since_days' only goes with dropped_by, dropped_by_pct, rose_by, rose_by_pct, not '>'",
    ),
    (
        {"field": "go_live", "op": "before", "value": "31/01/2026"},
        "'before' needs an ISO date like 2026-12-31, not \"31/01/2026\"",
    ),
    ({"field": "go_live", "op": "after", "value": 20260131}, "'after' needs an ISO date"),
    ({"field": "arr", "op": ">", "value": "5"}, "'>' needs a number, not \"5\""),
    ({"field": "arr", "op": ">", "value": True}, "'>' needs a number, not true"),
    ({"field": "arr", "op": ">"}, "'>' needs a value"),
    ({"field": "arr", "op": "is_empty", "value": 1}, "'is_empty' takes no value"),
    (
        {"field": "tier", "op": "=", "value": "  "},
        "'=' needs a non-empty text value, not \"  \"; use is_empty",
    ),
    ({"field": "tier", "op": "=", "value": 3}, "'=' needs a non-empty text value, not 3"),
    (
        {"field": "is_reference", "op": "=", "value": "yes"},
        "'=' on a bool field needs true or false, not \"yes\"",
    ),
    ({"field": "arr", "op": "gt", "value": 1}, "unknown op 'gt'; did you mean '>'?"),
    (
        {"field": "arr", "op": "betwen", "value": [1, 2]},
        "unknown op 'betwen'; did you mean 'between'?",
    ),
    ({"field": "arr", "value": 1}, "the condition on 'arr' needs an 'op'"),
    ({"op": ">", "value": 1}, "a condition needs a 'field'"),
    (
        {"field": "arr", "op": ">", "valeu": 1},
        "unknown key 'valeu' in a condition; did you mean 'value'?",
    ),
    ({"all": [], "any": []}, "unknown key 'any' in a group; a group has exactly one of"),
    ({"all": {"field": "arr"}}, "'all' needs a list of rules"),
    ({}, "a rule needs 'all', 'any' or 'not', or a condition"),
    ({"allof": []}, "got 'allof'"),
    ([1, 2], "a rule must be a JSON object (a group or a condition), not [1, 2]"),
    (
        {"all": [{"any": [{"not": {"field": "helth", "op": "=", "value": 1}}]}]},
        "(at all[0].any[0].not)",
    ),
    ('{"all": [', "the rule is not valid JSON: Expecting value at line 1, column 10"),
    ("", "the rule is not valid JSON"),
]


@pytest.mark.parametrize(("obj", "message"), REFUSALS, ids=lambda x: str(x)[:40])
def test_refusals_say_what_is_wrong(obj: object, message: str) -> None:
    with pytest.raises(BadInputError) as info:
        parse_rule(obj, CAT)
    assert message in str(info.value)


def test_unknown_custom_field_is_refused_until_catalogued() -> None:
    obj = {"field": "region_code", "op": "=", "value": "EU"}
    with pytest.raises(BadInputError, match="unknown field 'region_code'"):
        parse_rule(obj, build_catalog({}))
    assert parse_rule(obj, build_catalog({"region_code": FieldType.TEXT}))


def test_rename_tier_updates_tier_conditions_only() -> None:
    rule = parse_rule(
        {
            "all": [
                {"field": "tier", "op": "in", "value": ["Enterprise", "mid-market"]},
                {"not": {"field": "tier", "op": "=", "value": " Mid-Market "}},
                {"field": "product_line", "op": "=", "value": "Mid-Market"},
                {"any": [{"field": "tier", "op": "!=", "value": "SMB"}]},
                {"field": "tier", "op": "is_empty"},
            ]
        },
        CAT,
    )
    renamed = rule_to_json(rename_tier(rule, "Mid-Market", "Growth"))
    assert renamed["all"][0]["value"] == ["Enterprise", "Growth"]
    assert renamed["all"][1]["not"]["value"] == "Growth"
    assert renamed["all"][2]["value"] == "Mid-Market"
    assert renamed["all"][3]["any"][0]["value"] == "SMB"
    assert renamed["all"][4] == {"field": "tier", "op": "is_empty"}
    assert rename_tier(rule, "Nope", "X") == rule


def test_fields_used() -> None:
    rule = parse_rule(
        {
            "any": [
                {"field": "arr", "op": ">", "value": 1},
                {"not": {"field": "nps", "op": "is_empty"}},
            ]
        },
        CAT,
    )
    assert fields_used(rule) == {"arr", "nps"}
    assert fields_used(AllOf(())) == set()
