"""What task generation reads of each account, as one 64-bit digest per account.

Incremental regeneration (`cspm.service.tasks.regenerate_tasks`) plans only the accounts whose
trigger inputs changed since the last run: an account whose inputs are as they were gets an
empty plan from the generator (it is idempotent, see `generate`), so planning it again is pure
cost. What `triggers.evaluate` reads of an account's portfolio row is exactly:

- `lifecycle_stage` (stage steps, the churned exclusion) and `tier` (tier filters, the tier's
  engagement model and its cadences);
- membership of the segments that playbook steps are triggered by;
- the date columns steps are due from and cadences are anchored on (`due_from`, `data_fields`).

Everything else it reads (stored tasks, touchpoints, the settings, today) is not per-row data
of the portfolio: the caller makes a full run when any of those may have changed.

A digest mismatch only ever makes an account planned that need not be (never the reverse,
but for a 64-bit hash collision), so values are normalised before hashing (dates as day
numbers, text as plain objects, missing as None) to keep dtype noise from widening the scope.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cspm.core.tasks.config import TaskSettings
from cspm.core.tasks.frames import column_days


def input_columns(settings: TaskSettings) -> tuple[list[str], list[str]]:
    """(date columns, segment names) the triggers of these settings read."""
    dates: list[str] = []
    segments: list[str] = []
    for step in settings.playbooks:
        if step.due_from != "today":
            dates.append(step.due_from)
        if step.trigger_kind == "segment":
            segments.append(step.trigger)
    for model in (*settings.engagement.values(), settings.default_model):
        for cadence in model.cadences:
            dates.extend(cadence.data_fields)
    return list(dict.fromkeys(dates)), list(dict.fromkeys(segments))


def trigger_digest(
    portfolio: pd.DataFrame, membership: pd.DataFrame, settings: TaskSettings
) -> pd.Series:
    """One uint64 per account (indexed by account key) over every trigger input it has."""
    index = portfolio.index
    if not membership.index.equals(index):
        membership = membership.reindex(index, fill_value=False)
    dates, segments = input_columns(settings)
    parts: dict[str, object] = {}
    for name in ("lifecycle_stage", "tier"):
        col = portfolio[name] if name in portfolio.columns else pd.Series(None, index=index)
        parts[name] = _text(col)
    for name in dates:
        parts[f"date:{name}"] = column_days(portfolio, name)
    for name in segments:
        if name in membership.columns:
            col = membership[name].to_numpy(dtype=bool, na_value=False)
        else:
            col = np.zeros(len(index), dtype=bool)
        parts[f"segment:{name}"] = col
    frame = pd.DataFrame(parts, index=pd.RangeIndex(len(index)))
    hashed = pd.util.hash_pandas_object(frame, index=False).to_numpy(dtype=np.uint64)
    return pd.Series(hashed, index=pd.Index(index.astype(str), dtype=object), name="digest")


def accounts_to_plan(before: pd.Series, after: pd.Series) -> pd.Index:
    """Account keys whose digest differs, that are new, or that are gone (their open tasks
    must be resolved by data)."""
    common = after.index.intersection(before.index)
    differs = after.loc[common].to_numpy() != before.loc[common].to_numpy()
    changed = common[differs]
    new = after.index.difference(before.index)
    gone = before.index.difference(after.index)
    return changed.append(new).append(gone)


def _text(col: pd.Series) -> np.ndarray:
    """Text as plain str objects, missing as None (whatever the column's dtype: str,
    categorical or object); each distinct value converted once."""
    codes, uniques = pd.factorize(col.astype(object), use_na_sentinel=True)
    names = np.array([str(u) for u in uniques] + [None], dtype=object)
    return names[np.where(codes < 0, len(uniques), codes)]
