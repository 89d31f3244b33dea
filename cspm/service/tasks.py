"""Tasks use cases: keep the task list in step with the data, rank it, act on it, log touches.

Generation is idempotent (see cspm.core.tasks.generate) and runs lazily: whenever the task list
is read and the data revision or the day changed since the last run, and right after every task
action, so the list never goes stale and never duplicates a task.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cspm.core.errors import BadInputError, NotFoundError
from cspm.core.tasks import (
    OPEN_STATUSES,
    TOUCH_KINDS,
    CapacityReport,
    capacity_summary,
    score_tasks,
    sort_tasks,
    top_tasks,
)
from cspm.storage import (
    accounts_repo,
    task_reads,
    tasks_repo,
)

from . import task_list_copy
from .book import owner_keys
from .changes import Change, Outcome, RowWatch, perform
from .personal import current_user
from .portfolio import load_portfolio, resolve_account
from .task_regeneration import GENERATED_KEY as GENERATED_KEY
from .task_regeneration import TaskChanges as TaskChanges
from .task_regeneration import regenerate_tasks, task_settings

if TYPE_CHECKING:
    from .context import AppContext

log = logging.getLogger(__name__)


def list_tasks(
    ctx: AppContext,
    *,
    segment: str | None = None,
    tier: str | None = None,
    owner: str | None = None,
    due_within: int | None = None,
    limit: int | None = None,
    include_snoozed: bool = False,
    accounts: Collection[str] | None = None,
) -> pd.DataFrame:
    """Open tasks, ranked: priority desc, then due date, with reasons (list of str).

    `accounts`: only these accounts' tasks (an account page, a QBR pack), ranked as in the
    whole list: a task's score depends on the task and the portfolio only."""
    regenerate_tasks(ctx)
    statuses = list(OPEN_STATUSES) if include_snoozed else ["open"]
    filtered = accounts is not None or bool(segment or tier or owner) or due_within is not None
    copy = None  # the head of the whole list, kept on disk (`task_list_copy`)
    if limit is not None and not filtered:
        with ctx.db.session() as s:
            copy = task_list_copy.copy_path(ctx.db.url, s, ctx.today, statuses, task_settings(ctx))
        kept = task_list_copy.load(copy, limit)
        if kept is not None:
            return kept
    p = load_portfolio(ctx)
    with ctx.db.session() as s:
        # With a limit, rank on the ranking columns and read whole rows for the head only.
        # Filters run on the ranking columns; whole rows are read for the tasks kept only
        # (an owner's share of 170,000) or, with a limit, for the shown head only.
        whole = limit is None and not filtered  # every task shown: every row read at once
        tasks = (tasks_repo.load_tasks if whole else task_reads.load_ranking)(s, statuses)
        rows = _account_rows(ctx, p, accounts=accounts, segment=segment, tier=tier, owner=owner)
        # One lookup of each task's account row; every filter is a mask over account rows
        # taken at those positions (no hashing of 170,000 task keys once per filter).
        pos = p.frame.index.get_indexer(tasks["account_key"])
        keep = pos >= 0
        keep[keep] = rows[pos[keep]]
        if due_within is not None:
            horizon = pd.Timestamp(ctx.today + dt.timedelta(days=due_within))
            keep &= (tasks["due_date"] <= horizon).to_numpy(dtype=bool)
        if whole or limit is not None:
            tasks = tasks[keep]
        else:
            tasks = _whole_rows(s, statuses, tasks["id"].to_numpy()[keep], len(tasks))
        weights, money = task_settings(ctx).weights, p.settings.money
        if limit is None:
            scored = sort_tasks(score_tasks(tasks, p.for_tasks, ctx.today, weights, money))
        else:  # rank every task, read and write the reasons of those shown only
            ranked = score_tasks(tasks, p.for_tasks, ctx.today, weights, money, reasons=False)
            shown = limit if copy is None else max(limit, task_list_copy.HEAD)
            head = top_tasks(ranked, shown)["id"].tolist()
            top = task_reads.load_tasks_by_id(s, head)
            scored = score_tasks(top, p.for_tasks, ctx.today, weights, money)
    presented = _presented(scored, p.frame)
    if copy is not None and limit is not None:
        task_list_copy.keep(copy, presented, len(tasks), len(p.frame))
        return presented.head(limit).reset_index(drop=True)
    return presented


