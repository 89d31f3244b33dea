"""Portfolio summary: counts and ARR by tier x lifecycle stage, for the window and reports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from cspm.core.settings import LIFECYCLE_STAGES
from cspm.storage import imports_repo

from .context import AppContext
from .portfolio import load_portfolio


@dataclass(frozen=True)
class PortfolioSummary:
    accounts: int
    total_arr: float
    last_import: dt.date | None
    # index tiers (band order), columns stages (lifecycle order), cells (count, arr)
    matrix: pd.DataFrame


def tier_stage_matrix(frame: pd.DataFrame, tiers: list[str]) -> pd.DataFrame:
    counts = pd.crosstab(frame["tier"], frame["lifecycle_stage"])
    arr = (
        frame.pivot_table(
            index="tier", columns="lifecycle_stage", values="arr", aggfunc="sum", fill_value=0.0
        )
        if len(frame)
        else pd.DataFrame()
    )
    stages = [s for s in LIFECYCLE_STAGES if s != "Unknown" or s in counts.columns]
    counts = counts.reindex(index=tiers, columns=stages, fill_value=0)
    arr = arr.reindex(index=tiers, columns=stages, fill_value=0.0).fillna(0.0)
    cells = [
        [(int(counts.iat[r, c]), float(arr.iat[r, c])) for c in range(len(stages))]
        for r in range(len(tiers))
    ]
    return pd.DataFrame(cells, index=tiers, columns=stages)


def portfolio_summary(ctx: AppContext) -> PortfolioSummary:
    p = load_portfolio(ctx)
    with ctx.db.session() as s:
        last = imports_repo.latest_as_of(s)
    frame = p.frame
    return PortfolioSummary(
        accounts=len(frame),
        total_arr=float(frame["arr"].sum()) if len(frame) else 0.0,
        last_import=last,
        matrix=tier_stage_matrix(frame, list(p.settings.tier_names)),
    )
