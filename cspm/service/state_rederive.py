"""Re-deriving accounts' stored state from their snapshots (after an undo, a re-dating, or a
change of the derived history), by the one rule in `core.state.derive_state`."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import numpy as np
import pandas as pd

from cspm.core.fields import FIELD_NAMES
from cspm.core.state import deciding_import_sets, derive_state
from cspm.storage import accounts_repo, imports_repo
from cspm.storage.frames import values_equal

from .import_frames import as_read

MOST = 5_000
"""Past this many accounts one read of every snapshot beats hundreds of IN lists."""


def rederive(
    s: Any, affected: Collection[int], extra: pd.DataFrame | None = None
) -> pd.DataFrame | None:
    """Recompute the stored state of these accounts from their remaining snapshots; accounts
    left with no snapshot are removed (their overrides and tasks, keyed by account key, stay).
    Returns every account after it, as `accounts_repo.load_accounts` would read them back,
    when it read them all to compare (None when no account is left to compare).

    `extra`: snapshot rows not stored yet that count too (account_id, import_id, as_of and
    fields): the derived history passes only each account's latest derived snapshot, which is
    all the rule reads of it, instead of writing then reading back hundreds of thousands."""
    ids = sorted({int(i) for i in affected})
    if not ids:
        return None
    carried = imports_repo.carried_by_import(s)
    fields = accounts_repo.carried_fields(carried)
    if len(ids) > MOST:  # only the rows that can decide a state (a sixth of them, monthly)
        sets = deciding_import_sets(carried, FIELD_NAMES)
        history = accounts_repo.load_deciding_snapshots(s, sets, fields=fields)
        history = history[history["account_id"].isin(ids)]
    else:
        history = accounts_repo.load_snapshots(s, ids, fields=fields)
    if extra is not None and len(extra):
        history = pd.concat([history, extra[extra["account_id"].isin(ids)]], ignore_index=True)
    derived = derive_state(history, carried, FIELD_NAMES)
    gone = sorted(set(ids) - set(derived.index))
    accounts_repo.delete_accounts(s, gone)
    if len(derived):
        existing = accounts_repo.load_accounts(s).set_index("id")
        before = existing.loc[derived.index]
        kept = before.copy()
        columns = [*FIELD_NAMES, "custom"]
        for col in columns:
            kept[col] = derived[col].astype(kept[col].dtype)
        changed = np.zeros(len(kept), dtype=bool)
        for col in columns:
            changed |= ~values_equal(before[col], kept[col]).to_numpy()
        accounts_repo.update_accounts(s, kept.loc[changed], columns)
        return _accounts_after(existing, kept)
    return None


def _accounts_after(existing: pd.DataFrame, kept: pd.DataFrame) -> pd.DataFrame:
    """Every account after the re-derivation as `load_accounts` reads it back: the rows
    re-derived (`kept`) typed as a read types what was written (a blank text is None, not
    the NaN a derivation leaves), the others as they were read (`existing`), by id."""
    fresh = as_read(kept.drop(columns=["custom"]).reset_index(names="id"))
    fresh["custom"] = [v if isinstance(v, dict) else None for v in kept["custom"]]
    others = existing[~existing.index.isin(kept.index)].reset_index(names="id")
    after = pd.concat([others, fresh], ignore_index=True) if len(others) else fresh
    return after.sort_values("id", kind="stable", ignore_index=True)
