"""Task generation: from triggers and stored tasks to a plan of what to create, close and end.

Generation runs after every import, settings change or completed task, so it must be idempotent:
a task exists once per trigger EPISODE (an account entering a segment or stage, or a cadence
falling due), and running the generator twice in a row yields an empty plan the second time.

The stored `episode_open` flag is what makes this work. A task is "in the current episode" while
its trigger has held since it was created. Per (account, template):

- trigger holds, no task in the current episode           -> create one (playbook tasks only
  once their due date is within `horizon_days`; cadences are due by definition)
- trigger holds, a task in the current episode            -> nothing, whatever its status: a
  snoozed task stays open, a done or dismissed one stays closed for the rest of the episode
- trigger cleared, current task open/snoozed              -> resolve it ("resolved by data") and
  end the episode; a cadence task is COMPLETED instead when a counting touchpoint is dated
  after the anchor the task was due from (its due date - every_days); a playbook step with
  `outlives_trigger` (onboarding checks) stays open and keeps its episode, so the trigger
  returning does not duplicate it
- trigger cleared, current task done/dismissed/resolved   -> end the episode, so the trigger
  coming back starts a new task
- the account is gone from the portfolio, or the template from the settings -> the trigger is
  cleared (an outliving step is resolved too: nothing is left to outlive)

Ids in `resolve` and `complete` are always also in `end_episode`, so applying the plan leaves a
state the next run agrees with. A playbook task's due date relative to today is fixed when it is
created (stored tasks are never re-dated), so tasks do become overdue.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cspm.core.object_arrays import repeated
from cspm.core.tasks.config import TaskSettings
from cspm.core.tasks.frames import (
    CREATE_COLUMNS,
    TASK_COLUMNS,
    day_number,
    days,
    empty_tasks,
    positions,
    text_codes,
    to_datetime,
)
from cspm.core.tasks.models import OPEN_STATUSES
from cspm.core.tasks.triggers import Triggers, evaluate, templates_of


@dataclass
class TaskPlan:
    """What storage must do to bring the stored tasks in line with today's triggers.

    create: new tasks (CREATE_COLUMNS); store them open, created today, episode_open True.
    resolve: open/snoozed task ids whose trigger cleared -> status "resolved", closed today.
    end_episode: ids whose trigger cleared -> episode_open False (includes resolve + complete).
    complete: open/snoozed cadence task ids done by a logged touchpoint -> status "done".
    """

    create: pd.DataFrame
    resolve: list[int]
    end_episode: list[int]
    complete: list[int] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return len(self.create) == 0 and not (self.resolve or self.end_episode or self.complete)


def plan_tasks(
    portfolio: pd.DataFrame,
    membership: pd.DataFrame,
    existing: pd.DataFrame,
    touchpoints: pd.DataFrame,
    today: datetime.date,
    settings: TaskSettings,
) -> TaskPlan:
    """The plan that makes the stored tasks match today's triggers (see module docstring)."""
    t0 = day_number(today)
    index = portfolio.index
    if not membership.index.equals(index):
        membership = membership.reindex(index, fill_value=False)
    if len(existing) == 0:
        existing = empty_tasks()
    templates = templates_of(settings)
    pos = positions(existing["account_key"], index)
    code = text_codes(existing["template_id"], [t.id for t in templates]).astype(np.int64)
    trig = evaluate(
        portfolio, membership, existing, pos, code, touchpoints, t0, settings, templates
    )

    episode = existing["episode_open"].to_numpy(dtype=bool, na_value=False)
    known = (pos >= 0) & (code >= 0)
    current = episode & known
    in_episode = np.zeros(trig.holds.shape, dtype=bool)
    in_episode[pos[current], code[current]] = True

    holds = np.zeros(len(existing), dtype=bool)
    holds[current] = trig.holds[pos[current], code[current]]
    cleared = episode & ~holds
    is_open = existing["status"].isin(list(OPEN_STATUSES)).to_numpy(dtype=bool)
    outlives = np.array([t.outlives_trigger for t in trig.templates] + [False])
    keeps = cleared & is_open & known & outlives[code]
    touched = _touched_this_round(existing, pos, code, current, trig)
    closing = cleared & is_open & ~keeps
    ids = existing["id"].to_numpy(dtype=np.int64)
    return TaskPlan(
        create=_creations(trig, in_episode, index),
        resolve=sorted(ids[closing & ~touched].tolist()),
        end_episode=sorted(ids[cleared & ~keeps].tolist()),
        complete=sorted(ids[closing & touched].tolist()),
    )


