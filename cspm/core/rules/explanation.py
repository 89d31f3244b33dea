"""Why an account is in a segment: the conditions it met, in words, with its own values.

The rule is evaluated on that one account with the same engine (so the explanation can never
disagree with the membership), then walked: an `all` that matched lists all its conditions, an
`any` lists only the branches that matched, a `not` says what was not the case.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from typing import cast

import numpy as np
import pandas as pd

from cspm.core.errors import NotFoundError
from cspm.core.field_labels import is_percent, percent_text
from cspm.core.fields import FieldType
from cspm.core.rules.contact_count import describe_contact_count, explain_line
from cspm.core.rules.engine import EvalContext, Today
from cspm.core.rules.language import fields_used
from cspm.core.rules.nodes import (
    AllOf,
    AnyOf,
    Condition,
    ContactCount,
    HistoryCondition,
    Not,
    Rule,
    Value,
)

_OP_WORDS = {
    "=": "=", "!=": "!=", ">": ">", ">=": ">=", "<": "<", "<=": "<=", "between": "between",
    "in": "in", "not_in": "not in", "contains": "contains", "is_empty": "is empty",
    "is_not_empty": "is not empty", "within_next_days": "within the next",
    "within_last_days": "within the last", "older_than_days": "older than",
    "before": "before", "after": "after", "dropped_by": "dropped by", "rose_by": "rose by",
    "dropped_by_pct": "dropped by", "rose_by_pct": "rose by",
}  # fmt: skip

Labeller = Callable[[str], str]
"""Field name -> the words shown for it; the core's default is the name itself, the service
passes `field_labels.field_label` so people read labels."""


def same_name(name: str) -> str:
    return name


def fmt_number(v: float) -> str:
    """38.0 -> "38", 120000 -> "120,000", 0.9532 -> "0.953"; NaN -> "empty"."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "empty"
    if float(v).is_integer() and abs(v) < 1e15:
        return f"{int(v):,}"
    return f"{v:,.3f}".rstrip("0").rstrip(".")


def fmt_field_number(field: str, v: float) -> str:
    """A value of `field` in words: a fraction field as a percent (0.4 -> "40%")."""
    return percent_text(v) if is_percent(field) else fmt_number(v)


