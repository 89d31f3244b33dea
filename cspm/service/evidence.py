"""The evidence in the stored history: how well the health score predicted what happened, what
edited weights would have done, the weights the history suggests, and the groups that churn or
grow differently from the portfolio.

All of it reads the portfolio as it was analysed at each snapshot date, kept per data revision
(and on disk for large portfolios) by `outcome_states` under its own kind, "evidence": the
columns outcomes keep plus the health components, the imported score and the fields insights
group by. Those states are the expensive part (one analysis per snapshot date, seconds each at
100,000 accounts, once per data revision); the statistics over them are vectorised core code
(`cspm.core.evidence`, `cspm.core.insights`) and take well under a second.

Backtest pairs: each snapshot date `d` with a snapshot at least `horizon` days after it is
paired with the first snapshot on or after `d + horizon` (with monthly exports, 90 to 120 days
later). Measuring at a snapshot date, not at `d + horizon` exactly, reads only states the
snapshots describe: a day between two exports would be analysed from the older export anyway.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cspm.core.engagement_effect import TierEngagement, engagement_effectiveness
from cspm.core.errors import BadInputError
from cspm.core.group_insights import Insights, find_insights
from cspm.core.health import COMPONENTS, HealthConfig
from cspm.core.health_backtest import (
    BandSpread,
    TierBacktest,
    backtest,
    band_spread,
    concat_pairs,
    horizon_pairs,
    rescore,
)
from cspm.core.health_fit import Suggestion, suggest
from cspm.storage import tasks_repo

from .outcome_states import COLUMNS, states_at
from .outcomes import held_states, state_computer
from .portfolio import load_portfolio

if TYPE_CHECKING:
    from .context import AppContext

KIND = "evidence"
CATEGORICAL = {
    "industry": "Industry",
    "region": "Region",
    "country": "Country",
    "plan": "Plan",
    "product_line": "Product line",
    "support_plan": "Support plan",
    "owner": "Owner",
    "tier": "Tier",
}
"""Fields insights compare groups of (custom text fields are added per portfolio)."""
NUMERIC = {"arr": "ARR", "seats_purchased": "Seats", "nps": "NPS"}
"""Numeric fields insights compare in quartiles."""
EVIDENCE_COLUMNS = (
    *COLUMNS,
    "name",
    "renewal_date",
    "churn_date",
    "health_source",
    "imported_health_score",
    *(f"health_{c}" for c in COMPONENTS),
    *CATEGORICAL,
    *NUMERIC,
)
HORIZON_DAYS = 90
INSIGHT_WINDOW_DAYS = 365


def _states(ctx: AppContext, days: list[dt.date]) -> dict[dt.date, pd.DataFrame]:
    """The analysed portfolio as of each day, slimmed to what evidence reads."""
    keep = held_states(ctx, KIND)
    now = load_portfolio(ctx)
    custom = [c for c, kind in now.custom_types.items() if str(kind) == "text"]
    columns = list(dict.fromkeys([*EVIDENCE_COLUMNS, *custom]))
    held = states_at(ctx, keep, days, False, state_computer(ctx, keep), columns=columns)
    return {d: frame for d, (frame, _) in held.items()}


def snapshot_dates(ctx: AppContext) -> list[dt.date]:
    """Every stored snapshot date, oldest first."""
    return list(held_states(ctx, KIND).dates or [])


def horizon_windows(dates: list[dt.date], horizon: int) -> list[tuple[dt.date, dt.date]]:
    """(opening, closing) per snapshot date that has a snapshot at least `horizon` days later:
    the closing one is the first such snapshot."""
    out = []
    for day in dates:
        later = [d for d in dates if d >= day + dt.timedelta(days=horizon)]
        if later:
            out.append((day, later[0]))
    return out


@dataclass
class BacktestReport:
    """The health score's track record at one horizon."""

    horizon: int
    windows: list[tuple[dt.date, dt.date]]
    tiers: list[TierBacktest]
    note: str | None = None  # one sentence when there is nothing to measure at all

    def to_list(self) -> list[dict[str, Any]]:
        return [t.to_dict() for t in self.tiers]


def _pairs(ctx: AppContext, horizon: int) -> tuple[pd.DataFrame, list[tuple[dt.date, dt.date]]]:
    """Every (account, snapshot date) with its outcome `horizon` days on; kept per revision."""
    keep = held_states(ctx, KIND)
    memo_key = ("pairs", horizon)
    cached = keep.memo.get(memo_key)
    if cached is not None:
        return cached
    windows = horizon_windows(list(keep.dates or []), horizon)
    days = sorted({d for w in windows for d in w})
    states = _states(ctx, days) if days else {}
    frames = [horizon_pairs(states[a], states[b], a) for a, b in windows]
    pairs = concat_pairs(frames) if frames else pd.DataFrame()
    keep.memo[memo_key] = (pairs, windows)
    return pairs, windows


def _too_short(dates: list[dt.date], horizon: int) -> str:
    if len(dates) < 2:
        return (
            f"A backtest needs snapshots at least {horizon} days apart; "
            f"there {'is one import date' if dates else 'are no imports'} so far."
        )
    span = (dates[-1] - dates[0]).days
    return (
        f"The history spans {span} days ({dates[0].isoformat()} to {dates[-1].isoformat()}); "
        f"a {horizon}-day backtest needs a snapshot at least {horizon} days before the latest."
    )


def _tier_order(ctx: AppContext, tiers: list[TierBacktest]) -> list[TierBacktest]:
    names = list(load_portfolio(ctx).settings.tier_names)
    rank = {n: i for i, n in enumerate(names)}
    body, total = tiers[:-1], tiers[-1:]
    return sorted(body, key=lambda t: (rank.get(t.tier, len(rank)), t.tier)) + total


