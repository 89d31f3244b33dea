"""The changes an import would make that a person should see before it is written.

An ARR that moves by more than half (or goes blank), a tier or lifecycle stage that changes,
and stored accounts the file does not carry. A CRM export with a wrong column or a stray
filter shows up here ("Acme: ARR $157,800 -> $1,250"), before the portfolio, the tasks and the
trends are rebuilt on it. Vectorised over whole frames; only the flagged rows become text.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cspm.core.money import USD, MoneyFormat, money_full

ARR_CHANGE = 0.5  # a relative change above this is big
KINDS = ("arr", "tier", "lifecycle_stage", "missing")  # the order the list shows them in
CHANGE_COLUMNS = ["key", "name", "kind", "before", "after", "text"]


def arr_changes(before: pd.Series, after: pd.Series, threshold: float = ARR_CHANGE) -> np.ndarray:
    """Where a positive ARR changes by more than `threshold` of itself, or goes blank."""
    b = pd.to_numeric(before, errors="coerce").to_numpy(dtype=float)
    a = pd.to_numeric(after, errors="coerce").to_numpy(dtype=float)
    had = b > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        big = np.abs(a - b) > threshold * b
    return had & (big | np.isnan(a))


def _who(keys: pd.Series, names: pd.Series) -> pd.Series:
    named = names.astype(object).where(names.notna() & (names.astype(str) != ""), keys)
    return named.astype(str)


def big_changes(
    before: pd.DataFrame,
    after: pd.DataFrame,
    missing: pd.DataFrame,
    money: MoneyFormat = USD,
    threshold: float = ARR_CHANGE,
) -> pd.DataFrame:
    """One row per big change: key, name, kind ("arr" | "tier" | "lifecycle_stage" |
    "missing"), before, after (as text) and a sentence.

    before/after: the accounts in the file that exist already, aligned row by row, with
    columns key, name, arr, tier, lifecycle_stage (after = the state the import would leave).
    missing: stored accounts (key, name) the file does not carry."""
    parts: list[pd.DataFrame] = []
    if len(before):
        who = _who(after["key"], after["name"].fillna(before["name"]))
        rows = arr_changes(before["arr"], after["arr"], threshold)
        if rows.any():
            b = money_full(before["arr"].to_numpy(dtype=float)[rows], money)
            a = money_full(after["arr"].to_numpy(dtype=float)[rows], money, missing="blank")
            parts.append(_frame(after["key"][rows], who[rows], "arr", b, a, "ARR"))
        for kind, word in (("tier", "tier"), ("lifecycle_stage", "stage")):
            old, new = before[kind].astype(str), after[kind].astype(str)
            rows = (old != new).to_numpy()
            if rows.any():
                parts.append(
                    _frame(after["key"][rows], who[rows], kind, old[rows], new[rows], word)
                )
    if len(missing):
        who = _who(missing["key"], missing["name"])
        parts.append(
            pd.DataFrame(
                {
                    "key": missing["key"].astype(str).to_numpy(),
                    "name": who.to_numpy(),
                    "kind": "missing",
                    "before": "",
                    "after": "",
                    "text": (who + ": not in this file (kept as it is)").to_numpy(),
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    order = out["kind"].map({k: i for i, k in enumerate(KINDS)})
    return out.assign(_o=order).sort_values(["_o", "name"], kind="stable").drop(columns="_o")


def _frame(
    keys: pd.Series, who: pd.Series, kind: str, before: object, after: object, word: str
) -> pd.DataFrame:
    b = pd.Series(np.asarray(before, dtype=object)).astype(str)
    a = pd.Series(np.asarray(after, dtype=object)).astype(str)
    names = pd.Series(who.to_numpy(), dtype=str)
    return pd.DataFrame(
        {
            "key": keys.astype(str).to_numpy(),
            "name": names.to_numpy(),
            "kind": kind,
            "before": b.to_numpy(),
            "after": a.to_numpy(),
            "text": (names + f": {word} " + b + " -> " + a).to_numpy(),
        }
    )
