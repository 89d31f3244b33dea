"""Engagement-model effectiveness: how much attention each tier's accounts got over a window of
history, against how they did.

Practice guides say to "measure segment-level outcomes to validate whether your engagement
models are working". A tier served high-touch that churns like a tech-touch tier is a model
not earning its cost; the sentence here says so only when the difference in attention is large
(2x or more) and the churn rates' 95% Wilson intervals overlap, so a small tier's noise is not
read as a verdict. The cohort and money follow `cspm.core.group_insights.cohort` (the outcome
definitions).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

import pandas as pd

from cspm.core.evidence_stats import wilson_interval
from cspm.core.group_insights import BLANK, CONFIDENCE, cohort


@dataclass(frozen=True)
class TierEngagement:
    """How much attention a tier's accounts got in the window, and how they did."""

    tier: str
    accounts: int
    touches_per_account_month: float
    churned: int
    churn_rate: float
    churn_low: float
    churn_high: float
    grr: float | None
    nrr: float | None
    sentence: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def engagement_effectiveness(
    opening: pd.DataFrame, closing: pd.DataFrame, touches: pd.Series, months: float
) -> list[TierEngagement]:
    """Per tier (at the opening): logged touchpoints per account per month against logo churn,
    GRR and NRR; a sentence where a tier gets at least twice another's attention and churns
    the same (their 95% intervals overlap): the engagement model may not be earning its cost."""
    rows, c = cohort(opening, closing)
    if not len(rows) or "tier" not in rows:
        return []
    count = touches.reindex(rows.index).fillna(0).to_numpy(dtype=float)
    tiers = rows["tier"].astype(object).fillna(BLANK).astype(str).to_numpy()
    out: list[TierEngagement] = []
    for tier in pd.unique(tiers):
        inside = tiers == tier
        n = int(inside.sum())
        k = int(c.churned[inside].sum())
        lo, hi = wilson_interval(k, n, CONFIDENCE)
        s = c.start[inside].sum()
        out.append(
            TierEngagement(
                str(tier), n, float(count[inside].sum() / n / max(months, 1e-9)), k, k / n,
                float(lo), float(hi), float(c.kept[inside].sum() / s) if s else None,
                float(c.end[inside].sum() / s) if s else None,
            )
        )  # fmt: skip
    out.sort(key=lambda t: -t.touches_per_account_month)
    said = []
    for i, a in enumerate(out):
        sentence = None
        for b in out[i + 1 :]:
            if b.touches_per_account_month <= 0 or a.accounts < 10 or b.accounts < 10:
                continue
            times = a.touches_per_account_month / b.touches_per_account_month
            overlap = a.churn_low <= b.churn_high and b.churn_low <= a.churn_high
            if times >= 2 and overlap:
                sentence = (
                    f"{a.tier} gets {times:.1f}x the attention of {b.tier} per account, yet its "
                    f"churn is not measurably different ({a.churn_rate:.0%} vs "
                    f"{b.churn_rate:.0%}; the 95% intervals overlap)"
                )
                break
        said.append(replace(a, sentence=sentence))
    return said