def _fmt_value(v: Value, field: str = "") -> str:
    if isinstance(v, tuple):
        return ", ".join(_fmt_value(x, field) for x in v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return fmt_field_number(field, v)
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def _days(n: float) -> str:
    n = abs(n)
    return f"{fmt_number(n)} day" + ("" if n == 1 else "s")


def _paren(text: str) -> str:
    return text if text.startswith("(") else f"({text})"


def describe(rule: Rule, label: Labeller = same_name) -> str:
    """A one-line human reading of a rule, e.g. "(health_score < 50 or mau dropped by 20%)".

    `label` names the fields (the service passes labels: "Health Score < 50").
    """
    if isinstance(rule, AllOf | AnyOf):
        if not rule.rules:
            return "everything" if isinstance(rule, AllOf) else "nothing"
        joiner = " and " if isinstance(rule, AllOf) else " or "
        return "(" + joiner.join(describe(r, label) for r in rule.rules) + ")"
    if isinstance(rule, Not):
        return f"not {_paren(describe(rule.rule, label))}"
    if isinstance(rule, ContactCount):
        return describe_contact_count(rule, describe)
    words, name = _OP_WORDS[rule.op], label(rule.field)
    if isinstance(rule, HistoryCondition):
        since = (
            "the previous snapshot" if rule.since_days is None else f"{_days(rule.since_days)} ago"
        )
        return f"{name} {words} {_history_amount(rule, rule.value)} since {since}"
    if rule.op in ("is_empty", "is_not_empty"):
        return f"{name} {words}"
    if rule.op in ("within_next_days", "within_last_days", "older_than_days"):
        return f"{name} {words} {_days(rule.value)}"  # type: ignore[arg-type]
    if rule.op == "between":
        lo, hi = cast(tuple[float, float], rule.value)
        f = rule.field
        return f"{name} between {fmt_field_number(f, lo)} and {fmt_field_number(f, hi)}"
    if rule.op in ("in", "not_in"):
        return f"{name} {words} [{_fmt_value(rule.value, rule.field)}]"
    return f"{name} {words} {_fmt_value(rule.value, rule.field)}"


def _history_amount(rule: HistoryCondition, amount: float) -> str:
    """A change in words: "20%" (relative ops), "10 points" (absolute, on a fraction field:
    0.1 of a share is ten percentage points), else the plain number."""
    if rule.op.endswith("_pct"):
        return fmt_number(amount) + "%"
    if is_percent(rule.field):
        points = round(amount * 100, 1) + 0.0
        return f"{fmt_number(points)} point" + ("" if points == 1 else "s")
    return fmt_number(amount)


def explain(
    rule: Rule,
    portfolio: pd.DataFrame,
    history: pd.DataFrame | None,
    today: Today,
    key: str,
    label: Labeller = same_name,
    *,
    contacts: pd.DataFrame | None = None,
) -> list[str]:
    """The matched conditions for one account, as sentences; empty when it does not match.

    `label` names the fields (the service passes labels, so people never read raw names);
    `contacts`: the contact table, for contact-level conditions.
    """
    if key not in portfolio.index:
        raise NotFoundError(f"no account with key '{key}'")
    one = portfolio.loc[[key]]
    hist = history
    if history is not None and "key" in history.columns:
        hist = history.loc[history["key"] == key]
    if contacts is not None:
        contacts = contacts.loc[contacts["account_key"] == key]
    ctx = EvalContext(one, hist, today, contacts)
    lines: list[str] = []
    _walk(rule, ctx, lines, label)
    return lines


def _walk(rule: Rule, ctx: EvalContext, out: list[str], label: Labeller) -> None:
    if not ctx.mask(rule)[0]:
        return
    if isinstance(rule, AllOf | AnyOf):
        for child in rule.rules:
            _walk(child, ctx, out, label)
    elif isinstance(rule, Not):
        values = "; ".join(f"{label(f)} is {_current(f, ctx)}" for f in sorted(fields_used(rule)))
        out.append(f"{describe(rule, label)}: {values}")
    elif isinstance(rule, HistoryCondition):
        out.append(_history_line(rule, ctx, label(rule.field)))
    elif isinstance(rule, ContactCount):
        out.append(_contact_line(rule, ctx))
    else:
        out.append(_condition_line(rule, ctx, label(rule.field)))


def _field_type(field: str, ctx: EvalContext) -> str:
    col = ctx.portfolio[field] if field in ctx.portfolio.columns else None
    if col is not None and pd.api.types.is_datetime64_any_dtype(col.dtype):
        return "date"
    if col is not None and not pd.api.types.is_numeric_dtype(col.dtype):
        return "text"
    return "number"


def _current(field: str, ctx: EvalContext) -> str:
    kind = _field_type(field, ctx)
    if kind == "date":
        return _iso(ctx.dates(field)[0])
    if kind == "text":
        raw = ctx.portfolio[field].iloc[0]
        return "empty" if raw is None or pd.isna(raw) or not str(raw).strip() else str(raw).strip()
    return fmt_field_number(field, ctx.floats(field)[0])


def _iso(d: np.datetime64) -> str:
    return "empty" if np.isnat(d) else str(d.astype("datetime64[D]"))


def _history_line(rule: HistoryCondition, ctx: EvalContext, name: str) -> str:
    new = ctx.floats(rule.field)[0]
    old = ctx.baseline(rule.field, rule.since_days)[0]
    when = _iso(ctx.snapshots.baseline_dates(rule.since_days, ctx.today)[0])
    change = abs(new - old)
    amount = _history_amount(rule, change)
    if rule.op.endswith("_pct"):
        amount = fmt_number(round(change * 100 / abs(old), 1)) + "%"
    verb = "dropped" if rule.op.startswith("dropped") else "rose"
    f = rule.field
    values = f"({fmt_field_number(f, old)} -> {fmt_field_number(f, new)})"
    return f"{name} {verb} by {amount} since {when} {values}"


def _condition_line(rule: Condition, ctx: EvalContext, name: str) -> str:
    f, op, value = rule.field, rule.op, rule.value
    if op == "is_empty":
        return f"{name} is empty"
    if op == "is_not_empty":
        return f"{name} is {_current(f, ctx)} (not empty)"
    if rule.type == FieldType.DATE:
        d = ctx.dates(f)[0]
        days = ctx.days(f)[0]
        iso = _iso(d)
        n = _days(value) if isinstance(value, int | float) else ""
        if op == "within_next_days":
            left = "today" if days == 0 else _days(days)
            return f"{name} {iso} is within the next {n} ({left})"
        if op in ("within_last_days", "older_than_days"):
            if np.isnat(d):
                return f"{name} is empty (never), which counts as older than {n}"
            ago = "today" if days == 0 else f"{_days(days)} ago"
            phrase = "within the last" if op == "within_last_days" else "older than"
            return f"{name} {iso} is {phrase} {n} ({ago})"
        return f"{name} {iso} is {op} {_fmt_value(value)}"
    if rule.type == FieldType.BOOL:
        return f"{name} is {'true' if ctx.bools(f)[0][0] else 'false'}"
    actual = _current(f, ctx)
    shown = _fmt_value(value, f)
    if op == "between":
        return f"{name} {actual} is between {shown.replace(', ', ' and ')}"
    if op in ("in", "not_in"):
        return f"{name} {actual} is {'one' if op == 'in' else 'none'} of {shown}"
    if rule.type == FieldType.TEXT:
        if op == "=":
            return f"{name} is {actual}"
        if op == "!=":
            return f"{name} {actual} is not {shown}"
        return f"{name} {actual} contains '{shown}'"
    return f"{name} {actual} {op} {shown}"


def _contact_line(rule: ContactCount, ctx: EvalContext) -> str:
    """ "2 of 4 contacts (50%) with ... (at least 1 contact): ada@x, cy@x"."""
    _, matched, total = ctx.contact_counts(rule)
    hit, positions = ctx.contact_hits(rule)
    assert ctx.contacts is not None  # a member by its contacts has contacts
    chosen = ctx.contacts.loc[hit & (positions == 0)]
    shown = chosen["email"].where(chosen["email"].notna(), chosen["name"]).dropna()
    where = "" if isinstance(rule.where, AllOf) and not rule.where.rules else describe(rule.where)
    return explain_line(rule, int(matched[0]), int(total[0]), [str(e) for e in shown], where)
