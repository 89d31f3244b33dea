"""Which accounts changed tier or lifecycle stage with an import, as the portfolio shows them.

The import summary lists them ("Two: Mid-Market -> Churned"); they must agree with every list
the CSM sees after it, so a churned account at ARR 0 keeps the band of its last positive ARR
here too (that needs the ARR history of the accounts now at 0, read for those only).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from cspm.storage import accounts_repo

from .import_results import Move
from .portfolio import classify_states


def arr_history_of_unpaid(s: Any, after: pd.DataFrame) -> pd.DataFrame | None:
    """ARR snapshots (key, as_of, import_id, arr) of the accounts now at ARR 0 or none: a
    churned one keeps the tier of its last positive ARR, and the summary must say what the
    portfolio shows. Only those accounts (usually few) are read."""
    unpaid = after.index[~(after["arr"].astype(float) > 0).to_numpy()]
    if len(unpaid) == 0:
        return None
    snaps = accounts_repo.load_snapshots(s, list(unpaid))
    history = snaps[["account_id", "as_of", "import_id", "arr"]].copy()
    history["key"] = history["account_id"].map(after["key"]).astype(object)
    history["as_of"] = pd.to_datetime(history["as_of"]).astype("datetime64[ns]")
    history["arr"] = pd.to_numeric(history["arr"], errors="coerce").astype(float)
    return history.drop(columns=["account_id"])


def tier_and_stage_moves(
    before: pd.DataFrame,
    after: pd.DataFrame,
    settings: Any,
    overrides: pd.DataFrame,
    today: dt.date,
    history: pd.DataFrame | None = None,
    import_id: int | None = None,
) -> list[Move]:
    if before.empty:
        return []
    earlier = None if history is None else history[history["import_id"] != import_id]
    b = classify_states(before, settings, overrides, today, earlier)
    a = classify_states(after, settings, overrides, today, history)
    moves: list[Move] = []
    for what in ("tier", "lifecycle_stage"):
        diff = (b[what] != a[what]).to_numpy()
        for key, name, x, y in zip(
            after["key"].to_numpy()[diff],
            after["name"].to_numpy()[diff],
            b[what].to_numpy()[diff],
            a[what].to_numpy()[diff],
            strict=True,
        ):
            moves.append(Move(str(key), name, what, str(x), str(y)))
    return moves
