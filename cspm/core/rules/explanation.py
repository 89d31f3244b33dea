"""Why an account is in a segment: the conditions it met, in words, with its own values.

The rule is evaluated on that one account with the same engine (so the explanation can never
disagree with the membership), then walked: an `all` that matched lists all its conditions, an
`any` lists only the branches that matched, a `not` says what was not the case.
"""

from __future__ import annotations

import math
from datetime import date
from typing import cast

import numpy as np
import pandas as pd

from cspm.core.errors import NotFoundError
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


def fmt_number(v: float) -> str:
    """38.0 -> "38", 120000 -> "120,000", 0.9532 -> "0.953"; NaN -> "empty"."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "empty"
    if float(v).is_integer() and abs(v) < 1e15:
        return f"{int(v):,}"
    return f"{v:,.3f}".rstrip("0").rstrip(".")


def _fmt_value(v: Value) -> str:
    if isinstance(v, tuple):
        return ", ".join(_fmt_value(x) for x in v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return fmt_number(v)
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def _days(n: float) -> str:
    n = abs(n)
    return f"{fmt_number(n)} day" + ("" if n == 1 else "s")


def _paren(text: str) -> str:
    return text if text.startswith("(") else f"({text})"


def describe(rule: Rule) -> str:
    """A one-line human reading of a rule, e.g. "(health_score < 50 or mau dropped by 20%)"."""
    if isinstance(rule, AllOf | AnyOf):
        if not rule.rules:
            return "everything" if isinstance(rule, AllOf) else "nothing"
        joiner = " and " if isinstance(rule, AllOf) else " or "
        return "(" + joiner.join(describe(r) for r in rule.rules) + ")"
    if isinstance(rule, Not):
        return f"not {_paren(describe(rule.rule))}"
    if isinstance(rule, ContactCount):
        return describe_contact_count(rule, describe)
    words = _OP_WORDS[rule.op]
    if isinstance(rule, HistoryCondition):
        pct = "%" if rule.op.endswith("_pct") else ""
        since = (
            "the previous snapshot" if rule.since_days is None else f"{_days(rule.since_days)} ago"
        )
        return f"{rule.field} {words} {fmt_number(rule.value)}{pct} since {since}"
    if rule.op in ("is_empty", "is_not_empty"):
        return f"{rule.field} {words}"
    if rule.op in ("within_next_days", "within_last_days", "older_than_days"):
        return f"{rule.field} {words} {_days(rule.value)}"  # type: ignore[arg-type]
    if rule.op == "between":
        lo, hi = cast(tuple[float, float], rule.value)
        return f"{rule.field} between {fmt_number(lo)} and {fmt_number(hi)}"
    if rule.op in ("in", "not_in"):
        return f"{rule.field} {words} [{_fmt_value(rule.value)}]"
    return f"{rule.field} {words} {_fmt_value(rule.value)}"


def explain(
    rule: Rule,
    portfolio: pd.DataFrame,
    history: pd.DataFrame | None,
    today: Today,
    key: str,
    *,
    contacts: pd.DataFrame | None = None,
) -> list[str]:
    """The matched conditions for one account, as sentences; empty when it does not match.

    contacts: the contact table, for contact-level conditions."""
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
    _walk(rule, ctx, lines)
    return lines


def _walk(rule: Rule, ctx: EvalContext, out: list[str]) -> None:
    if not ctx.mask(rule)[0]:
        return
    if isinstance(rule, AllOf | AnyOf):
        for child in rule.rules:
            _walk(child, ctx, out)
    elif isinstance(rule, Not):
        values = "; ".join(f"{f} is {_current(f, ctx)}" for f in sorted(fields_used(rule)))
        out.append(f"{describe(rule)}: {values}")
    elif isinstance(rule, HistoryCondition):
        out.append(_history_line(rule, ctx))
    elif isinstance(rule, ContactCount):
        out.append(_contact_line(rule, ctx))
    else:
        out.append(_condition_line(rule, ctx))


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
    return fmt_number(ctx.floats(field)[0])


def _iso(d: np.datetime64) -> str:
    return "empty" if np.isnat(d) else str(d.astype("datetime64[D]"))


def _history_line(rule: HistoryCondition, ctx: EvalContext) -> str:
    new = ctx.floats(rule.field)[0]
    old = ctx.baseline(rule.field, rule.since_days)[0]
    when = _iso(ctx.snapshots.baseline_dates(rule.since_days, ctx.today)[0])
    change = abs(new - old)
    amount = fmt_number(change)
    if rule.op.endswith("_pct"):
        amount = fmt_number(round(change * 100 / abs(old), 1)) + "%"
    verb = "dropped" if rule.op.startswith("dropped") else "rose"
    return f"{rule.field} {verb} by {amount} since {when} ({fmt_number(old)} -> {fmt_number(new)})"


def _condition_line(rule: Condition, ctx: EvalContext) -> str:
    f, op, value = rule.field, rule.op, rule.value
    if op == "is_empty":
        return f"{f} is empty"
    if op == "is_not_empty":
        return f"{f} is {_current(f, ctx)} (not empty)"
    if rule.type == FieldType.DATE:
        d = ctx.dates(f)[0]
        days = ctx.days(f)[0]
        iso = _iso(d)
        if op == "within_next_days":
            left = "today" if days == 0 else _days(days)
            return f"{f} {iso} is within the next {_days(value)} ({left})"  # type: ignore[arg-type]
        if op in ("within_last_days", "older_than_days"):
            if np.isnat(d):
                return f"{f} is empty (never), which counts as older than {_days(value)}"  # type: ignore[arg-type]
            ago = "today" if days == 0 else f"{_days(days)} ago"
            phrase = "within the last" if op == "within_last_days" else "older than"
            return f"{f} {iso} is {phrase} {_days(value)} ({ago})"  # type: ignore[arg-type]
        return f"{f} {iso} is {op} {_fmt_value(value)}"
    if rule.type == FieldType.BOOL:
        return f"{f} is {'true' if ctx.bools(f)[0][0] else 'false'}"
    actual = _current(f, ctx)
    if op == "between":
        return f"{f} {actual} is between {_fmt_value(value).replace(', ', ' and ')}"
    if op in ("in", "not_in"):
        return f"{f} {actual} is {'one' if op == 'in' else 'none'} of {_fmt_value(value)}"
    if rule.type == FieldType.TEXT:
        if op == "=":
            return f"{f} is {actual}"
        if op == "!=":
            return f"{f} {actual} is not {_fmt_value(value)}"
        return f"{f} {actual} contains '{_fmt_value(value)}'"
    return f"{f} {actual} {op} {_fmt_value(value)}"


def _contact_line(rule: ContactCount, ctx: EvalContext) -> str:
    """ "2 of 4 contacts (50%) with ... (at least 1 contact): ada@x, cy@x"."""
    _, matched, total = ctx.contact_counts(rule)
    hit, positions = ctx.contact_hits(rule)
    assert ctx.contacts is not None  # a member by its contacts has contacts
    chosen = ctx.contacts.loc[hit & (positions == 0)]
    shown = chosen["email"].where(chosen["email"].notna(), chosen["name"]).dropna()
    where = "" if isinstance(rule.where, AllOf) and not rule.where.rules else describe(rule.where)
    return explain_line(rule, int(matched[0]), int(total[0]), [str(e) for e in shown], where)
