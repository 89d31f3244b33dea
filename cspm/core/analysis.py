"""From stored account states to the portfolio a CSM sees: tier, health, stage, segments.

The order matters and lives here once: tier (from ARR or override) -> effective health (per-tier
weights) -> lifecycle stage (Advocate uses effective health) -> derived fields -> segment
membership. The same function serves "now" and any past date (outcomes, movements), because
everything it knows about time comes from `today` and the history it is given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .fields import FIELD_NAMES, FIELDS, FieldType
from .health import HealthConfig, compute_health
from .lifecycle import assign_stages, churned_mask
from .parsing import infer_type, parse_column
from .rules import Rule, add_derived, evaluate_many
from .rules.history import SnapshotIndex, to_day
from .settings import Settings
from .tiers import assign_tiers

IMPORTED_RENAMES = {"tier": "imported_tier", "lifecycle_stage": "imported_lifecycle_stage"}


@dataclass
class AnalysedPortfolio:
    """frame: one row per account (index = key) with state, classification, health breakdown,
    derived fields, custom fields and a `segments` column (sorted list of names);
    membership: bool frame, one column per segment; custom_types: inferred custom field types."""

    frame: pd.DataFrame
    membership: pd.DataFrame
    custom_types: dict[str, FieldType]


def expand_custom(custom: pd.Series) -> tuple[pd.DataFrame, dict[str, FieldType]]:
    """Custom fields (dicts of JSON values) as typed columns, types inferred like on import.

    No dict anywhere gives a frame without columns."""
    if not custom.notna().any():
        return pd.DataFrame(index=custom.index), {}
    records = [c if isinstance(c, dict) else {} for c in custom]
    wide = pd.DataFrame.from_records(records, index=custom.index)
    types: dict[str, FieldType] = {}
    columns = {}
    for col in wide.columns:
        raw = wide[col].astype(object)
        types[str(col)] = infer_type(raw)
        columns[col] = parse_column(raw, types[str(col)]).values.to_numpy()
    # One frame from all columns: assigning them one by one fragments a wide frame (a 5,000-
    # column export printed pandas PerformanceWarnings on every command).
    return pd.DataFrame(columns, index=custom.index), types


def with_all_fields(state: pd.DataFrame) -> pd.DataFrame:
    """The frame with every canonical field present (missing ones empty, correctly typed)."""
    missing = [f for f in FIELD_NAMES if f not in state.columns]
    if not missing:
        return state
    extra = {}
    for f in missing:
        ftype = FIELDS[f].type
        if ftype == FieldType.DATE:
            extra[f] = pd.Series(pd.NaT, index=state.index, dtype="datetime64[ns]")
        elif ftype == FieldType.BOOL:
            extra[f] = pd.Series(pd.NA, index=state.index, dtype="boolean")
        elif ftype == FieldType.TEXT:
            extra[f] = pd.Series(None, index=state.index, dtype=object)
        else:
            extra[f] = pd.Series(np.nan, index=state.index, dtype=float)
    return pd.concat([state, pd.DataFrame(extra, index=state.index)], axis=1)


def _pattern_codes(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first row of each distinct pattern, pattern number per row) of a bool matrix.

    Rows are encoded as integers 62 columns at a time and the per-chunk codes combined by
    factorizing, which is linear; `np.unique(axis=0)` sorts whole rows as bytes and took half
    a second on 100,000 accounts."""
    n, k = matrix.shape
    codes = np.zeros(n, dtype=np.int64)
    for start in range(0, k, 62):
        chunk = matrix[:, start : start + 62]
        bits = np.left_shift(np.int64(1), np.arange(chunk.shape[1], dtype=np.int64))
        chunk_codes, _ = pd.factorize(chunk.astype(np.int64) @ bits)
        codes, _ = pd.factorize(codes * (int(chunk_codes.max(initial=0)) + 1) + chunk_codes)
    inverse = codes.astype(np.intp)
    first = np.full(int(inverse.max(initial=-1)) + 1, n, dtype=np.intp)
    np.minimum.at(first, inverse, np.arange(n, dtype=np.intp))
    return first, inverse


def segment_lists(membership: pd.DataFrame) -> list[tuple[str, ...]]:
    """Per account, the sorted names of its segments (a tuple, shared between accounts with
    the same membership: portfolios have few distinct patterns, so this is per pattern)."""
    n = len(membership)
    if membership.shape[1] == 0 or n == 0:
        return [()] * n
    names = sorted(membership.columns)
    matrix = membership[names].to_numpy(dtype=bool)
    first, inverse = _pattern_codes(matrix)
    labels = np.array(names, dtype=object)
    per_pattern = [tuple(labels[matrix[row]]) for row in first]
    return [per_pattern[i] for i in inverse]


