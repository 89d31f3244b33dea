"""The rule tree: small frozen dataclasses, so rules compare, hash and cache by value.

A parsed rule carries each condition's field type (looked up in the catalogue at parse time):
evaluation then needs no catalogue, and an operator like `=` knows whether it compares text,
numbers or booleans without guessing from a column's dtype (a text column that happens to be
all blank looks like anything).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TypeAlias

from cspm.core.fields import FieldType

Scalar: TypeAlias = bool | int | float | str | date
Value: TypeAlias = Scalar | tuple[Scalar, ...] | None


@dataclass(frozen=True)
class Condition:
    """`field op value` on the account's current values; value None for is_empty/is_not_empty."""

    field: str
    op: str
    value: Value
    type: FieldType


@dataclass(frozen=True)
class HistoryCondition:
    """Current value against the account's value in an earlier snapshot.

    since_days None means "the previous snapshot"; otherwise the latest snapshot on or before
    today - since_days (never the current one).
    """

    field: str
    op: str
    value: float
    since_days: float | None
    type: FieldType


@dataclass(frozen=True)
class AllOf:
    """True when every child is true (an empty group is true)."""

    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class AnyOf:
    """True when at least one child is true (an empty group is false)."""

    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Not:
    """Plain negation: not(x > 5) is true for a missing x."""

    rule: Rule


@dataclass(frozen=True)
class ContactCount:
    """Over an account's contacts (rows are contacts, counted per account): true when at least
    `at_least` of its contacts match `where`, or at least `at_least_pct` percent of them (an
    account without contacts has no share: false). `where` names contact fields only
    (`cspm.core.related.contact_table.CONTACT_RULE_FIELDS`). Exactly one threshold is set."""

    where: Rule
    at_least: int | None = None
    at_least_pct: float | None = None


Rule: TypeAlias = Condition | HistoryCondition | AllOf | AnyOf | Not | ContactCount

NUMERIC_TYPES = frozenset({FieldType.NUMBER, FieldType.MONEY, FieldType.SCORE})

# Which field types each operator accepts; also the full list of known operators.
OPS_BY_TYPE: dict[str, frozenset[FieldType]] = {
    "=": frozenset({FieldType.TEXT, FieldType.BOOL, *NUMERIC_TYPES}),
    "!=": frozenset({FieldType.TEXT, FieldType.BOOL, *NUMERIC_TYPES}),
    ">": NUMERIC_TYPES,
    ">=": NUMERIC_TYPES,
    "<": NUMERIC_TYPES,
    "<=": NUMERIC_TYPES,
    "between": NUMERIC_TYPES,
    "in": frozenset({FieldType.TEXT, *NUMERIC_TYPES}),
    "not_in": frozenset({FieldType.TEXT, *NUMERIC_TYPES}),
    "contains": frozenset({FieldType.TEXT}),
    "is_empty": frozenset(FieldType),
    "is_not_empty": frozenset(FieldType),
    "within_next_days": frozenset({FieldType.DATE}),
    "within_last_days": frozenset({FieldType.DATE}),
    "older_than_days": frozenset({FieldType.DATE}),
    "before": frozenset({FieldType.DATE}),
    "after": frozenset({FieldType.DATE}),
    "dropped_by": NUMERIC_TYPES,
    "rose_by": NUMERIC_TYPES,
    "dropped_by_pct": NUMERIC_TYPES,
    "rose_by_pct": NUMERIC_TYPES,
}
HISTORY_OPS = frozenset({"dropped_by", "rose_by", "dropped_by_pct", "rose_by_pct"})
DAY_OPS = frozenset({"within_next_days", "within_last_days", "older_than_days"})
COMPARE_OPS = frozenset({"=", "!=", ">", ">=", "<", "<="})
