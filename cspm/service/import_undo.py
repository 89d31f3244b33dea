"""Undoing and re-dating an import, each one change record (`changes.perform`).

Both remove or move one import's snapshots and re-derive the affected accounts' state from the
snapshots that remain, so both are exact. The work functions are also the inverses the undo
stack applies (`inverses`): an import's inverse undoes it only while it is still the latest,
a re-dating's inverse re-dates it back.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from cspm.core.errors import BadInputError
from cspm.core.fields import FIELD_NAMES
from cspm.core.state import derive_state
from cspm.storage import accounts_repo, changes_repo, imports_repo

from .changes import Outcome, perform
from .import_writes import refuse_future_as_of

if TYPE_CHECKING:
    from .context import AppContext


def _rederive(s: Any, affected: list[int]) -> None:
    """Recompute the stored state of these accounts from their remaining snapshots; accounts
    left with no snapshot are removed (their overrides and tasks, keyed by account key, stay)."""
    history = accounts_repo.load_snapshots(s, affected)
    derived = derive_state(history, imports_repo.carried_by_import(s), FIELD_NAMES)
    gone = sorted(set(affected) - set(derived.index))
    accounts_repo.delete_accounts(s, gone)
    if len(derived):
        existing = accounts_repo.load_accounts(s).set_index("id")
        kept = existing.loc[derived.index]
        for col in [*FIELD_NAMES, "custom"]:
            kept[col] = derived[col].astype(kept[col].dtype)
        accounts_repo.update_accounts(s, kept, [*FIELD_NAMES, "custom"])


def undo_latest_import(ctx: AppContext) -> imports_repo.ImportInfo:
    """Undo the most recently loaded import: its snapshots go, state is re-derived exactly.

    Recorded as a change that cannot itself be undone (import the file again instead)."""
    change = perform(
        ctx,
        "Undo import",
        {"imports", "accounts"},
        undo_import_work(None),
        guard="undo",
        verb="undone",
        undo_of=_record_of_latest_import(ctx),
    )
    info: imports_repo.ImportInfo = change.result
    return info


def _record_of_latest_import(ctx: AppContext) -> int | None:
    """The change record of the latest committed import (None: imported before records were
    kept), so undoing it here takes it off the undo stack too."""
    with ctx.db.session() as s:
        imports = [i for i in imports_repo.all_imports(s) if i.status == "committed"]
        if not imports:
            return None
        return changes_repo.find_import(s, imports[0].id)


def undo_import_work(import_id: int | None) -> Any:
    """The work of undoing the latest import (`import_id`: only if it is still that one)."""

    def work(s: Any) -> Outcome[imports_repo.ImportInfo]:
        imports = [i for i in imports_repo.all_imports(s) if i.status == "committed"]
        if not imports:
            raise BadInputError("There is no import to undo.")
        latest = imports[0]
        if import_id is not None and import_id not in {i.id for i in imports}:
            raise BadInputError(f"Import {import_id} was already undone; nothing was changed.")
        if import_id is not None and latest.id != import_id:
            raise BadInputError(
                f"Import {import_id} is no longer the latest import; undo the later ones first."
            )
        affected = accounts_repo.snapshot_account_ids(s, latest.id)
        accounts_repo.delete_snapshots_of_import(s, latest.id)
        record = imports_repo.get_import(s, latest.id)
        assert record is not None
        record.status = "undone"
        s.flush()
        _rederive(s, affected)
        return Outcome(latest, None, action=f"Undo import {latest.file_name}")

    return work


def set_import_as_of(ctx: AppContext, import_id: int, as_of: dt.date) -> imports_repo.ImportInfo:
    """Re-date an import (the date its snapshot describes); history and state follow."""
    refuse_future_as_of(as_of, ctx.today)
    change = perform(
        ctx,
        "Re-date import",
        {"imports", "accounts"},
        redate_work(import_id, as_of),
        guard="redate",
        verb="re-dated",
    )
    info: imports_repo.ImportInfo = change.result
    return info


def redate_work(import_id: int, as_of: dt.date) -> Any:
    """The work of re-dating an import; its inverse re-dates it back."""

    def work(s: Any) -> Outcome[imports_repo.ImportInfo]:
        record = imports_repo.get_import(s, import_id)
        if record is None or record.status != "committed":
            raise BadInputError(f"There is no committed import with id {import_id}.")
        before = record.as_of
        record.as_of = as_of
        accounts_repo.set_snapshot_as_of(s, import_id, as_of)
        s.flush()
        _rederive(s, accounts_repo.snapshot_account_ids(s, import_id))
        info = imports_repo.info_of(record)
        inverse = {"op": "import_redate", "import_id": import_id, "as_of": before.isoformat()}
        action = f"Re-date import {info.file_name} to {as_of.isoformat()}"
        return Outcome(info, inverse, action=action)

    return work
