"""Portfolio summary: counts and ARR by tier x lifecycle stage, for the window and reports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from cspm.core.currency import unconverted_mask
from cspm.core.matrix import tier_stage_matrix
from cspm.core.money import USD, MoneyFormat, compact_one, full_one
from cspm.storage import imports_repo

from .portfolio import load_portfolio

if TYPE_CHECKING:
    from .context import AppContext


@dataclass(frozen=True)
class PortfolioSummary:
    accounts: int
    total_arr: float
    last_import: dt.date | None
    # index tiers (band order), columns stages (lifecycle order), cells (count, arr)
    matrix: pd.DataFrame
    money: MoneyFormat = USD  # the portfolio currency every amount is in
    # accounts whose currency had no rate: their ARR is in no total (see core.currency)
    unconverted: int = 0

    def arr_text(self) -> str:
        """ "ARR $1,250,000 ($1.3M)", with the accounts left out of it when there are some."""
        total, short = full_one(self.total_arr, self.money), compact_one(self.total_arr, self.money)
        return f"ARR {total} ({short}){self.left_out_text()}"

    def left_out_text(self) -> str:
        """ " · 2 accounts in other currencies left out (no rate)", or ""."""
        if not self.unconverted:
            return ""
        n = self.unconverted
        return f" · {n:,} account{'' if n == 1 else 's'} in other currencies left out (no rate)"


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
        money=p.settings.money,
        unconverted=int(unconverted_mask(frame).sum()),
    )
