"""What the Tasks view loads in its worker: its filter, the chooser's options and the ranked
tasks (plain data and a service call; no widgets)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from cspm.service.book import owners as book_owners
from cspm.service.portfolio import load_portfolio
from cspm.service.segments import list_segments
from cspm.service.tasks import list_tasks

if TYPE_CHECKING:
    from cspm.service.context import AppContext

DUE_WINDOWS: tuple[tuple[str, int | None], ...] = (
    ("Any time", None),
    ("Overdue", -1),
    ("Due within 7 days", 7),
    ("Due within 30 days", 30),
)


@dataclass(frozen=True)
class TaskFilter:
    segment: str | None = None
    tier: str | None = None
    owner: str | None = None
    due_within: int | None = None


@dataclass(frozen=True)
class TasksData:
    segments: list[str]
    tiers: list[str]
    owners: list[str]
    tasks: pd.DataFrame


def load_tasks(ctx: AppContext, f: TaskFilter) -> TasksData:
    """The chooser's options and the filtered, ranked tasks (runs in a worker)."""
    p = load_portfolio(ctx)
    segments = [s.name for s in list_segments(ctx) if not s.error]
    owners = [o.name for o in book_owners(ctx)]  # then book.UNASSIGNED when some have none
    tiers = list(p.settings.tier_names)
    segment = f.segment if f.segment in segments else None
    tier = f.tier if f.tier in tiers else None
    owner = f.owner if f.owner in owners else None
    tasks = list_tasks(ctx, segment=segment, tier=tier, owner=owner, due_within=f.due_within)
    return TasksData(segments, tiers, owners, tasks)


def choice(kind: str, name: str | None = None) -> str:
    """The chooser's item data: "all", "segment:NAME" or "tier:NAME"."""
    return kind if name is None else f"{kind}:{name}"