def _touched_this_round(
    existing: pd.DataFrame,
    pos: np.ndarray,
    code: np.ndarray,
    current: np.ndarray,
    trig: Triggers,
) -> np.ndarray:
    """Whether each stored cadence task's round was closed by a logged touchpoint.

    A task due on D was created because its anchor was D - every_days; a counting touchpoint
    dated after that anchor is what moved the cadence on (even when it was logged late, dated
    before the task was created), so the CSM did the work: the task is done, not resolved.
    """
    out = np.zeros(len(existing), dtype=bool)
    if not trig.touched or not current.any():
        return out
    due = days(existing["due_date"])
    for c, last in trig.touched.items():
        sel = current & (code == c)
        if sel.any():
            with np.errstate(invalid="ignore"):
                out[sel] = last[pos[sel]] > due[sel] - trig.every[c][pos[sel]]
    return out


def _creations(trig: Triggers, in_episode: np.ndarray, index: pd.Index) -> pd.DataFrame:
    """One row per (account, template) whose trigger holds with no task in the episode."""
    parts: list[pd.DataFrame] = []
    keys = index.to_numpy(dtype=object)
    for piece in trig.pieces:
        new = ~in_episode[piece.rows, piece.code]
        rows = piece.rows[new]
        if len(rows) == 0:
            continue
        t = trig.templates[piece.code]
        m = len(rows)
        parts.append(
            pd.DataFrame(
                {
                    "account_key": keys[rows],
                    "template_id": repeated(t.id, m),
                    "trigger_kind": repeated(t.trigger_kind, m),
                    "trigger": repeated(piece.trigger, m),
                    "title": repeated(piece.title, m),
                    "description": repeated(piece.description, m),
                    "due_date": to_datetime(piece.due[new]),
                    "base_priority": np.full(m, float(piece.base_priority)),
                }
            )
        )
    if not parts:
        return _empty_create()
    out = pd.concat(parts, ignore_index=True)
    for col in ("account_key", "template_id", "trigger_kind", "trigger", "title", "description"):
        out[col] = out[col].astype("str")
    return out


def _empty_create() -> pd.DataFrame:
    dtypes = {**TASK_COLUMNS, "title": "str", "description": "str", "base_priority": "float64"}
    return pd.DataFrame({c: pd.Series(dtype=dtypes[c]) for c in CREATE_COLUMNS})


def apply_plan(existing: pd.DataFrame, plan: TaskPlan, today: datetime.date) -> pd.DataFrame:
    """The stored-tasks frame after applying `plan` the way storage is expected to.

    The reference semantics of a plan, used by tests and benchmarks (and usable for an
    in-memory store): new ids continue after the largest existing id.
    """
    stamp = pd.Timestamp(today).as_unit("ns")
    out = existing.copy() if len(existing) else empty_tasks()
    ids = out["id"]
    closing = ids.isin(plan.resolve) | ids.isin(plan.complete)
    out.loc[ids.isin(plan.resolve), "status"] = "resolved"
    out.loc[ids.isin(plan.complete), "status"] = "done"
    out.loc[closing, "closed_on"] = stamp
    out.loc[ids.isin(plan.end_episode), "episode_open"] = False
    if len(plan.create) == 0:
        return out
    start = int(ids.max()) + 1 if len(ids) else 1
    new = plan.create.copy()
    new.insert(0, "id", np.arange(start, start + len(new), dtype=np.int64))
    new["status"] = "open"
    new["created_on"] = stamp
    new["closed_on"] = pd.Series(pd.NaT, index=new.index, dtype="datetime64[ns]")
    new["episode_open"] = True
    return pd.concat([out, new], ignore_index=True)
