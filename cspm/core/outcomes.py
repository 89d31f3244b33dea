"""Outcome metrics (churn, GRR, NRR, expansion, NPS) for groups of accounts between two states.

Inputs are STATE frames (index = account key; columns `arr`, `health_score`, `nps`, `churned`,
plus `name`, `tier`, `lifecycle_stage`), one for the opening and one for the closing date, and
bool GROUP frames (index = account key, one column per group; an account may be in several).
An account absent from a state did not exist yet at that date.

Definitions (per group):
- Cohort: accounts present in the opening state, not churned there, with ARR > 0 there (a
  blank ARR counts as 0), and in the group *at the opening* (the opening group frame): the
  accounts whose recurring revenue the period opens with, as finance counts NRR. Membership is
  fixed for the period, so an account that moves from Mid-Market to Enterprise mid-period
  counts in Mid-Market until the next period; its growth is Mid-Market's expansion, not
  Enterprise's new ARR.
- start_arr: sum of the cohort's opening ARR. start_logos: cohort size.
- Churn is the `churned` flag of the closing state and nothing else (the service derives it from
  status and churn date, the one definition the whole app uses). A cohort account churned at the
  close adds its *opening* ARR to churned_arr and one to churned_logos. An account whose ARR
  drops to 0 or blank without being churned is a full contraction and still a logo: blank ARR is
  more often a data gap than a cancellation, and a 0-ARR live account (pilot, free tier) has
  not left. GRR and NRR come out the same either way; only logo churn differs.
- Survivors (cohort, not churned at the close): delta = closing ARR - opening ARR (blanks as 0);
  expansion_arr sums the positive deltas, contraction_arr the negative ones as a positive number.
- New: accounts live (not churned) with ARR > 0 at the close that are not in the cohort: absent
  at the opening, churned there (a win-back), or live at $0 there (a trial or free account that
  starts paying is new ARR, not expansion: it was in nobody's opening ARR). Their closing ARR is
  new_arr, one new_logo each, in the groups they belong to *at the close* (the closing group
  frame). An account at $0 on both dates, or that first appears already churned, counts
  nowhere. Over a window in which an account churns and comes back, it is simply a survivor
  (its ARR change is expansion or contraction).
- end_arr = start_arr + new_arr + expansion_arr - contraction_arr - churned_arr, which is the
  closing ARR of the survivors plus the new accounts.
- grr = (start_arr - contraction_arr - churned_arr) / start_arr;
  nrr = (start_arr + expansion_arr - contraction_arr - churned_arr) / start_arr. Fractions
  (1.05 is 105 %); null (NaN) when start_arr is 0.
- logo_churn_rate = churned_logos / start_logos, null when the cohort is empty.
- avg_health: mean closing health_score of the group's accounts at the close (survivors of its
  cohort plus its new accounts) that have a score; null if none.
- nps: % promoters (9-10) minus % detractors (0-6, i.e. below 7) over those same accounts that
  have an NPS score, in points (-100 to 100); null if none has a score.
- Money (the *_arr columns) is rounded to cents; ratios are not rounded.

A total row (default name "Portfolio", appended last) covers every account, whatever the groups:
it is not the sum of the group rows when groups overlap (segments) or leave accounts out. Pass
`total=None` to leave it out.

Everything is whole-array work: per-account figures are vectors and per-group sums are one
matrix product with the membership matrix, so 100,000 accounts in 50 groups cost milliseconds.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from itertools import pairwise

import numpy as np
import pandas as pd

from cspm.core.columns import numeric_column
from cspm.core.periods import Period

METRIC_COLUMNS: list[str] = [
    "start_arr",
    "new_arr",
    "expansion_arr",
    "contraction_arr",
    "churned_arr",
    "end_arr",
    "grr",
    "nrr",
    "start_logos",
    "churned_logos",
    "logo_churn_rate",
    "new_logos",
    "avg_health",
    "nps",
]
MONEY_COLUMNS: tuple[str, ...] = (
    "start_arr",
    "new_arr",
    "expansion_arr",
    "contraction_arr",
    "churned_arr",
    "end_arr",
)
LOGO_COLUMNS: tuple[str, ...] = ("start_logos", "churned_logos", "new_logos")
SUMMARY_METRICS: list[str] = [c for c in METRIC_COLUMNS if c not in LOGO_COLUMNS]
"""The metrics tables and reports show (the logo counts stand behind logo_churn_rate)."""
PERIOD_COLUMNS: list[str] = ["group", "period", "period_start", "period_end", *METRIC_COLUMNS]
"""Columns of `outcomes_by_period`'s long frame."""

