"""Undo and redo from the stored change records, per user and across sessions.

The undo stack is the user's records that can be taken back (an inverse, not yet undone),
newest first; records that are themselves undos are not on it (undoing an undo is a redo).
The redo stack is the undos after the user's last ordinary change: a new change clears it.
Undoing applies the record's inverse as a new change (`changes.perform`) whose own inverse is
the redo, so caches, the revision and task regeneration follow an undo like any change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from cspm.core.errors import BadInputError
from cspm.storage import changes_repo
from cspm.storage.changes_repo import StoredChange

from . import inverses, undo_frames
from .changes import Change, Outcome, from_record, perform
from .personal import current_user

if TYPE_CHECKING:
    from .context import AppContext

WINDOW = 500
"""How many of the user's newest records are searched for the stacks."""


@dataclass(frozen=True)
class UndoState:
    """What Edit > Undo / Redo show: labels (None: nothing) and whether each can run."""

    undo_label: str | None
    redo_label: str | None
    can_undo: bool
    can_redo: bool


def _kinds(records: list[StoredChange], s: Session) -> dict[int, str]:
    """'do', 'undo' or 'redo' per record: an undo reverts a do or a redo, a redo an undo."""
    by_id = {r.id: r for r in records}
    kinds: dict[int, str] = {}

    def kind(r: StoredChange) -> str:
        if r.id in kinds:
            return kinds[r.id]
        if r.undo_of is None:
            k = "do"
        else:
            target = by_id.get(r.undo_of) or changes_repo.get(s, r.undo_of)
            k = "do" if target is None else ("redo" if kind(target) == "undo" else "undo")
        kinds[r.id] = k
        return k

    for r in records:
        kind(r)
    return kinds


def _stacks(s: Session) -> tuple[StoredChange | None, StoredChange | None]:
    """(the record Undo takes back, the undo record Redo reverts) for the current user."""
    records = changes_repo.recent(s, current_user(), WINDOW)
    kinds = _kinds(records, s)
    undo = next(
        (
            r
            for r in records
            if kinds[r.id] != "undo" and r.inverse is not None and r.undone_by is None
        ),
        None,
    )
    redo = None
    for r in records:
        if kinds[r.id] == "do":
            break  # a new ordinary change clears the redo stack
        if kinds[r.id] == "undo" and r.undone_by is None:
            redo = r
            break
    return undo, redo


def _original(s: Session, record: StoredChange) -> str:
    """The name of the action an undo record reverted ("Complete 'Renewal plan' ...")."""
    target = changes_repo.get(s, record.undo_of) if record.undo_of is not None else None
    return target.action if target is not None else record.action


def undo_state(ctx: AppContext) -> UndoState:
    with ctx.db.session() as s:
        undo, redo = _stacks(s)
        undo_label = f"Undo {undo.action}" if undo is not None else None
        redo_label = None
        if redo is not None:
            name = _original(s, redo)
            redo_label = (
                f"Redo {name}"
                if redo.inverse is not None
                else f"Cannot redo {name}: import the file again"
            )
    return UndoState(
        undo_label, redo_label, undo is not None, redo is not None and redo.inverse is not None
    )


def undo_label(ctx: AppContext) -> str | None:
    """ "Undo Complete 'Renewal plan' for Lumen Capital", or None when there is nothing."""
    return undo_state(ctx).undo_label


def redo_label(ctx: AppContext) -> str | None:
    """ "Redo Complete 'Renewal plan' for Lumen Capital", or None when there is nothing."""
    return undo_state(ctx).redo_label


def _revert(ctx: AppContext, record: StoredChange, action: str) -> Change:
    assert record.inverse is not None
    inverse = record.inverse

    def work(s: Session) -> Outcome[str]:
        return Outcome(action, inverses.apply(s, inverse))

    # A rolling backup (as `cspm imports undo` takes) only where stored accounts change: one per
    # undone task action would soon push the backup taken before an import out of the rotation.
    guard = "undo" if record.touches & {"accounts", "imports"} else None
    handed = undo_frames.handing_over(ctx, work)  # an undone import's frames, formed not read
    return perform(
        ctx, action, record.touches, handed, guard=guard, verb="undone", undo_of=record.id
    )


def undo(ctx: AppContext, change_id: int | None = None) -> Change:
    """Take back the current user's latest change that can be; the new record's inverse redoes it.

    change_id: only if that is the latest (an "Undo" button beside one change's message).
    Raises BadInputError when there is nothing to undo or the change no longer applies."""
    with ctx.db.session() as s:
        record, _ = _stacks(s)
    if record is None:
        raise BadInputError("There is nothing to undo.")
    if change_id is not None and record.id != change_id:
        raise BadInputError(
            "A later change came after that one; use Edit > Undo to take changes back in order."
        )
    name = record.action
    return _revert(ctx, record, f"Undo {name}")


def redo(ctx: AppContext) -> Change:
    """Do again what the current user's latest undo took back (until a new change)."""
    with ctx.db.session() as s:
        record, name = None, ""
        _, record = _stacks(s)
        if record is not None:
            name = _original(s, record)
    if record is None:
        raise BadInputError("There is nothing to redo.")
    if record.inverse is None:
        raise BadInputError(f"'{name}' cannot be redone; import the file again.")
    change = _revert(ctx, record, name)
    return change


def recent_changes(ctx: AppContext, limit: int = 50, *, everyone: bool = False) -> list[Change]:
    """The newest change records (the current user's, or everyone's), newest first."""
    with ctx.db.session() as s:
        records = changes_repo.recent(s, None if everyone else current_user(), limit)
    return [from_record(r) for r in records]
