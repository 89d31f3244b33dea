"""Why each member of a segment matched, in `explain`'s own sentences, for many accounts at once.

`explain` evaluates the rule on a one-account copy of the portfolio (its rows of history, its
contacts): at 100,000 accounts `cspm segments show` of a 30,000-member segment took minutes,
nearly all of it building those copies. The engine is vectorised and row-wise (an account's
mask and values never depend on another account's), so here the rule is evaluated once over
the whole portfolio and each member's sentences are written by `explain`'s own walk, reading
that member's row of the shared masks and values. The same sentences (tests/core/rules/
test_explain_each.py compares them with `explain` for every segment of the demo portfolio).
Rules counted over contacts list the member's contacts by name: those members go through
`explain` itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import numpy as np
import pandas as pd

from cspm.core.errors import NotFoundError

from .engine import EvalContext, Today
from .explanation import Labeller, _walk, explain, same_name
from .nodes import AllOf, AnyOf, ContactCount, Not, Rule


def _counts_contacts(rule: Rule) -> bool:
    if isinstance(rule, ContactCount):
        return True
    if isinstance(rule, AllOf | AnyOf):
        return any(_counts_contacts(r) for r in rule.rules)
    if isinstance(rule, Not):
        return _counts_contacts(rule.rule)
    return False


class _Cell:
    """One account's value of a column, read the way `explain` reads its one-row Series
    (`.dtype`, `.iloc[0]`)."""

    def __init__(self, column: pd.Series, i: int) -> None:
        self.dtype = column.dtype
        self._column, self._i = column, i

    @property
    def iloc(self) -> _Cell:
        return self

    def __getitem__(self, j: int) -> Any:
        return self._column.iloc[self._i + j]


class _RowFrame:
    """The one-account portfolio `explain` builds, as a view of row `i`: its columns (each
    taken from the frame once for all rows), each cut to that account's value."""

    def __init__(self, frame: pd.DataFrame, columns: dict[str, pd.Series], i: int) -> None:
        self._frame, self._columns, self._i = frame, columns, i
        self.columns = frame.columns

    def __getitem__(self, field: str) -> _Cell:
        column = self._columns.get(field)
        if column is None:
            column = self._columns[field] = self._frame[field]
        return _Cell(column, self._i)


class _RowSnapshots:
    def __init__(self, ctx: EvalContext, i: int) -> None:
        self._ctx, self._i = ctx, i

    def baseline_dates(self, since_days: float | None, today: pd.Timestamp) -> np.ndarray:
        dates = self._ctx._memo(
            "base_dates", since_days, lambda: self._ctx.snapshots.baseline_dates(since_days, today)
        )
        return cast(np.ndarray, dates)[self._i : self._i + 1]


class _RowContext:
    """What `explanation._walk` reads of an `EvalContext`, for row `i` of a whole-portfolio
    context: each array cut to that row (computed once for all rows)."""

    def __init__(self, ctx: EvalContext, columns: dict[str, pd.Series], i: int) -> None:
        self._ctx, self._i = ctx, i
        self.today = ctx.today
        self.portfolio = _RowFrame(ctx.portfolio, columns, i)
        self.snapshots = _RowSnapshots(ctx, i)

    def _cut(self, values: np.ndarray) -> np.ndarray:
        return values[self._i : self._i + 1]

    def mask(self, rule: Rule) -> np.ndarray:
        return self._cut(self._ctx.mask(rule))

    def floats(self, field: str) -> np.ndarray:
        return self._cut(self._ctx.floats(field))

    def dates(self, field: str) -> np.ndarray:
        return self._cut(self._ctx.dates(field))

    def days(self, field: str) -> np.ndarray:
        return self._cut(self._ctx.days(field))

    def bools(self, field: str) -> tuple[np.ndarray, np.ndarray]:
        is_true, known = self._ctx.bools(field)
        return self._cut(is_true), self._cut(known)

    def baseline(self, field: str, since_days: float | None) -> np.ndarray:
        return self._cut(self._ctx.baseline(field, since_days))


def explain_each(
    rule: Rule,
    portfolio: pd.DataFrame,
    history: pd.DataFrame | None,
    today: Today,
    keys: Sequence[Any],
    label: Labeller = same_name,
    *,
    contacts: pd.DataFrame | None = None,
) -> list[list[str]]:
    """`[explain(rule, portfolio, history, today, key, label, contacts=contacts) for key in
    keys]`, evaluated once over the whole portfolio."""
    positions = portfolio.index.get_indexer(pd.Index(keys))
    if len(positions) and positions.min() < 0:
        missing = keys[int(np.flatnonzero(positions < 0)[0])]
        raise NotFoundError(f"no account with key '{missing}'")
    if _counts_contacts(rule):
        return [
            explain(rule, portfolio, history, today, key, label, contacts=contacts) for key in keys
        ]
    ctx = EvalContext(portfolio, history, today, contacts)
    columns: dict[str, pd.Series] = {}
    out: list[list[str]] = []
    for i in positions.tolist():
        lines: list[str] = []
        _walk(rule, cast(EvalContext, _RowContext(ctx, columns, i)), lines, label)
        out.append(lines)
    return out
