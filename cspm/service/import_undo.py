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
from cspm.core.related.kinds import ACCOUNTS, RELATED_KINDS
from cspm.storage import accounts_repo, changes_repo, imports_repo, related_writes, settings_repo

from .changes import Outcome, perform
from .import_writes import refuse_future_as_of
from .related_derive import relink_and_derive
from .state_rederive import rederive

if TYPE_CHECKING:
    from .context import AppContext


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
        related = related_writes.any_related_rows(s)
        affected = set(accounts_repo.snapshot_account_ids(s, latest.id))
        if latest.kind != ACCOUNTS:
            related_writes.delete_rows_of_import(s, latest.id)
        elif related:  # accounts only the derived history kept alive go with this import
            affected |= set(related_writes.delete_derived_snapshots(s))
        accounts_repo.delete_snapshots_of_import(s, latest.id)
        record = imports_repo.get_import(s, latest.id)
        assert record is not None
        record.status = "undone"
        s.flush()
        rederive(s, affected)
        if related:  # the history derived from the rows still in force, linked to what stays
            relink_and_derive(s, settings_repo.load_settings(s))
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
        if record.kind != ACCOUNTS:
            raise BadInputError(
                f"Import {import_id} is {RELATED_KINDS[record.kind].noun}: its dates come from "
                "its rows, so it cannot be re-dated."
            )
        before = record.as_of
        record.as_of = as_of
        accounts_repo.set_snapshot_as_of(s, import_id, as_of)
        s.flush()
        rederive(s, accounts_repo.snapshot_account_ids(s, import_id))
        info = imports_repo.info_of(record)
        inverse = {"op": "import_redate", "import_id": import_id, "as_of": before.isoformat()}
        action = f"Re-date import {info.file_name} to {as_of.isoformat()}"
        return Outcome(info, inverse, action=action)

    return work
