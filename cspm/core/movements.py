"""What moved between two states: tier migrations, stage transitions, segment entries and exits,
and the accounts whose ARR and health changed most.

Inputs are STATE frames (see `cspm.core.outcomes`) for the earlier (`before`) and later
(`after`) date and bool segment frames for each. Decisions:

- Tier matrix: one row per (from, to) cell with at least one account; every account of `after`
  is in exactly one cell, so the counts add up to the accounts at the later date. An account
  absent from `before` comes from "(new)"; one churned at a date sits in "(churned)" instead of
  its tier (so "Enterprise -> (churned)" is a lost Enterprise account, "(churned) -> SMB" a
  win-back, and "(churned) -> (churned)" an account that stayed lost). `arr` is the cell's ARR
  at the later date and `arr_before` at the earlier one; a churned account counts 0 and a blank
  ARR counts 0, as in the outcome metrics, so "Enterprise -> (churned)" shows the ARR lost in
  `arr_before`. A missing tier reads "(none)".
- Stage transitions: every (from, to) pair with its count, including unchanged pairs (from ==
  to), so the rows add up to the accounts at the later date and "stayed in Adoption" is visible;
  new accounts come from "(new)". Lifecycle already has a Churned stage, so no extra label.
- Segments entered / left: per segment (every column of either frame), the sorted keys of the
  accounts that are members later but not earlier / earlier but not later. A new account that
  lands in a segment has entered it.
- Top ARR / health changes: accounts present at both dates, largest absolute change first (ties
  by account key), zero changes left out, at most `top` rows. ARR is the effective ARR of the
  outcome metrics (0 when churned or blank), so a churn shows as its full loss and a win-back as
  its full gain; health is the raw score and an account with a blank score on either side is
  left out (a data gap is not a change). New accounts are in the tier matrix's "(new)" row.
- An account only in `before` cannot happen (state carries forward); if it does, it is read as
  unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cspm.core.columns import numeric_column
from cspm.core.outcomes import carry_forward, flag_column
from cspm.core.settings import LIFECYCLE_STAGES

NEW_LABEL = "(new)"
CHURNED_LABEL = "(churned)"
NONE_LABEL = "(none)"

TIER_MATRIX_COLUMNS: list[str] = ["from", "to", "count", "arr", "arr_before"]
STAGE_COLUMNS: list[str] = ["from", "to", "count"]
CHANGE_COLUMNS: list[str] = ["account", "name", "before", "after", "change"]


@dataclass
class Movements:
    """Everything that moved between two states (see the module docstring for each part)."""

    tier_matrix: pd.DataFrame  # TIER_MATRIX_COLUMNS
    stage_transitions: pd.DataFrame  # STAGE_COLUMNS
    segments_entered: dict[str, list[str]]  # segment -> sorted account keys
    segments_left: dict[str, list[str]]
    top_arr_changes: pd.DataFrame  # CHANGE_COLUMNS
    top_health_changes: pd.DataFrame  # CHANGE_COLUMNS


def _labels(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A text column as an object array, "(none)" where missing."""
    if column not in frame.columns:
        return np.full(len(frame), NONE_LABEL, dtype=object)
    values = frame[column].astype(object)
    return values.where(values.notna(), NONE_LABEL).to_numpy(dtype=object)


def _rank(labels: pd.Series, order: Sequence[str]) -> pd.Series:
    """Sort key: "(new)", then `order`, then other labels alphabetically, "(none)", "(churned)"."""
    specials_last = (NONE_LABEL, CHURNED_LABEL)
    given = [NEW_LABEL, *order]
    others = sorted(
        {str(v) for v in labels.unique()} - set(given) - set(specials_last), key=str.casefold
    )
    ranks = {label: i for i, label in enumerate([*given, *others, *specials_last])}
    return labels.map(ranks)


def _count_pairs(
    pairs: pd.DataFrame, order: Sequence[str], sums: Sequence[str] = ()
) -> pd.DataFrame:
    """Rows per distinct (from, to) with a count (and sums of `sums`), in `order`."""
    aggregations: dict[str, tuple[str, str]] = {"count": ("from", "size")}
    aggregations.update({c: (c, "sum") for c in sums})
    counted = pairs.groupby(["from", "to"], sort=False).agg(**aggregations).reset_index()
    counted = counted.sort_values(
        ["from", "to"], key=lambda s: _rank(s, order), kind="stable", ignore_index=True
    )
    counted["count"] = counted["count"].astype(np.int64)
    for c in sums:
        counted[c] = np.round(counted[c].to_numpy(dtype=np.float64), 2) + 0.0
    return counted


