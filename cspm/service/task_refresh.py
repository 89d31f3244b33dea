"""Task regeneration after every change (a subscriber of the change records), contained.

Task generation must see every change as it happens: an episode that starts and ends between
two looks at the task list (a trigger that clears with one import and returns with the next)
would otherwise be missed, and a completed task would never come back.

It runs after the change is committed, so its failure cannot undo the change and must not be
reported as the change failing: the change stands, the failure is logged, a notice says the
tasks will refresh on next open (`ctx.notices`; the CLI prints them), and a flag stored in the
database makes the next `AppContext.open` (window or command) regenerate them.

`AppContext.open` subscribes `on_change` to the context's changes (`cspm.service.changes`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from cspm.storage import settings_repo

from .changes import Change
from .task_scope import INCREMENTAL_TOUCHES
from .tasks import regenerate_tasks

if TYPE_CHECKING:
    from .context import AppContext

log = logging.getLogger(__name__)

TASKS_STALE_KEY = "tasks_refresh_pending"
"""Settings-table flag: a regeneration failed after a commit; the next open regenerates."""

REFRESH_NOTICE = "tasks will refresh on next open"
TASK_INPUTS = frozenset({"accounts", "overrides", "settings", "segments", "tasks", "touchpoints"})
"""What task generation reads: a change touching none of it (never, today) needs no run."""


def on_change(ctx: AppContext, change: Change) -> None:
    """The subscriber: regenerate after a change that may move a trigger; never raises.

    A change that describes the past only (a back-filled import: last year's exports) is left
    to the next look at the task list, which regenerates from whatever state is current then:
    tasks made from it against today's clock would be stale on arrival."""
    if change.live and change.touches & TASK_INPUTS:
        rows_only = change.id is not None and change.touches <= INCREMENTAL_TOUCHES
        after_change(ctx, change.verb, since=change.id if rows_only else None)


def after_change(ctx: AppContext, done: str = "saved", *, since: int | None = None) -> str | None:
    """Regenerate tasks after a committed change; never raises.

    done: what happened to the data, for the notice ("imported", "undone", "saved").
    since: the change's record when it reached the tasks through portfolio rows only (an
    import, an override): the run may plan only the accounts it changed (`task_scope`).
    Returns the notice when regeneration failed (also added to `ctx.notices`), else None.
    """
    try:
        regenerate_tasks(ctx, force=True, since=since)
    except Exception as exc:
        log.warning("Task regeneration after a committed change failed", exc_info=True)
        _set_stale(ctx, True)
        notice = f"{done}; {REFRESH_NOTICE} (updating them failed: {_reason(exc)})"
        ctx.notices.append(notice)
        return notice
    _set_stale(ctx, False)
    return None


def refresh_stale_tasks(ctx: AppContext) -> None:
    """On opening a database: regenerate tasks if an earlier regeneration failed; never raises.

    A failure again keeps the flag and adds a notice, so the database still opens.
    """
    try:
        with ctx.db.session() as s:
            stale = settings_repo.load_flag(s, TASKS_STALE_KEY)
    except Exception:
        log.warning("Could not read the stale-tasks flag", exc_info=True)
        return
    if not stale:
        return
    try:
        regenerate_tasks(ctx)
    except Exception as exc:
        log.warning("Task regeneration on open failed", exc_info=True)
        ctx.notices.append(
            f"the task list is out of date and refreshing it failed again ({_reason(exc)}); "
            f"{REFRESH_NOTICE}"
        )
        return
    _set_stale(ctx, False)


def _set_stale(ctx: AppContext, on: bool) -> None:
    """Store the flag; a store that cannot even take the flag is logged, not raised (the lazy
    regeneration keyed on the data revision still catches up when tasks are next listed)."""
    try:
        with ctx.db.session() as s:
            if on or settings_repo.load_flag(s, TASKS_STALE_KEY):
                settings_repo.save_flag(s, TASKS_STALE_KEY, on)
    except Exception:
        log.warning("Could not store the stale-tasks flag", exc_info=True)


def _reason(exc: BaseException) -> str:
    """One line about the failure, never a traceback or an SQL statement."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
