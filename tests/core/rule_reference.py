"""A slow, obvious, per-account rule evaluator: the oracle the vectorised engine is tested against.

Written from the rule-language description only, in plain Python: one account at a time,
`datetime.date` subtraction for day counts, dicts for snapshots. It shares no operator code with
`cspm.core.rules`, so a bug would have to be made twice, the same way, to go unnoticed.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pandas as pd

from cspm.core.fields import FieldType

NUMERIC = (FieldType.NUMBER, FieldType.MONEY, FieldType.SCORE)


def _plain(v: Any) -> Any:
    """pandas/numpy scalars to plain Python; every kind of missing to None."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.date()
    if hasattr(v, "item"):
        return _plain(v.item())
    if isinstance(v, str) and not v.strip():
        return None
    return v


class Account:
    """One account: its current values and its snapshots (date -> values of the winning load)."""

    def __init__(self, values: dict[str, Any], snapshots: list[dict[str, Any]], today: date):
        self.values = values
        self.today = today
        by_date: dict[date, dict[str, Any]] = {}
        best_import: dict[date, Any] = {}
        for snap in snapshots:
            when = snap["as_of"]
            if when > today:
                continue  # not yet happened
            if when not in by_date or snap["import_id"] > best_import[when]:
                by_date[when] = snap
                best_import[when] = snap["import_id"]
        dates = sorted(by_date)
        self.earlier = [(d, by_date[d]) for d in dates[:-1]]  # the last one is current

    def baseline(self, field: str, since_days: float | None) -> tuple[date | None, Any]:
        chosen = None
        for when, snap in self.earlier:
            if since_days is None or (self.today - when).days >= since_days:
                chosen = (when, snap)
        if chosen is None:
            return None, None
        when, snap = chosen
        if field == "seat_utilization" and "seat_utilization" not in snap:
            return when, _ratio(snap.get("seats_active"), snap.get("seats_purchased"))
        return when, _plain(snap.get(field))

    def get(self, field: str) -> Any:
        v = self.values
        if field in v:
            return _plain(v[field])
        if field == "seat_utilization":
            return _ratio(_plain(v.get("seats_active")), _plain(v.get("seats_purchased")))
        if field == "days_to_renewal":
            d = _plain(v.get("renewal_date"))
            return None if d is None else (d - self.today).days
        if field == "days_since_last_interaction":
            d = _plain(v.get("last_interaction"))
            return None if d is None else (self.today - d).days
        if field == "arr_change_pct":
            _, old = self.baseline("arr", None)
            new = _plain(v.get("arr"))
            if old is None or new is None or old == 0:
                return None
            return (new - old) * 100 / abs(old)
        return None


def _ratio(active: Any, purchased: Any) -> float | None:
    active, purchased = _plain(active), _plain(purchased)
    if active is None or purchased is None or not purchased > 0:
        return None
    return active / purchased


def _norm(s: Any) -> str:
    return str(s).strip().casefold()


def check(rule: dict[str, Any], acc: Account, catalog: dict[str, FieldType]) -> bool:
    """Does this one account satisfy the JSON rule?"""
    if "all" in rule:
        return all(check(r, acc, catalog) for r in rule["all"])
    if "any" in rule:
        return any(check(r, acc, catalog) for r in rule["any"])
    if "not" in rule:
        return not check(rule["not"], acc, catalog)
    field, op, want = rule["field"], rule["op"], rule.get("value")
    ftype = catalog[field]
    x = acc.get(field)
    if op == "is_empty":
        return x is None
    if op == "is_not_empty":
        return x is not None
    if op in ("dropped_by", "rose_by", "dropped_by_pct", "rose_by_pct"):
        _, old = acc.baseline(field, rule.get("since_days"))
        if x is None or old is None:
            return False
        if op == "dropped_by":
            return old - x >= want
        if op == "rose_by":
            return x - old >= want
        if old == 0:
            return False
        if op == "dropped_by_pct":
            return (old - x) * 100 / abs(old) >= want
        return (x - old) * 100 / abs(old) >= want
    if op == "older_than_days":
        return x is None or (acc.today - x).days > want
    if x is None:
        return False
    if ftype == FieldType.DATE:
        if op == "within_next_days":
            return 0 <= (x - acc.today).days <= want
        if op == "within_last_days":
            return 0 <= (acc.today - x).days <= want
        if op == "before":
            return x < date.fromisoformat(want)
        if op == "after":
            return x > date.fromisoformat(want)
    if ftype == FieldType.TEXT:
        s = _norm(x)
        if op == "=":
            return s == _norm(want)
        if op == "!=":
            return s != _norm(want)
        if op == "in":
            return s in [_norm(w) for w in want]
        if op == "not_in":
            return s not in [_norm(w) for w in want]
        if op == "contains":
            return _norm(want) in s
    if ftype == FieldType.BOOL:
        return (bool(x) == want) if op == "=" else (bool(x) != want)
    if ftype in NUMERIC:
        x = float(x)
        table = {
            "=": lambda: x == want,
            "!=": lambda: x != want,
            ">": lambda: x > want,
            ">=": lambda: x >= want,
            "<": lambda: x < want,
            "<=": lambda: x <= want,
            "between": lambda: want[0] <= x <= want[1],
            "in": lambda: x in want,
            "not_in": lambda: x not in want,
        }
        return table[op]()
    raise AssertionError(f"reference does not know {op} on {ftype}")


def reference_evaluate(
    rule: dict[str, Any],
    portfolio: pd.DataFrame,
    history: pd.DataFrame,
    today: date,
    catalog: dict[str, FieldType],
) -> dict[str, bool]:
    """key -> membership, computed account by account."""
    snaps: dict[str, list[dict[str, Any]]] = {}
    for row in history.to_dict("records"):
        row["as_of"] = _plain(row["as_of"])
        snaps.setdefault(str(row["key"]), []).append(row)
    out = {}
    for key, values in zip(portfolio.index, portfolio.to_dict("records"), strict=True):
        out[str(key)] = check(rule, Account(values, snaps.get(str(key), []), today), catalog)
    return out
