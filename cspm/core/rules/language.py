"""The JSON rule language: parse and validate, write back canonically, rename tiers.

Rules are checked when they are saved or loaded, never when they run: every mistake a user can
make (a typo in a field, `>` on a text field, `between` with one bound, broken JSON) is refused
here with one sentence that says what to change, so evaluation can assume a well-formed rule.
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Mapping
from datetime import date
from typing import Any as AnyType
from typing import TypeGuard

from cspm.core.errors import BadInputError
from cspm.core.field_labels import is_percent, parse_percent
from cspm.core.fields import FieldType
from cspm.core.rules.contact_count import contact_count_json, parse_contact_count
from cspm.core.rules.nodes import (
    DAY_OPS,
    HISTORY_OPS,
    OPS_BY_TYPE,
    AllOf,
    AnyOf,
    Condition,
    ContactCount,
    HistoryCondition,
    Not,
    Rule,
    Scalar,
    Value,
)

GROUP_KEYS = ("all", "any", "not")
CONDITION_KEYS = ("field", "op", "value", "since_days")
OP_ALIASES = {
    "==": "=", "eq": "=", "ne": "!=", "neq": "!=", "<>": "!=", "gt": ">", "gte": ">=",
    "ge": ">=", "lt": "<", "lte": "<=", "le": "<=", "not in": "not_in", "nin": "not_in",
}  # fmt: skip
_TYPE_ORDER = (
    FieldType.TEXT, FieldType.NUMBER, FieldType.MONEY, FieldType.SCORE, FieldType.DATE,
    FieldType.BOOL,
)  # fmt: skip


def _where(path: str) -> str:
    return f" (at {path})" if path else ""


def _fail(message: str, path: str) -> BadInputError:
    return BadInputError(message + _where(path))


def _suggest(word: str, choices: object) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)  # type: ignore[call-overload]
    return f"; did you mean '{close[0]}'?" if close else ""


def _types_phrase(types: frozenset[FieldType]) -> str:
    names = [t.value for t in _TYPE_ORDER if t in types]
    text = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    return f"a {text} field"


def _is_number(v: object) -> TypeGuard[float]:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _canon_number(v: float) -> float:
    """90.0 -> 90, so the canonical JSON of a rule does not depend on how a number was typed."""
    return int(v) if isinstance(v, float) and v.is_integer() and abs(v) < 2**53 else v


def parse_rule(source: object, catalog: Mapping[str, FieldType]) -> Rule:
    """A validated rule from JSON text (str/bytes) or already-decoded JSON (dict).

    Raises BadInputError with one clear sentence (and where in the rule) when it cannot be used.
    """
    if isinstance(source, str | bytes | bytearray):
        try:
            source = json.loads(source)
        except json.JSONDecodeError as exc:
            raise BadInputError(
                f"the rule is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
            ) from None
    return _parse(source, catalog, "")


def _parse(node: object, catalog: Mapping[str, FieldType], path: str) -> Rule:
    if not isinstance(node, dict):
        raise _fail(
            f"a rule must be a JSON object (a group or a condition), not {json.dumps(node)}", path
        )
    if "over" in node:  # a condition on the account's contacts (contact_count)
        return parse_contact_count(node, _parse, path)
    groups = [k for k in GROUP_KEYS if k in node]
    if groups:
        extra = [k for k in node if k != groups[0]]
        if extra:
            raise _fail(
                f"unknown key '{extra[0]}' in a group; a group has exactly one of "
                "'all', 'any' or 'not'",
                path,
            )
        key = groups[0]
        inner = node[key]
        if key == "not":
            return Not(_parse(inner, catalog, f"{path}.not" if path else "not"))
        if not isinstance(inner, list):
            raise _fail(f"'{key}' needs a list of rules", path)
        prefix = f"{path}.{key}" if path else key
        children = tuple(_parse(c, catalog, f"{prefix}[{i}]") for i, c in enumerate(inner))
        return AllOf(children) if key == "all" else AnyOf(children)
    if "field" not in node and "op" not in node:
        keys = ", ".join(f"'{k}'" for k in node) or "nothing"
        raise _fail(
            "a rule needs 'all', 'any' or 'not', or a condition with 'field', 'op' and "
            f"'value'; got {keys}",
            path,
        )
    return _parse_condition(node, catalog, path)


def _parse_condition(
    node: dict[str, AnyType], catalog: Mapping[str, FieldType], path: str
) -> Condition | HistoryCondition:
    for key in node:
        if key not in CONDITION_KEYS:
            raise _fail(
                f"unknown key '{key}' in a condition{_suggest(str(key), CONDITION_KEYS)}"
                " (a condition has field, op, value and, for history ops, since_days)",
                path,
            )
    field, op = node.get("field"), node.get("op")
    if not isinstance(field, str) or not field:
        raise _fail("a condition needs a 'field' (a field name)", path)
    if field not in catalog:
        raise _fail(f"unknown field '{field}'{_suggest(field, catalog)}", path)
    if not isinstance(op, str) or not op:
        raise _fail(f"the condition on '{field}' needs an 'op'", path)
    if op not in OPS_BY_TYPE:
        hint = (
            f"; did you mean '{OP_ALIASES[op]}'?" if op in OP_ALIASES else _suggest(op, OPS_BY_TYPE)
        )
        raise _fail(f"unknown op '{op}'{hint}", path)
    ftype = FieldType(catalog[field])
    if ftype not in OPS_BY_TYPE[op]:
        raise _fail(f"'{op}' needs {_types_phrase(OPS_BY_TYPE[op])}; '{field}' is {ftype}", path)
    if op in HISTORY_OPS:
        node = _percent_amount(node, field, op)
        value = _days_like(node, op, path, "a number >= 0")
        since = node.get("since_days")
        if since is None:
            return HistoryCondition(field, op, value, None, ftype)
        if not _is_number(since) or since < 0:
            raise _fail(f"'since_days' needs a number of days >= 0, not {json.dumps(since)}", path)
        return HistoryCondition(field, op, value, _canon_number(since), ftype)
    if "since_days" in node:
        raise _fail(
            f"'since_days' only goes with {', '.join(sorted(HISTORY_OPS))}, not '{op}'", path
        )
    return Condition(field, op, _parse_value(_percents(node, field), op, ftype, path), ftype)


def _percents(node: dict[str, AnyType], field: str) -> dict[str, AnyType]:
    """A fraction field's value written as a percent ("30%", ["10%", "50%"]) as its fraction.

    Only fields stored as fractions take a written percent; the canonical rule keeps the
    number (0.3), so "30%" and 0.3 are the same rule.
    """
    if not is_percent(field) or "value" not in node:
        return node

    def one(v: AnyType) -> AnyType:
        parsed = parse_percent(v) if isinstance(v, str) else None
        return v if parsed is None else parsed

    v = node["value"]
    return {**node, "value": [one(x) for x in v] if isinstance(v, list) else one(v)}


def _percent_amount(node: dict[str, AnyType], field: str, op: str) -> dict[str, AnyType]:
    """A history op's amount written with '%': the percent itself for the relative ops
    (dropped_by_pct "30%" = 30), percentage points of a fraction field for the absolute ones
    (dropped_by "10%" on a share = 0.1)."""
    v = node.get("value")
    if not isinstance(v, str):
        return node
    parsed = parse_percent(v, 100.0 if op.endswith("_pct") or not is_percent(field) else 1.0)
    if parsed is None or (not op.endswith("_pct") and not is_percent(field)):
        return node
    return {**node, "value": parsed}


def _days_like(node: dict[str, AnyType], op: str, path: str, what: str) -> float:
    v = node.get("value")
    if not _is_number(v) or v < 0:
        raise _fail(f"'{op}' needs {what}, not {json.dumps(v)}", path)
    return _canon_number(v)


def _parse_value(node: dict[str, AnyType], op: str, ftype: FieldType, path: str) -> Value:
    v = node.get("value")
    if op in ("is_empty", "is_not_empty"):
        if v is not None:
            raise _fail(f"'{op}' takes no value", path)
        return None
    if v is None:
        raise _fail(f"'{op}' needs a value", path)
    if op in DAY_OPS:
        return _days_like(node, op, path, "a number of days >= 0")
    if op in ("before", "after"):
        try:
            return date.fromisoformat(v.strip())  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            raise _fail(
                f"'{op}' needs an ISO date like 2026-12-31, not {json.dumps(v)}", path
            ) from None
    if op == "between":
        if not (isinstance(v, list) and len(v) == 2 and all(_is_number(x) for x in v)):
            raise _fail(f"'between' needs [lo, hi] (two numbers), not {json.dumps(v)}", path)
        if v[0] > v[1]:
            raise _fail(f"'between' needs lo <= hi, got [{v[0]}, {v[1]}]", path)
        return (_canon_number(v[0]), _canon_number(v[1]))
    if op in ("in", "not_in"):
        if not isinstance(v, list) or not v:
            raise _fail(f"'{op}' needs a non-empty list of values, not {json.dumps(v)}", path)
        return tuple(_scalar(x, op, ftype, path) for x in v)
    return _scalar(v, op, ftype, path)


def _scalar(v: object, op: str, ftype: FieldType, path: str) -> Scalar:
    if ftype == FieldType.TEXT:
        if not isinstance(v, str) or not v.strip():
            raise _fail(
                f"'{op}' needs a non-empty text value, not {json.dumps(v)}"
                + ("; use is_empty for blanks" if isinstance(v, str) else ""),
                path,
            )
        return v.strip()
    if ftype == FieldType.BOOL:
        if not isinstance(v, bool):
            raise _fail(f"'{op}' on a bool field needs true or false, not {json.dumps(v)}", path)
        return v
    if not _is_number(v):
        raise _fail(f"'{op}' needs a number, not {json.dumps(v)}", path)
    return _canon_number(v)  # type: ignore[arg-type]


def rule_to_json(rule: Rule) -> dict[str, AnyType]:
    """The canonical JSON object of a rule (key order fixed, dates ISO, lists for tuples)."""
    if isinstance(rule, AllOf):
        return {"all": [rule_to_json(r) for r in rule.rules]}
    if isinstance(rule, AnyOf):
        return {"any": [rule_to_json(r) for r in rule.rules]}
    if isinstance(rule, Not):
        return {"not": rule_to_json(rule.rule)}
    if isinstance(rule, ContactCount):
        return contact_count_json(rule, rule_to_json)
    out: dict[str, AnyType] = {"field": rule.field, "op": rule.op}
    if isinstance(rule, HistoryCondition):
        out["value"] = rule.value
        if rule.since_days is not None:
            out["since_days"] = rule.since_days
        return out
    if rule.value is not None:
        out["value"] = _json_value(rule.value)
    return out


def _json_value(v: Value) -> AnyType:
    if isinstance(v, tuple):
        return [_json_value(x) for x in v]
    if isinstance(v, date):
        return v.isoformat()
    return v


def rule_to_text(rule: Rule) -> str:
    """The rule as indented JSON text, for files and the rule editor."""
    return json.dumps(rule_to_json(rule), indent=2, ensure_ascii=False)


def rename_tier(rule: Rule, old: str, new: str) -> Rule:
    """The rule with tier values equal to `old` (trimmed, case-insensitive) replaced by `new`."""
    if isinstance(rule, AllOf | AnyOf):
        return type(rule)(tuple(rename_tier(r, old, new) for r in rule.rules))
    if isinstance(rule, Not):
        return Not(rename_tier(rule.rule, old, new))
    if not isinstance(rule, Condition) or rule.field != "tier" or rule.type != FieldType.TEXT:
        return rule
    target = old.strip().casefold()

    def swap(x: Scalar) -> Scalar:
        return new.strip() if isinstance(x, str) and x.strip().casefold() == target else x

    value = rule.value
    if isinstance(value, tuple):
        renamed: Value = tuple(swap(x) for x in value)
    elif isinstance(value, str):
        renamed = swap(value)
    else:
        return rule
    return Condition(rule.field, rule.op, renamed, rule.type)


def fields_used(rule: Rule) -> set[str]:
    """Every field the rule names (for "this segment depends on ..." and catalogue checks)."""
    if isinstance(rule, AllOf | AnyOf):
        return set().union(*(fields_used(r) for r in rule.rules)) if rule.rules else set()
    if isinstance(rule, Not):
        return fields_used(rule.rule)
    if isinstance(rule, ContactCount):
        return set()  # contact fields, not the account's
    return {rule.field}
