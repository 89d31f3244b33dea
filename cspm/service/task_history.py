"""Tasks that left the open list: completed, snoozed, dismissed, resolved by data; and reopening.

A CSM who mis-clicks finds the task here (who closed it, when, with what note) and reopens it:
the same task, same id, back on the open list (`reopen_task`, itself undoable).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from cspm.core.errors import BadInputError
from cspm.storage import tasks_repo

from .changes import Change
from .personal import current_user
from .portfolio import load_portfolio
from .tasks import _task_change

if TYPE_CHECKING:
    from .context import AppContext

HISTORY_STATUSES = ("done", "snoozed", "dismissed", "resolved")
STATUS_LABELS = {
    "done": "completed",
    "snoozed": "snoozed",
    "dismissed": "dismissed",
    "resolved": "resolved by data",
}
HISTORY_COLUMNS = [
    "id",
    "account_key",
    "account_name",
    "title",
    "status",
    "what",
    "by",
    "at",
    "note",
    "snoozed_until",
]


def task_history(
    ctx: AppContext,
    *,
    statuses: tuple[str, ...] = HISTORY_STATUSES,
    account: str | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Closed and snoozed tasks, newest first: id, account, title, status, `what` (a word a
    user reads), `by` (who; "data" when the trigger cleared or a logged touchpoint completed it;
    missing for actions recorded before who acted was kept), `at`, note, snoozed_until."""
    unknown = set(statuses) - set(HISTORY_STATUSES)
    if unknown:
        raise BadInputError(
            f"Unknown task status '{sorted(unknown)[0]}'; use {', '.join(HISTORY_STATUSES)}."
        )
    with ctx.db.session() as s:
        frame = tasks_repo.task_history(s, statuses)
    if account is not None:
        frame = frame[frame["account_key"] == account]
    if limit is not None:
        frame = frame.head(limit)
    names = load_portfolio(ctx).frame["name"]
    by = frame["user"].astype(object)
    by_touch = frame["note"].astype(object).eq(tasks_repo.COMPLETED_BY_TOUCH)
    automatic = by.isna() & (frame["status"].eq("resolved") | by_touch)
    out = pd.DataFrame(
        {
            "id": frame["id"].to_numpy(),
            "account_key": frame["account_key"].to_numpy(),
            "account_name": frame["account_key"].map(names).to_numpy(),
            "title": frame["title"].to_numpy(),
            "status": frame["status"].to_numpy(),
            "what": frame["status"].map(STATUS_LABELS).to_numpy(),
            "by": by.where(~automatic, "data").to_numpy(),
            "at": frame["at"].to_numpy(),
            "note": frame["note"].to_numpy(),
            "snoozed_until": frame["snoozed_until"].to_numpy(),
        },
        columns=HISTORY_COLUMNS,
    )
    return out.reset_index(drop=True)


def reopen_task(ctx: AppContext, task_id: int) -> Change:
    """Put a completed, snoozed, dismissed or resolved task back on the open list (same id)."""

    def act(s: Any, task: Any, _watch: Any) -> None:
        if task.status == "open":
            raise BadInputError(f"Task {task_id} is already open.")
        newer = tasks_repo.open_copy(s, task.account_key, task.template_id, task_id)
        if newer is not None:
            raise BadInputError(f"Task {task_id} has a newer open copy (task {newer}).")
        tasks_repo.set_status(
            s, [task_id], "open", today=ctx.today, detail=None, close=False, user=current_user()
        )
        tasks_repo.reopen(s, task_id)

    return _task_change(ctx, "Reopen", task_id, act)