def _whole_rows(s: Any, statuses: list[str], ids: np.ndarray, total: int) -> pd.DataFrame:
    """Whole rows of the tasks `ids` (ascending, of `total` in `statuses`), in id order: read
    by id when they are a small share, else all read and the rest dropped (fewer statements)."""
    if len(ids) * 4 <= total:
        return task_reads.load_tasks_by_id(s, ids.tolist())
    every = tasks_repo.load_tasks(s, statuses)
    return every[every["id"].isin(ids)]


def _account_rows(
    ctx: AppContext,
    p: Any,
    *,
    accounts: Collection[str] | None,
    segment: str | None,
    tier: str | None,
    owner: str | None,
) -> np.ndarray:
    """Which rows of the portfolio frame pass the list's account filters (a bool per row)."""
    frame = p.frame
    rows = np.ones(len(frame), dtype=bool)
    if accounts is not None:
        rows &= frame.index.isin(list(accounts))
    if segment:
        from .segments import find_segment

        _, d = find_segment(ctx, segment)
        if d.name not in p.membership.columns:
            raise BadInputError(f"Segment '{d.name}' has an invalid rule; fix it first.")
        members = p.membership.index[p.membership[d.name].to_numpy(dtype=bool)]
        rows &= frame.index.isin(members)
    if tier:
        tiers = {t.casefold(): t for t in p.settings.tier_names}
        if tier.casefold() not in tiers:
            raise BadInputError(f"Unknown tier '{tier}'.")
        rows &= (frame["tier"] == tiers[tier.casefold()]).to_numpy(dtype=bool, na_value=False)
    if owner:  # a name (any case) or book.UNASSIGNED: the accounts with no owner
        rows &= frame.index.isin(owner_keys(ctx, owner))
    return rows


