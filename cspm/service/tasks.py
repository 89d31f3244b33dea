"""Tasks use cases: keep the task list in step with the data, rank it, act on it, log touches.

Generation is idempotent (see cspm.core.tasks.generate) and runs lazily: whenever the task list
is read and the data revision or the day changed since the last run, and right after every task
action, so the list never goes stale and never duplicates a task.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from cspm.core.errors import BadInputError, NotFoundError
from cspm.core.tasks import (
    OPEN_STATUSES,
    TOUCH_KINDS,
    CapacityReport,
    TaskSettings,
    capacity_summary,
    plan_tasks,
    score_tasks,
    sort_tasks,
)
from cspm.storage import revision, tasks_repo
from cspm.storage.models import SettingRow

from .book import owner_keys
from .context import AppContext
from .portfolio import Portfolio, load_portfolio, resolve_account

SETTINGS_KEY = "tasks"
GENERATED_KEY = "tasks_generated_for"


@dataclass(frozen=True)
class TaskChanges:
    created: int
    resolved: int
    completed: int


def task_settings(ctx: AppContext) -> TaskSettings:
    with ctx.db.session() as s:
        row = s.get(SettingRow, SETTINGS_KEY)
        return TaskSettings.from_dict(row.value if row else None)


def save_task_settings(ctx: AppContext, settings: TaskSettings) -> TaskSettings:
    with ctx.db.session() as s:
        row = s.get(SettingRow, SETTINGS_KEY)
        if row is None:
            s.add(SettingRow(key=SETTINGS_KEY, value=settings.to_dict()))
        else:
            row.value = settings.to_dict()
        revision.bump(s, accounts=False)
    regenerate_tasks(ctx)
    return settings


TASKS_FRAME = "tasks_frame"
"""Cache key of (portfolio, its frame for tasks): made once per portfolio computation."""


def _portfolio_for_tasks(p: Portfolio, ctx: AppContext | None = None) -> pd.DataFrame:
    """The analysed portfolio plus health_change: current health minus the previous import's
    (kept in `ctx` for this portfolio: a second of work at 100,000 accounts per task list)."""
    held = ctx.cache.get(TASKS_FRAME) if ctx is not None else None
    if held is not None and held[0] is p:
        return held[1]
    frame = _health_change(p)
    if ctx is not None:
        ctx.cache[TASKS_FRAME] = (p, frame)
    return frame


def _health_change(p: Portfolio) -> pd.DataFrame:
    frame = p.frame
    hist = p.history[p.history["as_of"] <= pd.Timestamp(p.today)]
    hist = hist.sort_values(["as_of", "import_id"], kind="stable")
    previous = hist.groupby("key")["health_score"].nth(-2)
    previous_by_key = pd.Series(previous.to_numpy(), index=hist.loc[previous.index, "key"])
    frame = frame.copy()
    frame["health_change"] = frame["health_score"] - frame.index.map(previous_by_key).astype(float)
    return frame


def regenerate_tasks(ctx: AppContext, *, force: bool = False) -> TaskChanges:
    """Bring stored tasks in line with today's triggers (no-op when nothing changed)."""
    p = load_portfolio(ctx)
    marker = {"revision": p.revision, "today": ctx.today.isoformat()}
    settings = task_settings(ctx)
    with ctx.db.session() as s:
        row = s.get(SettingRow, GENERATED_KEY)
        if not force and row is not None and row.value == marker:
            return TaskChanges(0, 0, 0)
        _wake_snoozed(s, ctx.today)
        existing = tasks_repo.load_tasks(s)
        touches = tasks_repo.load_touchpoints(s)[["account_key", "kind", "date"]]
        plan = plan_tasks(
            _portfolio_for_tasks(p, ctx), p.membership, existing, touches, ctx.today, settings
        )
        tasks_repo.insert_tasks(s, plan.create, ctx.today)
        tasks_repo.set_status(
            s,
            plan.resolve,
            "resolved",
            today=ctx.today,
            detail="resolved by data: the trigger no longer holds",
        )
        tasks_repo.set_status(
            s, plan.complete, "done", today=ctx.today, detail="completed by a logged touchpoint"
        )
        tasks_repo.end_episodes(s, plan.end_episode)
        if row is None:
            s.add(SettingRow(key=GENERATED_KEY, value=marker))
        else:
            row.value = marker
    return TaskChanges(len(plan.create), len(plan.resolve), len(plan.complete))


def _wake_snoozed(s: Any, today: dt.date) -> None:
    """Snoozed tasks whose date has come are open again (same task, same episode)."""
    snoozed = tasks_repo.load_tasks(s, ["snoozed"])
    due = snoozed.loc[snoozed["snoozed_until"] <= pd.Timestamp(today), "id"].tolist()
    tasks_repo.set_status(s, due, "open", today=today, detail="snooze ended", close=False)


