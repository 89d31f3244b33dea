"""What the export dialog offers: the kinds of file, the pack's audiences, and the owners,
tiers, segments and accounts to choose from (loaded in a worker from the portfolio)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cspm.service.export import export
from cspm.service.portfolio import load_portfolio
from cspm.service.segments import list_segments

if TYPE_CHECKING:
    from cspm.service.context import AppContext


@dataclass(frozen=True)
class Kind:
    id: str
    label: str
    suffix: str
    what: str  # the service's `what`
    stem: str  # default file name start
    hint: str


KINDS: tuple[Kind, ...] = (
    Kind("workbook", "Portfolio workbook (.xlsx)", ".xlsx", "portfolio", "portfolio",
         "Summary, accounts, tiers, stages, segments with reasons, tasks and outcomes."),
    Kind("accounts", "Account list (.csv)", ".csv", "portfolio", "accounts",
         "One row per account with tier, stage, health and segments."),
    Kind("tasks_csv", "Task list (.csv)", ".csv", "tasks", "tasks",
         "Open tasks in priority order, with their reasons."),
    Kind("tasks_xlsx", "Task list (.xlsx)", ".xlsx", "tasks", "tasks",
         "Open tasks in priority order, with their reasons."),
    Kind("qbr", "QBR pack (.pdf)", ".pdf", "portfolio", "qbr",
         "One section per account, then agenda and notes; for the customer or for your review."),
)  # fmt: skip
AUDIENCE_ITEMS = (
    ("The customer (to send)", "customer",
     "Their usage, health in words, renewal date, quarters, an agenda and a notes page."),
    ("Internal review", "internal",
     "Adds tier and stage reasons, health breakdown, segments, open tasks with priorities."),
)  # fmt: skip
FILTERS = {".xlsx": "Excel workbook (*.xlsx)", ".csv": "CSV file (*.csv)", ".pdf": "PDF (*.pdf)"}


@dataclass(frozen=True)
class Choices:
    segments: list[str]
    owners: list[str]
    tiers: list[str]
    accounts: list[tuple[str, str]]  # (key, "Name (ID)")


def load_choices(ctx: AppContext) -> Choices:
    p = load_portfolio(ctx)
    frame = p.frame
    owners = sorted({str(o) for o in frame["owner"].dropna() if str(o).strip()}, key=str.casefold)
    names = frame["name"].fillna("").astype(str)
    ids = frame["external_id"].astype(object)
    accounts = []
    for key, name, ext in zip(frame.index, names, ids, strict=True):
        ref = str(ext) if isinstance(ext, str) and ext else str(key)
        accounts.append((str(key), f"{name} ({ref})" if name else ref))
    accounts.sort(key=lambda a: a[1].casefold())
    segments = [s.name for s in list_segments(ctx) if not s.error]
    return Choices(segments, owners, list(p.settings.tier_names), accounts)


def run_export(
    ctx: AppContext, path: Path, options: dict[str, Any], *, progress: Any, cancelled: Any
) -> Path:
    return export(ctx, path, **options, progress=progress, cancelled=cancelled)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:40] or "export"