def _last_arr_of_churned(
    state: pd.DataFrame, history: pd.DataFrame | None, churned: np.ndarray, today: dt.date
) -> pd.Series | None:
    """Per churned account, its last positive ARR on or before today (from the snapshots), so
    it keeps the tier it had as a customer; None when no account is churned."""
    if not churned.any() or history is None or "arr" not in history.columns or history.empty:
        return None
    keys = state.index[churned]
    hist = history[history["key"].isin(keys)]  # a few churned accounts of many: filter first
    hist = hist[(hist["as_of"] <= pd.Timestamp(today)) & (hist["arr"] > 0)]
    if hist.empty:
        return None
    hist = hist.sort_values(["as_of", "import_id"], kind="stable")
    last = hist.groupby("key", sort=False)["arr"].last()
    return pd.Series(state.index, index=state.index).map(last).astype(float).where(churned)


def snapshot_index(
    history: pd.DataFrame | None, state: pd.DataFrame, today: dt.date
) -> SnapshotIndex:
    """`history` prepared for the accounts of `state` (keyed by its `key` column, or by its
    index when it has none) in their row order, on `today`: what `analyse` and the segments
    evaluated after it share."""
    keys = pd.Index(state["key"]) if "key" in state.columns else state.index
    return SnapshotIndex(history, keys, to_day(today))


def analyse(
    state: pd.DataFrame,
    history: pd.DataFrame | None,
    settings: Settings,
    today: dt.date,
    *,
    rules: dict[str, Rule] | None = None,
    override_tiers: pd.Series | None = None,
    override_notes: pd.Series | None = None,
    override_by: pd.Series | None = None,
    health: HealthConfig | None = None,
    custom: tuple[pd.DataFrame, dict[str, FieldType]] | None = None,
    snapshots: SnapshotIndex | None = None,
) -> AnalysedPortfolio:
    """Classify and segment every account of `state` (columns key, canonical fields, custom).

    override_tiers/notes/by are indexed like `state`. History: key, as_of, import_id and the
    numeric fields.
    custom: the `expand_custom` result of state's custom column when the caller already has
    it (the service keeps it with the stored frames), aligned with `state`'s rows.
    snapshots: `history` prepared for `state`'s accounts (in its row order) and `today`, when
    the caller shares one (`snapshot_index`); else one is built here, once, for health, the
    derived fields and the segments (sorting 600,000 snapshot rows three times cost more
    than the health model itself).
    """
    state = state.set_index("key", drop=False) if "key" in state.columns else state
    if snapshots is None:
        snapshots = snapshot_index(history, state, today)
    state = with_all_fields(state)
    churned = churned_mask(state, today, settings)  # tiers and stages both need it
    tiers = assign_tiers(
        state,
        settings,
        override_tiers,
        override_notes=override_notes,
        override_by=override_by,
        last_arr=_last_arr_of_churned(state, history, churned, today),
    )
    frame = state.drop(columns=["custom"], errors="ignore").rename(columns=IMPORTED_RENAMES)
    frame = pd.concat([frame, tiers], axis=1)
    health_parts = compute_health(frame, history, today, health, snapshots)
    frame = frame.drop(columns=["health_score"]).join(health_parts)
    frame["imported_health_score"] = state["health_score"]
    staged_input = frame.rename(columns={"imported_lifecycle_stage": "lifecycle_stage"})
    frame = pd.concat([frame, assign_stages(staged_input, today, settings, churned)], axis=1)
    if custom is None and "custom" in state.columns:
        custom = expand_custom(state["custom"])
    custom_types: dict[str, FieldType] = {}
    if custom is not None and len(custom[0].columns):
        wide = custom[0].set_axis(state.index)
        keep = [c for c in wide.columns if c not in frame.columns]
        custom_types = {k: v for k, v in custom[1].items() if k in keep}
        frame = pd.concat([frame, wide[keep]], axis=1)
    frame = add_derived(frame, history, today, snapshots)
    membership = (
        evaluate_many(rules, frame, history, today, snapshots=snapshots)
        if rules
        else pd.DataFrame(index=frame.index)
    )
    frame["segments"] = segment_lists(membership)
    return AnalysedPortfolio(frame, membership, custom_types)