def list_tasks(
    ctx: AppContext,
    *,
    segment: str | None = None,
    tier: str | None = None,
    owner: str | None = None,
    due_within: int | None = None,
    limit: int | None = None,
    include_snoozed: bool = False,
) -> pd.DataFrame:
    """Open tasks, ranked: priority desc, then due date, with reasons (list of str)."""
    regenerate_tasks(ctx)
    p = load_portfolio(ctx)
    statuses = list(OPEN_STATUSES) if include_snoozed else ["open"]
    with ctx.db.session() as s:
        tasks = tasks_repo.load_tasks(s, statuses)
    frame = p.frame
    tasks = tasks[tasks["account_key"].isin(frame.index)]
    if segment:
        from .segments import find_segment

        _, d = find_segment(ctx, segment)
        if d.name not in p.membership.columns:
            raise BadInputError(f"Segment '{d.name}' has an invalid rule; fix it first.")
        members = p.membership.index[p.membership[d.name].to_numpy(dtype=bool)]
        tasks = tasks[tasks["account_key"].isin(members)]
    if tier:
        tiers = {t.casefold(): t for t in p.settings.tier_names}
        if tier.casefold() not in tiers:
            raise BadInputError(f"Unknown tier '{tier}'.")
        keys = frame.index[frame["tier"] == tiers[tier.casefold()]]
        tasks = tasks[tasks["account_key"].isin(keys)]
    if owner:  # a name (any case) or book.UNASSIGNED: the accounts with no owner
        tasks = tasks[tasks["account_key"].isin(owner_keys(ctx, owner))]
    if due_within is not None:
        horizon = pd.Timestamp(ctx.today + dt.timedelta(days=due_within))
        tasks = tasks[tasks["due_date"] <= horizon]
    scored = sort_tasks(
        score_tasks(
            tasks,
            _portfolio_for_tasks(p, ctx),
            ctx.today,
            task_settings(ctx).weights,
            p.settings.money,
        )
    )
    if limit is not None:
        scored = scored.head(limit)
    return _presented(scored, frame)


def _presented(tasks: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    keys = tasks["account_key"]
    ext = keys.map(frame["external_id"])
    out = pd.DataFrame(
        {
            "id": tasks["id"].astype("int64").to_numpy(),
            "account": ext.where(ext.notna(), keys.map(frame["name"])).to_numpy(),
            "account_key": keys.to_numpy(),
            "account_name": keys.map(frame["name"]).to_numpy(),
            "owner": keys.map(frame["owner"]).to_numpy(),
            "tier": keys.map(frame["tier"]).to_numpy(),
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


def complete_task(
    ctx: AppContext,
    task_id: int,
    note: str | None = None,
    *,
    touchpoint: str | None = None,
    on: dt.date | None = None,
) -> None:
    """Mark a task done; optionally log the touchpoint it was (a call, a QBR...)."""
    if touchpoint is not None and touchpoint not in TOUCH_KINDS:
        raise BadInputError(
            f"Unknown touchpoint kind '{touchpoint}'; use {', '.join(TOUCH_KINDS)}."
        )
    with ctx.db.session() as s:
        task = _task(s, task_id)
        if task.status not in OPEN_STATUSES:
            raise BadInputError(f"Task {task_id} is already {task.status}.")
        tasks_repo.set_status(s, [task_id], "done", today=ctx.today, detail=note)
        if touchpoint is not None:
            tasks_repo.add_touchpoint(
                s, task.account_key, touchpoint, on or ctx.today, note, task_id=task_id
            )
            revision.bump(s, accounts=False)
    regenerate_tasks(ctx, force=True)


def snooze_task(ctx: AppContext, task_id: int, until: dt.date) -> None:
    if until <= ctx.today:
        raise BadInputError("Snooze until a date after today.")
    with ctx.db.session() as s:
        task = _task(s, task_id)
        if task.status not in OPEN_STATUSES:
            raise BadInputError(f"Task {task_id} is already {task.status}.")
        tasks_repo.set_status(
            s,
            [task_id],
            "snoozed",
            today=ctx.today,
            detail=f"until {until.isoformat()}",
            snoozed_until=until,
            close=False,
        )


def dismiss_task(ctx: AppContext, task_id: int, reason: str) -> None:
    if not reason.strip():
        raise BadInputError("Say why the task is dismissed (--reason).")
    with ctx.db.session() as s:
        task = _task(s, task_id)
        if task.status not in OPEN_STATUSES:
            raise BadInputError(f"Task {task_id} is already {task.status}.")
        tasks_repo.set_status(s, [task_id], "dismissed", today=ctx.today, detail=reason.strip())
    regenerate_tasks(ctx, force=True)


def log_touchpoint(
    ctx: AppContext, account: str, kind: str, on: dt.date | None = None, note: str | None = None
) -> str:
    """Log a call/email/meeting/qbr/note; it updates last interaction (and last QBR) and
    completes the matching open cadence task. Returns the account key."""
    if kind not in TOUCH_KINDS:
        raise BadInputError(f"Unknown touchpoint kind '{kind}'; use {', '.join(TOUCH_KINDS)}.")
    on = on or ctx.today
    if on > ctx.today:
        raise BadInputError("A touchpoint cannot be dated in the future.")
    key = resolve_account(load_portfolio(ctx).frame, account)
    with ctx.db.session() as s:
        tasks_repo.add_touchpoint(s, key, kind, on, note)
        revision.bump(s, accounts=False)
    regenerate_tasks(ctx, force=True)
    return key


def touchpoints_of(ctx: AppContext, account: str) -> pd.DataFrame:
    key = resolve_account(load_portfolio(ctx).frame, account)
    with ctx.db.session() as s:
        frame = tasks_repo.load_touchpoints(s, key)
    return frame.sort_values("date", ascending=False).reset_index(drop=True)


def capacity(ctx: AppContext) -> CapacityReport:
    return capacity_summary(load_portfolio(ctx).frame, task_settings(ctx))
