"""Re-deriving accounts' stored state from their snapshots (after an undo, a re-dating, or a
change of the derived history), by the one rule in `core.state.derive_state`."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from cspm.core.fields import FIELD_NAMES
from cspm.core.state import derive_state
from cspm.storage import accounts_repo, imports_repo


def rederive(s: Any, affected: Collection[int]) -> None:
    """Recompute the stored state of these accounts from their remaining snapshots; accounts
    left with no snapshot are removed (their overrides and tasks, keyed by account key, stay)."""
    ids = sorted({int(i) for i in affected})
    if not ids:
        return
    history = accounts_repo.load_snapshots(s, ids)
    derived = derive_state(history, imports_repo.carried_by_import(s), FIELD_NAMES)
    gone = sorted(set(ids) - set(derived.index))
    accounts_repo.delete_accounts(s, gone)
    if len(derived):
        existing = accounts_repo.load_accounts(s).set_index("id")
        kept = existing.loc[derived.index]
        for col in [*FIELD_NAMES, "custom"]:
            kept[col] = derived[col].astype(kept[col].dtype)
        accounts_repo.update_accounts(s, kept, [*FIELD_NAMES, "custom"])
