"""The tier x lifecycle-stage matrix (count and ARR per cell) the window and reports show."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .settings import LIFECYCLE_STAGES


def tier_stage_matrix(frame: pd.DataFrame, tiers: list[str]) -> pd.DataFrame:
    """Cells (count, ARR) per tier (rows, band order) and stage (columns, lifecycle order).

    Counted with codes and `np.bincount` (crosstab and pivot_table took 0.1 s on 100,000
    accounts, on every window load); tiers or stages outside the lists are left out, and the
    "Unknown" stage appears only when some account has it."""
    present = set(frame["lifecycle_stage"].dropna().unique()) if len(frame) else set()
    stages = [s for s in LIFECYCLE_STAGES if s != "Unknown" or s in present]
    tier_codes = pd.Index(tiers).get_indexer(frame["tier"]) if len(frame) else np.zeros(0, int)
    stage_codes = (
        pd.Index(stages).get_indexer(frame["lifecycle_stage"]) if len(frame) else np.zeros(0, int)
    )
    ok = (tier_codes >= 0) & (stage_codes >= 0)
    cell = tier_codes[ok] * len(stages) + stage_codes[ok]
    size = len(tiers) * len(stages)
    arr = frame["arr"].to_numpy(dtype=float, na_value=np.nan)[ok] if len(frame) else np.zeros(0)
    counts = np.bincount(cell, minlength=size).reshape(len(tiers), len(stages))
    sums = np.bincount(cell, weights=np.nan_to_num(arr), minlength=size)
    sums = sums.reshape(len(tiers), len(stages))
    cells = [
        [(int(counts[r, c]), float(sums[r, c])) for c in range(len(stages))]
        for r in range(len(tiers))
    ]
    return pd.DataFrame(cells, index=tiers, columns=stages)