def health_backtest(
    ctx: AppContext, *, horizon: int = HORIZON_DAYS, config: HealthConfig | None = None
) -> BacktestReport:
    """The effective health score each account had at each snapshot date against what happened
    in the next `horizon` days, per tier. `config`: score with edited weights and bands (the
    what-if), default the stored ones (the scores the CSM saw)."""
    if horizon < 1:
        raise BadInputError("The backtest horizon must be at least 1 day.")
    pairs, windows = _pairs(ctx, horizon)
    if not windows:
        return BacktestReport(horizon, [], [], _too_short(snapshot_dates(ctx), horizon))
    stored = load_portfolio(ctx).health
    used = config or stored
    score = None if config is None else rescore(pairs, config)
    tiers = _tier_order(ctx, backtest(pairs, used, score=score))
    return BacktestReport(horizon, windows, tiers)


@dataclass
class WhatIf:
    """What edited health settings would do, before they are saved."""

    spread: BandSpread  # today's accounts over the bands, before and after
    auc_now: float | None  # the backtest AUC (all tiers) of the stored settings
    auc_edited: float | None  # ... and of the edited ones
    note: str | None = None


def what_if(ctx: AppContext, edited: HealthConfig, *, horizon: int = HORIZON_DAYS) -> WhatIf:
    """Today's spread over the bands and the backtest AUC, stored settings against `edited`."""
    p = load_portfolio(ctx)
    spread = band_spread(p.frame, p.health, edited)
    report = health_backtest(ctx, horizon=horizon)
    if report.note is not None or not report.tiers:
        return WhatIf(spread, None, None, report.note)
    edited_report = health_backtest(ctx, horizon=horizon, config=edited)
    now, then = report.tiers[-1], edited_report.tiers[-1]
    return WhatIf(spread, now.auc, then.auc, then.note)


def suggested_weights(ctx: AppContext, *, horizon: int = HORIZON_DAYS) -> list[Suggestion]:
    """Per tier, the component weights the history suggests, with their backtest AUC against
    the current weights' (out of sample). Never applied here: the user accepts one or not."""
    pairs, windows = _pairs(ctx, horizon)
    if not windows or pairs.empty:
        return []
    return suggest(pairs, load_portfolio(ctx).health)


@dataclass
class InsightsReport:
    """Groups that churn or grow differently, and engagement per tier, over one window."""

    start: dt.date | None
    end: dt.date | None
    insights: Insights | None
    engagement: list[TierEngagement] = field(default_factory=list)
    note: str | None = None
    names: dict[str, str] = field(default_factory=dict)  # account key -> name, of the findings

    def to_dict(self) -> dict[str, Any]:
        body = self.insights.to_dict() if self.insights is not None else {}
        return {
            **body,
            "start": None if self.start is None else self.start.isoformat(),
            "end": None if self.end is None else self.end.isoformat(),
            "engagement": [e.to_dict() for e in self.engagement],
            "note": self.note if self.note is not None else body.get("note"),
        }


def insight_window(
    dates: list[dt.date], days: int = INSIGHT_WINDOW_DAYS
) -> tuple[dt.date, dt.date]:
    """(start, end): the latest snapshot and the latest one at least `days` before it (the
    first snapshot when the history is shorter)."""
    end = dates[-1]
    earlier = [d for d in dates if d <= end - dt.timedelta(days=days)]
    return (earlier[-1] if earlier else dates[0]), end


def insights(ctx: AppContext, *, min_group: int = 30) -> InsightsReport:
    """Groups (by industry, region, plan, owner, custom text fields, binned numbers) whose
    churn, GRR or NRR differ from the portfolio's beyond their interval, over the last year of
    history (or all of it when shorter)."""
    dates = snapshot_dates(ctx)
    if len(dates) < 2:
        return InsightsReport(
            None, None, None, note="Insights need at least two import dates; there is "
            f"{'one' if dates else 'none'} so far."
        )  # fmt: skip
    start, end = insight_window(dates)
    states = _states(ctx, [start, end])
    opening, closing = states[start], states[end]
    p = load_portfolio(ctx)
    custom = {c: c for c, kind in p.custom_types.items() if str(kind) == "text"}
    fields = {c: label for c, label in {**custom, **CATEGORICAL}.items() if c in opening}
    numeric = {c: label for c, label in NUMERIC.items() if c in opening}
    months = max((end - start).days / 30.4375, 1e-9)
    touches = _touches(ctx, start, end)
    found = find_insights(
        opening,
        closing,
        fields,
        numeric=numeric,
        min_group=min_group,
        start=start,
        end=end,
    )
    engagement = engagement_effectiveness(opening, closing, touches, months)
    listed = {k for f in found.findings for k in f.group.keys}
    names = opening["name"].astype(object) if "name" in opening else pd.Series(dtype=object)
    shown = {str(k): str(v) for k, v in names.items() if k in listed and isinstance(v, str)}
    return InsightsReport(start, end, found, engagement, names=shown)


def _touches(ctx: AppContext, start: dt.date, end: dt.date) -> pd.Series:
    """Logged interactions (notes aside) per account key between the two dates."""
    with ctx.db.session() as s:
        frame = tasks_repo.load_touchpoints(s)
    if frame.empty:
        return pd.Series(dtype=np.int64)
    days = pd.to_datetime(frame["date"])
    kept = (frame["kind"] != "note") & (days > pd.Timestamp(start)) & (days <= pd.Timestamp(end))
    return frame[kept].groupby("account_key").size()
