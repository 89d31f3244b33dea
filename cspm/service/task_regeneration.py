"""Task regeneration: bring the stored tasks in line with today's triggers.

Split from `service.tasks` (the list, the actions, touchpoints): regeneration runs lazily before
every read of the list and after every change that can move a trigger (`task_refresh`), and
plans every account or, after a change that reached tasks through portfolio rows only, just the
accounts whose trigger inputs changed (`task_scope`).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from cspm.core.tasks import OPEN_STATUSES, TaskSettings, plan_tasks
from cspm.core.tasks.inputs import accounts_to_plan, trigger_digest
from cspm.storage import changes_repo, locks, revision, settings_repo, task_reads, tasks_repo
from cspm.storage.models import SettingRow
from cspm.storage.upsert import put_setting

from . import task_scope
from .portfolio import load_portfolio

if TYPE_CHECKING:
    from .context import AppContext

log = logging.getLogger("cspm.service.tasks")  # the name users and logs have known it by

GENERATED_KEY = "tasks_generated_for"


@dataclass(frozen=True)
class TaskChanges:
    created: int
    resolved: int
    completed: int


def task_settings(ctx: AppContext) -> TaskSettings:
    with ctx.db.session() as s:
        return settings_repo.load_tasks(s)


def regenerate_tasks(
    ctx: AppContext, *, force: bool = False, since: int | None = None
) -> TaskChanges:
    """Bring stored tasks in line with today's triggers (no-op when nothing changed).

    since: the change record this run follows (an import, an override) when that change
    reached the tasks through portfolio rows only: then only the accounts whose trigger inputs
    changed are planned, when the last run's digest of them is at hand (`task_scope`);
    otherwise, and always without `since`, every account is planned.

    Two regenerations may run at once (two processes on one database, two CSMs on one
    server): each plans from what it read, and the database keeps the plans from adding up.
    A task already created by the other is not inserted again (`uq_tasks_open_episode`, see
    tasks_repo.insert_tasks), a task both close ends closed (its log shows the action twice),
    and both store the same marker. Episodes end before new tasks go in, so a new task never
    meets the one whose episode this run ends."""
    if not force and _generated(ctx):
        return TaskChanges(0, 0, 0)
    p = load_portfolio(ctx)
    marker = {"revision": p.revision, "today": ctx.today.isoformat()}
    settings = task_settings(ctx)
    with ctx.db.session() as s:
        locks.hold(s, locks.WRITES)  # PostgreSQL: after another's run, its marker is seen
        row = s.get(SettingRow, GENERATED_KEY)
        if not force and row is not None and row.value == marker:
            return TaskChanges(0, 0, 0)
        digest = trigger_digest(p.for_tasks, p.membership, settings)
        before = None if since is None else task_scope.previous_digest(ctx, s, since, settings)
        scope = None if before is None else accounts_to_plan(before, digest)
        _wake_snoozed(s, ctx.today)
        existing = task_reads.load_plan_inputs(s, accounts=scope)  # what a plan reads
        touches = tasks_repo.load_touchpoints(s)[["account_key", "kind", "date"]]
        portfolio = p.for_tasks  # a scope keeps the portfolio's order: the same task ids
        portfolio = portfolio if scope is None else portfolio[portfolio.index.isin(scope)]
        plan = plan_tasks(portfolio, p.membership, existing, touches, ctx.today, settings)
        log.info(
            "Task regeneration planned %s accounts",
            f"every one of {len(digest)}" if scope is None else f"{len(scope)} of {len(digest)}",
        )
        tasks_repo.set_status(
            s,
            plan.resolve,
            "resolved",
            today=ctx.today,
            detail="resolved by data: the trigger no longer holds",
            only_from=OPEN_STATUSES,
        )
        tasks_repo.set_status(
            s,
            plan.complete,
            "done",
            today=ctx.today,
            detail=tasks_repo.COMPLETED_BY_TOUCH,
            only_from=OPEN_STATUSES,
        )
        tasks_repo.end_episodes(s, plan.end_episode)
        created = tasks_repo.insert_tasks(s, plan.create, ctx.today)
        put_setting(s, GENERATED_KEY, marker)
        newest = changes_repo.latest_id(s)
    task_scope.keep_digest(ctx, newest, settings, digest)
    return TaskChanges(created, len(plan.resolve), len(plan.complete))


def _generated(ctx: AppContext) -> bool:
    """Whether the stored tasks are already today's for the present data revision (checked
    before the portfolio is loaded: most lists follow a run that left nothing to do)."""
    with ctx.db.session() as s:
        row = s.get(SettingRow, GENERATED_KEY)
        marker = {"revision": revision.current(s), "today": ctx.today.isoformat()}
        return row is not None and row.value == marker


def _wake_snoozed(s: Any, today: dt.date) -> None:
    """Snoozed tasks whose date has come are open again (same task, same episode)."""
    snoozed = tasks_repo.load_tasks(s, ["snoozed"])
    due = snoozed.loc[snoozed["snoozed_until"] <= pd.Timestamp(today), "id"].tolist()
    tasks_repo.set_status(
        s, due, "open", today=today, detail="snooze ended", close=False, only_from=["snoozed"]
    )