PORTFOLIO = "Portfolio"
PROMOTER_MIN = 9.0
DETRACTOR_BELOW = 7.0

StateAt = Callable[[datetime.date], pd.DataFrame]
GroupsAt = Callable[[datetime.date, pd.DataFrame], pd.DataFrame]


def one_hot(labels: pd.Series, order: Sequence[str] | None = None) -> pd.DataFrame:
    """Bool membership frame from one label per account (tier, stage, owner).

    Columns: `order` first (all of them, so an empty tier still gets a row of zeros), then any
    other label, sorted. A missing label puts the account in no column; fill it with a label
    ("(no owner)") first if it should count somewhere.
    """
    dummies = pd.get_dummies(labels, dtype=bool)
    given = list(order or ())
    known = set(given)
    extra = sorted((c for c in dummies.columns if c not in known), key=str)
    return dummies.reindex(columns=[*given, *extra], fill_value=False)


def carry_forward(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """`after` plus, unchanged, any account of `before` it lacks.

    State carries forward, so a later state always holds every earlier account; if a caller
    hands over one that does not, the missing accounts are read as unchanged rather than
    guessed churned.
    """
    missing = before.index.difference(after.index)
    if missing.empty:
        return after
    if after.empty:
        return before.loc[missing]
    return pd.concat([after, before.loc[missing]])


def flag_column(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A bool column with missing values (and an absent column) read as False."""
    if column not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    return frame[column].astype("boolean").fillna(False).to_numpy(dtype=bool)


def _members(groups: pd.DataFrame, keys: pd.Index, columns: Sequence[str]) -> np.ndarray:
    """Membership as a (accounts x groups) bool matrix aligned to `keys` and `columns`."""
    aligned = groups.reindex(index=keys, columns=list(columns), fill_value=False)
    # A copy: pandas may hand out a read-only view, and the caller fills in the total column.
    return aligned.astype("boolean").fillna(False).to_numpy(dtype=bool, copy=True)


def _group_names(
    start_groups: pd.DataFrame, end_groups: pd.DataFrame, total: str | None
) -> list[str]:
    """Opening-frame columns, then closing-only ones (a group born in the period), then total."""
    names = list(start_groups.columns)
    seen = set(names)
    names += [c for c in end_groups.columns if c not in seen]
    if total is not None:
        if total in names:
            raise ValueError(f"a group is named {total!r}, like the total row; pass total=None")
        names.append(total)
    return names


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN where the denominator is 0."""
    out = np.full(numerator.shape, np.nan)
    np.divide(numerator, denominator, out=out, where=denominator != 0)
    return out


def _cents(values: np.ndarray) -> np.ndarray:
    """Rounded to cents; `+ 0.0` turns a -0.0 into 0.0 so it never prints as "-0.00"."""
    return np.round(values, 2) + 0.0


def outcome_metrics(
    start: pd.DataFrame,
    end: pd.DataFrame,
    start_groups: pd.DataFrame,
    end_groups: pd.DataFrame,
    *,
    total: str | None = PORTFOLIO,
) -> pd.DataFrame:
    """Outcome metrics per group between an opening and a closing state (module docstring).

    Returns one row per group (index "group": `start_groups` columns, then `end_groups`-only
    columns, then the `total` row unless it is None), columns METRIC_COLUMNS.
    """
    end = carry_forward(start, end)
    keys = start.index.union(end.index)
    s = start.reindex(keys)
    e = end.reindex(keys)
    in_start = keys.isin(start.index)
    in_end = keys.isin(end.index)

    start_arr = np.nan_to_num(numeric_column(s, "arr"), nan=0.0)
    end_arr = np.nan_to_num(numeric_column(e, "arr"), nan=0.0)
    cohort = in_start & ~flag_column(s, "churned") & (start_arr > 0)
    churned_end = flag_column(e, "churned")
    survived = cohort & ~churned_end
    lost = cohort & churned_end
    new = in_end & ~churned_end & (end_arr > 0) & ~cohort
    delta = np.where(survived, end_arr - start_arr, 0.0)
    health = numeric_column(e, "health_score")
    nps = numeric_column(e, "nps")
    has_health = ~np.isnan(health)
    has_nps = ~np.isnan(nps)

    names = _group_names(start_groups, end_groups, total)
    opening = _members(start_groups, keys, names)
    closing = _members(end_groups, keys, names)
    if total is not None:
        opening[:, -1] = True
        closing[:, -1] = True
    in_cohort = opening & cohort[:, None]
    is_new = closing & new[:, None]
    at_close = (in_cohort & survived[:, None]) | is_new

    cohort_sums = in_cohort.T.astype(np.float64) @ np.column_stack(
        [
            np.where(cohort, start_arr, 0.0),
            np.maximum(delta, 0.0),
            np.maximum(-delta, 0.0),
            np.where(lost, start_arr, 0.0),
        ]
    )
    new_sums = is_new.T.astype(np.float64) @ np.where(new, end_arr, 0.0)
    close_sums = at_close.T.astype(np.float64) @ np.column_stack(
        [
            np.where(has_health, health, 0.0),
            has_health.astype(np.float64),
            (has_nps & (nps >= PROMOTER_MIN)).astype(np.float64),
            (has_nps & (nps < DETRACTOR_BELOW)).astype(np.float64),
            has_nps.astype(np.float64),
        ]
    )

    start_total = _cents(cohort_sums[:, 0])
    expansion = _cents(cohort_sums[:, 1])
    contraction = _cents(cohort_sums[:, 2])
    churned = _cents(cohort_sums[:, 3])
    new_arr = _cents(new_sums)
    end_total = _cents(start_total + new_arr + expansion - contraction - churned)
    start_logos = in_cohort.sum(axis=0).astype(np.int64)
    churned_logos = (in_cohort & lost[:, None]).sum(axis=0).astype(np.int64)
    new_logos = is_new.sum(axis=0).astype(np.int64)
    kept = start_total - contraction - churned

    out = pd.DataFrame(
        {
            "start_arr": start_total,
            "new_arr": new_arr,
            "expansion_arr": expansion,
            "contraction_arr": contraction,
            "churned_arr": churned,
            "end_arr": end_total,
            "grr": _ratio(kept, start_total),
            "nrr": _ratio(kept + expansion, start_total),
            "start_logos": start_logos,
            "churned_logos": churned_logos,
            "logo_churn_rate": _ratio(churned_logos.astype(np.float64), start_logos),
            "new_logos": new_logos,
            "avg_health": _ratio(close_sums[:, 0], close_sums[:, 1]),
            "nps": _ratio(100.0 * (close_sums[:, 2] - close_sums[:, 3]), close_sums[:, 4]),
        },
        index=pd.Index(names, name="group"),
    )
    return out[METRIC_COLUMNS]


def outcomes_between(
    states: StateAt,
    groups: GroupsAt,
    first: datetime.date,
    last: datetime.date,
    *,
    total: str | None = PORTFOLIO,
) -> pd.DataFrame:
    """Outcome metrics from the state as of `first` to the state as of `last`.

    Two as-of dates are instants (end of day), so unlike a period the window opens *at* `first`:
    a snapshot dated `first` is the baseline, not a change inside the window.
    """
    opening = states(first)
    closing = states(last)
    return outcome_metrics(
        opening, closing, groups(first, opening), groups(last, closing), total=total
    )


def outcomes_by_period(
    states: StateAt,
    groups: GroupsAt,
    periods: Sequence[Period],
    *,
    total: str | None = PORTFOLIO,
) -> pd.DataFrame:
    """Outcome metrics for each period, as a long frame with PERIOD_COLUMNS.

    Each period opens with the state as of the day before it starts and closes with the state
    as of its last day (see `cspm.core.periods`), so consecutive periods chain and their flows
    add up to the change over the whole span. `states(d)` is each account's state in the latest
    snapshot on or before d; `groups(d, state)` its group membership at d. Both are called once
    per distinct date. Rows run period by period (oldest first), groups in `outcome_metrics`
    order; period_start and period_end hold `datetime.date` values.
    """
    days = list(dict.fromkeys(d for p in periods for d in (p.opening_as_of, p.closing_as_of)))
    state_cache = {d: states(d) for d in days}
    group_cache = {d: groups(d, state_cache[d]) for d in days}
    _as_codes(state_cache, group_cache)

    def state_at(d: datetime.date) -> pd.DataFrame:
        return state_cache[d]

    def groups_at(d: datetime.date) -> pd.DataFrame:
        return group_cache[d]

    frames = []
    for p in periods:
        opening, closing = p.opening_as_of, p.closing_as_of
        metrics = outcome_metrics(
            state_at(opening),
            state_at(closing),
            groups_at(opening),
            groups_at(closing),
            total=total,
        )
        metrics = metrics.reset_index()
        metrics["period"] = p.label
        metrics["period_start"] = pd.Series([p.start] * len(metrics), dtype=object)
        metrics["period_end"] = pd.Series([p.end] * len(metrics), dtype=object)
        frames.append(metrics[PERIOD_COLUMNS])
    if not frames:
        return pd.DataFrame(columns=PERIOD_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def _as_codes(
    states: dict[datetime.date, pd.DataFrame], groups: dict[datetime.date, pd.DataFrame]
) -> None:
    """Re-index every frame by the rank of its key among all keys (in place), when the keys
    sort: uniting, aligning and comparing integers is many times cheaper than hashing and
    sorting 100,000 text keys for every period. The ranks keep the keys' order, so every
    union, difference and alignment of `outcome_metrics` lists the accounts in exactly the
    order the text keys gave (the sums add up in the same order, to the last bit)."""
    distinct: list[pd.Index] = []  # a groups frame usually has its state's keys
    for frame in [*states.values(), *groups.values()]:
        if not any(frame.index is i or frame.index.equals(i) for i in distinct):
            distinct.append(frame.index)
    if not distinct:
        return
    keys = pd.unique(np.concatenate([i.to_numpy(dtype=object) for i in distinct]))
    order = _sorted(keys)
    if order is None:
        return
    codes = [pd.Index(order.get_indexer(i)) for i in distinct]

    def coded(index: pd.Index) -> pd.Index:
        return next(c for i, c in zip(distinct, codes, strict=True) if index.equals(i))

    for table in (states, groups):
        for d, frame in table.items():
            table[d] = frame.set_axis(coded(frame.index), axis=0)


def _sorted(keys: np.ndarray) -> pd.Index | None:
    """`keys` in Python's order (as `Index.union` sorts them), or None if they do not sort.

    Text sorts as fixed-width unicode in C (code point order, as Python compares str); the
    result is checked in Python, so a key that does not survive the conversion (a trailing
    NUL) falls back to the object sort."""
    if not all(isinstance(k, str) for k in keys):
        try:
            return pd.Index(np.sort(keys), dtype=object)
        except TypeError:
            return None
    fast = np.sort(keys.astype(str)).astype(object)
    if all(a < b for a, b in pairwise(fast)):  # unique keys: strictly increasing
        return pd.Index(fast, dtype=object)
    return pd.Index(np.sort(keys), dtype=object)
