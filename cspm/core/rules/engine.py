"""Vectorised rule evaluation over the whole portfolio.

Every condition becomes one numpy boolean mask over all accounts; groups combine masks. An
`EvalContext` holds what is worth computing once per run and sharing across conditions and
segments: typed column arrays, normalised text (done on the distinct values only, via
factorize, so a 100,000-row tier column costs three string operations), day counts, snapshot
baselines per (field, since_days) and the masks of repeated sub-rules.

Missing values: a comparison on a missing value is false (numpy's NaN/NaT comparisons already
are; `!=` and `not_in` mask them out explicitly); `is_empty` and `older_than_days` are the only
conditions a missing value satisfies, and `not` is plain negation.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import TypeAlias, cast

import numpy as np
import pandas as pd

from cspm.core.columns import as_float
from cspm.core.fields import FieldType
from cspm.core.rules.catalog import COMPUTED_FIELDS, compute_derived
from cspm.core.rules.contact_count import account_positions, count_mask
from cspm.core.rules.history import DAY, SnapshotIndex, as_datetime64, to_day
from cspm.core.rules.nodes import (
    NUMERIC_TYPES,
    AllOf,
    AnyOf,
    Condition,
    ContactCount,
    HistoryCondition,
    Not,
    Rule,
)

Today: TypeAlias = date | datetime | pd.Timestamp


class EvalContext:
    """Columns, baselines and masks computed once per evaluation and shared by all rules."""

    def __init__(
        self,
        portfolio: pd.DataFrame,
        history: pd.DataFrame | None,
        today: Today,
        contacts: pd.DataFrame | None = None,
        snapshots: SnapshotIndex | None = None,
    ):
        self.portfolio = portfolio
        self.history = history
        self.today = to_day(today)
        self.n = len(portfolio)
        # the contact table (core.related.contact_table) for contact-level conditions; None:
        # no contacts, so "at least N contacts ..." matches nobody
        self.contacts = contacts
        self._contact_ctx: EvalContext | None = None
        # the prepared history when the caller built it for this portfolio, history and day
        # (one per portfolio load, shared with health and the derived fields)
        self._snapshots: SnapshotIndex | None = snapshots
        self._cache: dict[tuple[str, object], object] = {}
        self._masks: dict[Rule, np.ndarray] = {}

    @property
    def snapshots(self) -> SnapshotIndex:
        """The prepared history, built on first use (rules without history ops never pay)."""
        if self._snapshots is None:
            self._snapshots = SnapshotIndex(self.history, self.portfolio.index, self.today)
        return self._snapshots

    def _memo(self, kind: str, key: object, make: object) -> object:
        k = (kind, key)
        if k not in self._cache:
            self._cache[k] = make()  # type: ignore[operator]
        return self._cache[k]

    def _has(self, field: str) -> bool:
        return field in self.portfolio.columns

    def floats(self, field: str) -> np.ndarray:
        """Current numeric values; derived fields are computed when the column is absent."""

        def make() -> np.ndarray:
            if self._has(field):
                return as_float(self.portfolio[field])
            if field in COMPUTED_FIELDS:
                return compute_derived(field, self.portfolio, self.snapshots, self.today)
            return np.full(self.n, np.nan)

        return self._memo("float", field, make)  # type: ignore[return-value]

    def dates(self, field: str) -> np.ndarray:
        """Current dates as datetime64[ns] (NaT missing)."""

        def make() -> np.ndarray:
            if not self._has(field):
                return np.full(self.n, np.datetime64("NaT"), "datetime64[ns]")
            return as_datetime64(self.portfolio[field])

        return self._memo("date", field, make)  # type: ignore[return-value]

    def days(self, field: str) -> np.ndarray:
        """date - today in whole days (negative = past), NaN when missing."""
        return self._memo(  # type: ignore[return-value]
            "days", field, lambda: (self.dates(field) - self.today.to_datetime64()) / DAY
        )

    def text(self, field: str) -> tuple[np.ndarray, np.ndarray]:
        """(codes, normalised distinct values): code -1 means missing or blank.

        Normalising (trim + casefold) only the distinct values keeps text ops vectorised and
        cheap; a blank text counts as missing, like an empty cell.
        """

        def make() -> tuple[np.ndarray, np.ndarray]:
            if not self._has(field):
                return np.full(self.n, -1, np.int64), np.empty(0, object)
            codes, uniques = pd.factorize(self.portfolio[field])
            norm = pd.Series(uniques, dtype=object).astype(str).str.strip().str.casefold()
            values = norm.to_numpy(dtype=object)
            blank = np.append(values == "", True)  # index -1 (missing) lands on the extra True
            codes = np.where(blank[codes], -1, codes)
            return codes, values

        return self._memo("text", field, make)  # type: ignore[return-value]

    def bools(self, field: str) -> tuple[np.ndarray, np.ndarray]:
        """(is_true, is_known) for a boolean field."""

        def make() -> tuple[np.ndarray, np.ndarray]:
            if not self._has(field):
                return np.zeros(self.n, bool), np.zeros(self.n, bool)
            col = self.portfolio[field].astype("boolean")
            known = col.notna().to_numpy(dtype=bool)
            return col.to_numpy(dtype=bool, na_value=False), known

        return self._memo("bool", field, make)  # type: ignore[return-value]

    def baseline(self, field: str, since_days: float | None) -> np.ndarray:
        """The field's value in each account's baseline snapshot (NaN when none)."""
        return self._memo(  # type: ignore[return-value]
            "base",
            (field, since_days),
            lambda: self.snapshots.baseline(field, since_days, self.today),
        )

    def contact_hits(self, rule: ContactCount) -> tuple[np.ndarray, np.ndarray]:
        """(where-mask over the contacts, each contact's account position); empty arrays
        without contacts. The contacts' own context is built once and shared."""
        if self.contacts is None or not len(self.contacts):
            return np.zeros(0, bool), np.zeros(0, np.int64)
        if self._contact_ctx is None:
            self._contact_ctx = EvalContext(self.contacts, None, self.today)
        positions = self._memo(
            "contact_pos", None, lambda: account_positions(self.contacts, self.portfolio.index)
        )
        return self._contact_ctx.mask(rule.where), positions  # type: ignore[return-value]

    def contact_counts(self, rule: ContactCount) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(member mask, matching contacts, all contacts) per account."""
        hit, positions = self.contact_hits(rule)
        return count_mask(rule, hit, positions, self.n)

    def mask(self, rule: Rule) -> np.ndarray:
        """The rule's boolean mask over all accounts (cached: segments share sub-rules)."""
        if rule not in self._masks:
            self._masks[rule] = _eval(rule, self)
        return self._masks[rule]


def _eval(rule: Rule, ctx: EvalContext) -> np.ndarray:
    if isinstance(rule, AllOf):
        out = np.ones(ctx.n, bool)
        for child in rule.rules:
            out &= ctx.mask(child)
        return out
    if isinstance(rule, AnyOf):
        out = np.zeros(ctx.n, bool)
        for child in rule.rules:
            out |= ctx.mask(child)
        return out
    if isinstance(rule, Not):
        return ~ctx.mask(rule.rule)
    if isinstance(rule, HistoryCondition):
        return _history(rule, ctx)
    if isinstance(rule, ContactCount):
        return ctx.contact_counts(rule)[0]
    return _condition(rule, ctx)


def _history(rule: HistoryCondition, ctx: EvalContext) -> np.ndarray:
    new = ctx.floats(rule.field)
    old = ctx.baseline(rule.field, rule.since_days)
    with np.errstate(invalid="ignore", divide="ignore"):
        if rule.op == "dropped_by":
            return (old - new) >= rule.value
        if rule.op == "rose_by":
            return (new - old) >= rule.value
        relative = np.where(old != 0, np.abs(old), np.nan)
        if rule.op == "dropped_by_pct":
            return (old - new) * 100 / relative >= rule.value
        return (new - old) * 100 / relative >= rule.value


def _condition(rule: Condition, ctx: EvalContext) -> np.ndarray:
    op, value, ftype = rule.op, rule.value, rule.type
    if op in ("is_empty", "is_not_empty"):
        empty = _is_empty(rule.field, ftype, ctx)
        return empty if op == "is_empty" else ~empty
    if ftype == FieldType.DATE:
        return _date_op(rule, ctx)
    if ftype == FieldType.TEXT:
        return _text_op(rule, ctx)
    if ftype == FieldType.BOOL:
        is_true, known = ctx.bools(rule.field)
        hit = is_true if value else known & ~is_true
        return hit if op == "=" else known & ~hit
    if ftype in NUMERIC_TYPES:
        return _number_op(op, value, ctx.floats(rule.field))
    raise ValueError(f"unsupported field type {ftype}")  # parse_rule never lets this through


def _is_empty(field: str, ftype: FieldType, ctx: EvalContext) -> np.ndarray:
    if ftype == FieldType.DATE:
        return np.isnat(ctx.dates(field))
    if ftype == FieldType.TEXT:
        return ctx.text(field)[0] < 0
    if ftype == FieldType.BOOL:
        return ~ctx.bools(field)[1]
    return np.isnan(ctx.floats(field))


def _number_op(op: str, value: object, v: np.ndarray) -> np.ndarray:
    if op == "=":
        return v == value
    if op == "!=":
        return (v != value) & ~np.isnan(v)
    if op == ">":
        return v > value
    if op == ">=":
        return v >= value
    if op == "<":
        return v < value
    if op == "<=":
        return v <= value
    if op == "between":
        lo, hi = cast(tuple[float, float], value)
        return (v >= lo) & (v <= hi)
    hit = np.isin(v, np.asarray(value, dtype=float))
    return hit if op == "in" else ~hit & ~np.isnan(v)


def _date_op(rule: Condition, ctx: EvalContext) -> np.ndarray:
    op, value = rule.op, rule.value
    if op in ("before", "after"):
        d, bound = ctx.dates(rule.field), np.datetime64(value, "ns")  # type: ignore[call-overload]
        return d < bound if op == "before" else d > bound
    days = ctx.days(rule.field)
    if op == "within_next_days":
        return (days >= 0) & (days <= value)
    if op == "within_last_days":
        return (days <= 0) & (-days <= value)
    if op == "older_than_days":
        return np.isnan(days) | (-days > value)
    raise ValueError(f"'{op}' is not a date op")


def _text_op(rule: Condition, ctx: EvalContext) -> np.ndarray:
    codes, values = ctx.text(rule.field)
    op, value = rule.op, rule.value
    if op == "contains":
        needle = str(value).strip().casefold()
        hits = pd.Series(values, dtype=object).str.contains(needle, regex=False).to_numpy(bool)
    else:
        targets = value if isinstance(value, tuple) else (value,)
        hits = pd.Index(values, dtype=object).isin([str(t).strip().casefold() for t in targets])
    if op in ("!=", "not_in"):
        hits = ~hits
    return np.append(hits, False)[codes]  # code -1 (missing) -> False for every op


def evaluate(
    rule: Rule,
    portfolio: pd.DataFrame,
    history: pd.DataFrame | None,
    today: Today,
    *,
    contacts: pd.DataFrame | None = None,
) -> pd.Series:
    """Which accounts the rule matches: a bool Series indexed like the portfolio.

    contacts: the contact table, for contact-level conditions (None: they match nobody)."""
    ctx = EvalContext(portfolio, history, today, contacts)
    return pd.Series(ctx.mask(rule), index=portfolio.index, dtype=bool, name="match")


def evaluate_many(
    rules: Mapping[str, Rule],
    portfolio: pd.DataFrame,
    history: pd.DataFrame | None,
    today: Today,
    *,
    contacts: pd.DataFrame | None = None,
    snapshots: SnapshotIndex | None = None,
) -> pd.DataFrame:
    """Membership of every segment at once (one bool column per segment, by name).

    One context serves all rules, so history is prepared once, each (field, since_days)
    baseline is looked up once, and a sub-rule shared by several segments is evaluated once.
    """
    ctx = EvalContext(portfolio, history, today, contacts, snapshots)
    data = {name: ctx.mask(rule) for name, rule in rules.items()}
    return pd.DataFrame(data, index=portfolio.index, columns=list(rules), dtype=bool)