def _presented(tasks: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    keys = tasks["account_key"]
    pos = frame.index.get_indexer(keys)  # every task's account is in `frame` (list_tasks)

    def col(name: str) -> np.ndarray:
        return frame[name].to_numpy(dtype=object)[pos]

    ext, name = col("external_id"), col("name")
    out = pd.DataFrame(
        {
            "id": tasks["id"].astype("int64").to_numpy(),
            "account": np.where(pd.isna(ext), name, ext),
            "account_key": keys.to_numpy(),
            "account_name": name,
            "owner": col("owner"),
            "tier": col("tier"),
            "trigger_kind": tasks["trigger_kind"].to_numpy(),
            "trigger": tasks["trigger"].to_numpy(),
            "segment": tasks["trigger"].where(tasks["trigger_kind"] == "segment", None).to_numpy(),
            "title": tasks["title"].to_numpy(),
            "description": tasks["description"].to_numpy(),
            "due_date": tasks["due_date"].to_numpy(),
            "priority": tasks["priority"].to_numpy(),
            "reasons": tasks["reasons"].to_numpy(),
            "status": tasks["status"].to_numpy(),
        }
    )
    return out.reset_index(drop=True)


def _task(s: Any, task_id: int) -> Any:
    task = tasks_repo.get_task(s, task_id)
    if task is None:
        raise NotFoundError(f"No task with id {task_id}.")
    return task


def _open_task(s: Any, task_id: int) -> Any:
    task = _task(s, task_id)
    if task.status not in OPEN_STATUSES:
        raise BadInputError(f"Task {task_id} is already {task.status}.")
    return task


def _close_open_task(s: Any, task_id: int, status: str, **how: Any) -> None:
    """Move an open or snoozed task to `status` as the current user, only while it is still
    open or snoozed: a colleague (or the data) that closed it since it was read wins, and this
    action says so instead of overwriting their status and note."""
    _open_task(s, task_id)
    if not tasks_repo.set_status(
        s, [task_id], status, user=current_user(), only_from=OPEN_STATUSES, **how
    ):
        raise BadInputError(
            f"Task {task_id} was closed by someone else a moment ago; nothing was changed."
        )


def _named(s: Any, verb: str, task: Any) -> str:
    """ "Complete 'Renewal plan' for Lumen Capital": the action as the user knows it."""
    name = accounts_repo.name_of(s, task.account_key) or task.account_key
    return f"{verb} '{task.title}' for {name}"


def _task_change(
    ctx: AppContext,
    verb: str,
    task_id: int,
    act: Any,
    touches: frozenset[str] = frozenset({"tasks"}),
) -> Change:
    """One task action as a change: `act(s, task, watch)` writes; its inverse restores rows."""

    def work(s: Any) -> Outcome[int]:
        task = _task(s, task_id)
        watch = RowWatch(s)
        watch.watch("tasks", task_id)
        act(s, task, watch)
        return Outcome(task_id, watch.inverse(), action=_named(s, verb, task))

    return perform(ctx, f"{verb} task {task_id}", touches, work)


def complete_task(
    ctx: AppContext,
    task_id: int,
    note: str | None = None,
    *,
    touchpoint: str | None = None,
    on: dt.date | None = None,
) -> Change:
    """Mark a task done; optionally log the touchpoint it was (a call, a QBR...)."""
    if touchpoint is not None and touchpoint not in TOUCH_KINDS:
        raise BadInputError(
            f"Unknown touchpoint kind '{touchpoint}'; use {', '.join(TOUCH_KINDS)}."
        )

    def act(s: Any, task: Any, watch: RowWatch) -> None:
        _close_open_task(s, task_id, "done", today=ctx.today, detail=note)
        if touchpoint is not None:
            tp = tasks_repo.add_touchpoint(
                s, task.account_key, touchpoint, on or ctx.today, note, task_id=task_id
            )
            watch.added("touchpoints", tp)

    touches = {"tasks", "touchpoints"} if touchpoint is not None else {"tasks"}
    return _task_change(ctx, "Complete", task_id, act, frozenset(touches))


def snooze_task(ctx: AppContext, task_id: int, until: dt.date) -> Change:
    if until <= ctx.today:
        raise BadInputError("Snooze until a date after today.")

    def act(s: Any, task: Any, watch: RowWatch) -> None:
        _close_open_task(
            s,
            task_id,
            "snoozed",
            today=ctx.today,
            detail=f"until {until.isoformat()}",
            snoozed_until=until,
            close=False,
        )

    return _task_change(ctx, "Snooze", task_id, act)


def dismiss_task(ctx: AppContext, task_id: int, reason: str) -> Change:
    if not reason.strip():
        raise BadInputError("Say why the task is dismissed (--reason).")

    def act(s: Any, task: Any, watch: RowWatch) -> None:
        _close_open_task(s, task_id, "dismissed", today=ctx.today, detail=reason.strip())

    return _task_change(ctx, "Dismiss", task_id, act)


def log_touchpoint(
    ctx: AppContext, account: str, kind: str, on: dt.date | None = None, note: str | None = None
) -> str:
    """Log a call/email/meeting/qbr/note; it updates last interaction (and last QBR) and
    completes the matching open cadence task. Returns the account key."""
    return log_touchpoint_change(ctx, account, kind, on, note).result


def log_touchpoint_change(
    ctx: AppContext, account: str, kind: str, on: dt.date | None = None, note: str | None = None
) -> Change:
    """`log_touchpoint`, returning the change (its result is the account key)."""
    if kind not in TOUCH_KINDS:
        raise BadInputError(f"Unknown touchpoint kind '{kind}'; use {', '.join(TOUCH_KINDS)}.")
    on = on or ctx.today
    if on > ctx.today:
        raise BadInputError("A touchpoint cannot be dated in the future.")
    frame = load_portfolio(ctx).frame
    key = resolve_account(frame, account)
    name = frame.at[key, "name"] if "name" in frame.columns else None
    label = name if isinstance(name, str) and name else key

    def work(s: Any) -> Outcome[str]:
        watch = RowWatch(s)
        watch.added("touchpoints", tasks_repo.add_touchpoint(s, key, kind, on, note))
        return Outcome(key, watch.inverse())

    return perform(ctx, f"Log {kind} with {label}", {"touchpoints"}, work)


def delete_touchpoint(ctx: AppContext, touchpoint_id: int) -> Change:
    """Remove a logged touchpoint (a mistaken log); undo puts it back."""

    def work(s: Any) -> Outcome[int]:
        watch = RowWatch(s)
        watch.watch("touchpoints", touchpoint_id)
        before = watch.before[("touchpoints", touchpoint_id)]
        if before is None:
            raise NotFoundError(f"No touchpoint with id {touchpoint_id}.")
        tasks_repo.delete_touchpoint(s, touchpoint_id)
        key = before["account_key"]
        name = accounts_repo.name_of(s, key) or key
        action = f"Delete {before['kind']} with {name} on {before['date']}"
        return Outcome(touchpoint_id, watch.inverse(), action=action)

    return perform(ctx, f"Delete touchpoint {touchpoint_id}", {"touchpoints"}, work)


def touchpoints_of(ctx: AppContext, account: str) -> pd.DataFrame:
    key = resolve_account(load_portfolio(ctx).frame, account)
    with ctx.db.session() as s:
        frame = tasks_repo.load_touchpoints(s, key)
    return frame.sort_values("date", ascending=False).reset_index(drop=True)


def capacity(ctx: AppContext) -> CapacityReport:
    return capacity_summary(load_portfolio(ctx).frame, task_settings(ctx))