def _top_changes(
    keys: pd.Index,
    names: np.ndarray,
    before: np.ndarray,
    after: np.ndarray,
    eligible: np.ndarray,
    top: int,
    digits: int | None,
) -> pd.DataFrame:
    """The `top` largest absolute changes among eligible accounts with both values known."""
    change = after - before
    if digits is not None:
        change = np.round(change, digits) + 0.0
    keep = eligible & ~np.isnan(before) & ~np.isnan(after) & (change != 0)
    size = np.abs(np.where(keep, change, 0.0))
    top = max(top, 0)
    if 0 < top < int(keep.sum()):
        # Only the accounts at least as large as the top-th change can make the cut (ties
        # included, so the tie-break by key below stays exact); sort just those.
        threshold = np.partition(size[keep], -top)[-top]
        keep &= size >= threshold
    frame = pd.DataFrame(
        {
            "account": keys[keep].astype(object),
            "name": names[keep],
            "before": before[keep],
            "after": after[keep],
            "change": change[keep],
            "_size": size[keep],
        }
    )
    frame = frame.sort_values(["_size", "account"], ascending=[False, True], kind="stable")
    return frame.head(top).drop(columns="_size").reset_index(drop=True)


def _segment_changes(
    before_segments: pd.DataFrame, after_segments: pd.DataFrame, keys: pd.Index
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Per segment, the sorted keys of accounts that entered and that left it."""
    names = list(before_segments.columns)
    seen = set(names)
    names += [c for c in after_segments.columns if c not in seen]
    index = keys.union(before_segments.index).union(after_segments.index)

    def aligned(frame: pd.DataFrame) -> pd.DataFrame:
        full = frame.reindex(index=index, columns=names, fill_value=False)
        return full.astype("boolean").fillna(False).astype(bool)

    was, now = aligned(before_segments), aligned(after_segments)
    # Sort the keys once; each segment's list is then a mask over the sorted keys.
    labels = index.astype(str).to_numpy(dtype=object)
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    entered = np.ascontiguousarray((now & ~was).to_numpy()[order].T)  # one row per segment
    left = np.ascontiguousarray((was & ~now).to_numpy()[order].T)
    return (
        {str(c): sorted_labels[entered[j]].tolist() for j, c in enumerate(names)},
        {str(c): sorted_labels[left[j]].tolist() for j, c in enumerate(names)},
    )


def movements(
    before: pd.DataFrame,
    after: pd.DataFrame,
    before_segments: pd.DataFrame,
    after_segments: pd.DataFrame,
    top: int = 10,
    *,
    tier_order: Sequence[str] = (),
    stage_order: Sequence[str] = LIFECYCLE_STAGES,
) -> Movements:
    """What moved from `before` to `after` (module docstring); tier/stage rows sorted by
    `tier_order` / `stage_order` (settings.tier_names, LIFECYCLE_STAGES), unknown labels after.
    """
    after = carry_forward(before, after)
    keys = after.index
    b = before.reindex(keys)
    was_there = keys.isin(before.index)
    churned_before = was_there & flag_column(b, "churned")
    churned_after = flag_column(after, "churned")

    arr_before_raw = np.nan_to_num(numeric_column(b, "arr"), nan=0.0)
    arr_after_raw = np.nan_to_num(numeric_column(after, "arr"), nan=0.0)
    arr_before = np.where(was_there & ~churned_before, arr_before_raw, 0.0)
    arr_after = np.where(churned_after, 0.0, arr_after_raw)

    tier_pairs = pd.DataFrame(
        {
            "from": np.where(
                ~was_there,
                NEW_LABEL,
                np.where(churned_before, CHURNED_LABEL, _labels(b, "tier")),
            ),
            "to": np.where(churned_after, CHURNED_LABEL, _labels(after, "tier")),
            "arr": arr_after,
            "arr_before": arr_before,
        }
    )
    stage_pairs = pd.DataFrame(
        {
            "from": np.where(was_there, _labels(b, "lifecycle_stage"), NEW_LABEL),
            "to": _labels(after, "lifecycle_stage"),
        }
    )

    names = (
        after["name"].astype(object).where(after["name"].notna(), None).to_numpy(dtype=object)
        if "name" in after.columns
        else np.full(len(after), None, dtype=object)
    )
    entered, left = _segment_changes(before_segments, after_segments, keys)
    return Movements(
        tier_matrix=_count_pairs(tier_pairs, tier_order, ("arr", "arr_before"))[
            TIER_MATRIX_COLUMNS
        ],
        stage_transitions=_count_pairs(stage_pairs, stage_order)[STAGE_COLUMNS],
        segments_entered=entered,
        segments_left=left,
        top_arr_changes=_top_changes(keys, names, arr_before, arr_after, was_there, top, 2),
        top_health_changes=_top_changes(
            keys,
            names,
            numeric_column(b, "health_score"),
            numeric_column(after, "health_score"),
            was_there,
            top,
            None,
        ),
    )
