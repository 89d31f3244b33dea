"""Grouped report exports: the group's value on every row of the group.

A Salesforce report grouped by a field (Account Owner, Type...) and exported formatted writes
the group's value on the group's first row only and closes each group with a "Subtotal" line
(skipped as a footer). Read as they stand, the other accounts of the group would have no
owner. A column is a grouping column when subtotal lines split the data into groups and, in
every group, only its first row has a value: then that value is the whole group's. A sheet
without subtotal lines between data rows (a hand-kept list with a blank CSM cell) is left as
it is: a blank there means unknown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def fill_group_values(data: pd.DataFrame, group: np.ndarray) -> pd.DataFrame:
    """`data` with grouping columns filled down within each group.

    group: per data row, the number of footer lines above it (rows between two subtotal
    lines share a number)."""
    if len(data) < 2 or group[0] == group[-1]:
        return data
    first = np.r_[True, group[1:] != group[:-1]]
    if first.all():
        return data  # one row per group: nothing to fill
    starts = np.flatnonzero(first)
    owner_row = starts[np.cumsum(first) - 1]  # per row, the first row of its group
    filled = ~pd.isna(data.to_numpy(dtype=object))
    grouping = filled[first].all(axis=0) & ~filled[~first].any(axis=0)
    if not grouping.any():
        return data
    out = data.copy()
    for j in np.flatnonzero(grouping):
        column = out.columns[j]
        out[column] = out[column].to_numpy(dtype=object)[owner_row]
    return out
