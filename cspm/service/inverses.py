"""The registry of inverse operations: how a stored change record is taken back.

An inverse is JSON: {"op": <name>, ...payload}. Applying one runs inside the write transaction
of a new change (`undo.undo` / `undo.redo`) and returns the inverse of what it did (the redo),
or None when that cannot be taken back again. An inverse that no longer applies (the row was
changed since, the import is no longer the latest) raises BadInputError with one sentence, so
the transaction rolls back and nothing changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cspm.core.errors import BadInputError
from cspm.storage import row_state, tasks_repo
from cspm.storage.models import Segment, Task

from .import_undo import redate_work, undo_import_work
from .personal import current_user

Inverse = dict[str, Any]
Apply = Callable[[Session, Inverse], Inverse | None]


def _conflict(table: str, key: Any, stored: dict[str, Any] | None) -> str:
    """One sentence naming what changed since."""
    name = (stored or {}).get("name")
    return {
        "tasks": f"Task {key} was changed since; nothing was changed.",
        "segments": f"Segment '{name or key}' was changed since; nothing was changed.",
        "settings": "The settings were changed since; nothing was changed.",
        "tier_overrides": f"The tier override of {key} was changed since; nothing was changed.",
        "forecast_overrides": f"The forecast of {key} was changed since; nothing was changed.",
        "touchpoints": "That touchpoint was changed or deleted since; nothing was changed.",
    }[table]


def _check_restorable(s: Session, table: str, key: Any, row: dict[str, Any] | None) -> None:
    """Refuse a restore the database would refuse or the user would not expect."""
    if row is None:
        return
    if table == "segments":
        clash = s.scalar(
            select(Segment.id).where(
                func.lower(Segment.name) == str(row["name"]).casefold(), Segment.id != key
            )
        )
        if clash is not None:
            raise BadInputError(
                f"A segment named '{row['name']}' exists now; rename it first. Nothing was changed."
            )
    if table == "tasks" and row.get("episode_open") and row.get("status") in ("open", "snoozed"):
        task = s.get(Task, key)
        newer = (
            tasks_repo.open_copy(s, task.account_key, task.template_id, key)
            if task is not None
            else None
        )
        if newer is not None:
            raise BadInputError(
                f"Task {key} has a newer open copy (task {newer}); nothing was changed."
            )


def _rows(s: Session, inverse: Inverse) -> Inverse | None:
    """Put rows back as they were before the change, if each is still as the change left it."""
    rows = inverse["rows"]
    for r in rows:
        now = row_state.read(s, r["table"], r["key"])
        if not row_state.same(r["table"], r["after"], now):
            raise BadInputError(_conflict(r["table"], r["key"], r["after"] or r["before"]))
    redo = []
    # Deletions first, so a re-added row never meets the row it replaces (unique names).
    for r in sorted(rows, key=lambda r: r["before"] is not None):
        _check_restorable(s, r["table"], r["key"], r["before"])
        now = row_state.read(s, r["table"], r["key"])
        row_state.write(s, r["table"], r["key"], r["before"])
        back = row_state.read(s, r["table"], r["key"])
        redo.append({"table": r["table"], "key": r["key"], "before": now, "after": back})
        if r["table"] == "tasks" and back is not None and now is not None:
            status = back["status"]
            action = "reopened" if status == "open" else status
            tasks_repo.log_events(s, [r["key"]], action, detail="restored", user=current_user())
        if r["table"] == "touchpoints" and back is None and now is not None:
            _reopen_completed_by(s, now)
    return {"op": "rows", "rows": redo}


def _reopen_completed_by(s: Session, touchpoint: dict[str, Any]) -> None:
    """A touchpoint taken back takes back the tasks it completed (the regeneration after its
    change did that); doing the change again logs it again, and regeneration completes them
    again."""
    since = dt.datetime.fromisoformat(touchpoint["created_at"])
    for task_id in tasks_repo.completed_by_touch_since(s, touchpoint["account_key"], since):
        task = s.get(Task, task_id)
        if task is None or tasks_repo.open_copy(s, task.account_key, task.template_id, task_id):
            continue
        tasks_repo.set_status(
            s, [task_id], "open", today=dt.date.today(), close=False, user=current_user()
        )
        tasks_repo.reopen(s, task_id)


def _import_undo(s: Session, inverse: Inverse) -> Inverse | None:
    undo_import_work(int(inverse["import_id"]))(s)
    return None  # an undone import is re-imported from its file, not redone


def _import_redate(s: Session, inverse: Inverse) -> Inverse | None:
    outcome = redate_work(int(inverse["import_id"]), dt.date.fromisoformat(inverse["as_of"]))(s)
    return outcome.inverse


REGISTRY: dict[str, Apply] = {
    "rows": _rows,
    "import_undo": _import_undo,
    "import_redate": _import_redate,
}


def apply(s: Session, inverse: Inverse) -> Inverse | None:
    """Apply a stored inverse in the open transaction; returns the inverse of what it did."""
    op = REGISTRY.get(str(inverse.get("op")))
    if op is None:
        raise BadInputError(
            f"This change cannot be taken back (unknown step '{inverse.get('op')}')."
        )
    return op(s, inverse)
