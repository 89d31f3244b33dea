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
from cspm.storage import (
    accounts_repo,
    changes_repo,
    imports_repo,
    related_writes,
    revision,
    settings_repo,
)

from . import undo_frames
from .changes import Outcome, perform
from .import_writes import refuse_future_as_of
from .personal import current_user
from .related_derive import relink_and_derive
from .state_rederive import rederive

if TYPE_CHECKING:
    from .context import AppContext


class BuiltOnError(BadInputError):
    """An import's undo refused: a later import of the same accounts stands on it. The
    sentence names that import; `anyway=True` undoes it regardless."""


def undo_latest_import(ctx: AppContext, *, anyway: bool = False) -> imports_repo.ImportInfo:
    """Undo the current user's latest import (never a colleague's): its snapshots go, and the
    accounts it touched are re-derived exactly from the snapshots that remain.

    A later import of other accounts does not stand in the way. A later import of the same
    accounts (a colleague's next export) does: the undo is refused with one sentence naming
    it (`BuiltOnError`) unless `anyway`. Recorded as a change that cannot itself be undone
    (import the file again instead)."""
    mine = my_latest_import(ctx)
    change = perform(
        ctx,
        "Undo import",
        {"imports", "accounts"},
        undo_frames.handing_over(ctx, undo_import_work(mine.id, anyway=anyway)),
        guard="undo",
        verb="undone",
        undo_of=_record_of(ctx, mine.id),
    )
    info: imports_repo.ImportInfo = change.result
    return info


def my_latest_import(ctx: AppContext) -> imports_repo.ImportInfo:
    """The newest committed import the current user made (or one made before cspm recorded
    who imported); a sentence when there is none."""
    me = current_user()
    with ctx.db.session() as s:
        committed = [i for i in imports_repo.all_imports(s) if i.status == "committed"]
    for info in committed:
        if info.user is None or info.user == me:
            return info
    if committed:
        latest = committed[0]
        raise BadInputError(
            f"You ({me}) have no import to undo; the latest, import {latest.id} "
            f"({latest.file_name}), is {latest.user}'s, and only they can undo it."
        )
    raise BadInputError("There is no import to undo.")


def _record_of(ctx: AppContext, import_id: int) -> int | None:
    """The change record of an import (None: imported before records were kept), so undoing
    it here takes it off the undo stack too."""
    with ctx.db.session() as s:
        return changes_repo.find_import(s, import_id)


def undo_import_work(import_id: int, *, anyway: bool = False) -> Any:
    """The work of undoing import `import_id` (the inverse the undo stack applies too)."""

    def work(s: Any) -> Outcome[imports_repo.ImportInfo]:
        token_before = revision.accounts_token(s)
        imports = [i for i in imports_repo.all_imports(s) if i.status == "committed"]
        target = next((i for i in imports if i.id == import_id), None)
        if target is None:
            raise BadInputError(f"Import {import_id} was already undone; nothing was changed.")
        _refuse_if_built_on(s, target, [i for i in imports if i.id > target.id], anyway)
        related = related_writes.any_related_rows(s)
        affected = set(accounts_repo.snapshot_account_ids(s, target.id))
        if target.kind != ACCOUNTS:
            related_writes.delete_rows_of_import(s, target.id)
        elif related:  # accounts only the derived history kept alive go with this import
            affected |= set(related_writes.delete_derived_snapshots(s))
        accounts_repo.delete_snapshots_of_import(s, target.id)
        record = imports_repo.get_import(s, target.id)
        assert record is not None
        record.status = "undone"
        s.flush()
        accounts = rederive(s, affected)
        if related:  # the history derived from the rows still in force, linked to what stays
            relink_and_derive(s, settings_repo.load_settings(s))
        elif accounts is not None:  # the frames after: these accounts, the history without it
            handed = undo_frames.Handed(accounts, token_before, frozenset([target.id]))
            undo_frames.note(s, handed)
        return Outcome(target, None, action=f"Undo import {target.file_name}")

    return work


def _refuse_if_built_on(
    s: Any,
    target: imports_repo.ImportInfo,
    later: list[imports_repo.ImportInfo],
    anyway: bool,
) -> None:
    """Refuse to take an import out from under later ones that need it.

    Related rows derive account history across imports, so with any of them (or when either
    side is a related import) only the latest import can go. Otherwise a later accounts import
    of other accounts is independent of this one; one of the same accounts stands on it."""
    if not later:
        return
    if (
        target.kind != ACCOUNTS
        or any(i.kind != ACCOUNTS for i in later)
        or related_writes.any_related_rows(s)
    ):
        raise BadInputError(
            f"Import {target.id} is no longer the latest import; undo the later ones first."
        )
    if anyway:
        return
    for other in sorted(later, key=lambda i: i.id):
        if accounts_repo.imports_share_accounts(s, target.id, other.id):
            who = f" by {other.user}" if other.user else ""
            raise BuiltOnError(
                f"Import {other.id} ({other.file_name}{who}, {other.started_at:%Y-%m-%d}) came "
                f"after import {target.id} ({target.file_name}) and holds the same accounts; "
                "undo it first, or undo yours anyway."
            )


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
