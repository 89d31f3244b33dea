"""Tasks: engagement models and playbooks turned into one ranked task list with reasons.

Pure core (pandas/numpy, no Qt, no SQLAlchemy): `plan_tasks` decides what to create and close,
`score_tasks` / `sort_tasks` rank tasks with human-readable reasons, `capacity_summary` checks
the engagement models against what the CSMs can carry. Storage applies plans; see `apply_plan`
for the reference semantics.
"""

from cspm.core.tasks.capacity import CapacityReport, capacity_summary, hours_per_account
from cspm.core.tasks.config import TaskSettings
from cspm.core.tasks.frames import CREATE_COLUMNS, TASK_COLUMNS, empty_tasks
from cspm.core.tasks.generate import TaskPlan, apply_plan, plan_tasks
from cspm.core.tasks.models import (
    CADENCE_PREFIX,
    CLOSED_STATUSES,
    OPEN_STATUSES,
    TASK_STATUSES,
    TOUCH_KINDS,
    TOUCH_MODELS,
    Cadence,
    CapacitySettings,
    EngagementModel,
    PlaybookStep,
    PriorityWeights,
)
from cspm.core.tasks.playbooks import DEFAULT_PLAYBOOKS, default_engagement
from cspm.core.tasks.priority import score_tasks, sort_tasks, top_tasks

__all__ = [
    "CADENCE_PREFIX",
    "CLOSED_STATUSES",
    "CREATE_COLUMNS",
    "DEFAULT_PLAYBOOKS",
    "OPEN_STATUSES",
    "TASK_COLUMNS",
    "TASK_STATUSES",
    "TOUCH_KINDS",
    "TOUCH_MODELS",
    "Cadence",
    "CapacityReport",
    "CapacitySettings",
    "EngagementModel",
    "PlaybookStep",
    "PriorityWeights",
    "TaskPlan",
    "TaskSettings",
    "apply_plan",
    "capacity_summary",
    "default_engagement",
    "empty_tasks",
    "hours_per_account",
    "plan_tasks",
    "score_tasks",
    "sort_tasks",
    "top_tasks",
]
