"""The evidence statistics at scale: backtest, what-if, suggested weights and insights over
100,000 accounts x 12 monthly snapshots (issue 18: "under 2 s each").

    python benchmarks/bench_evidence.py [--accounts 100000] [--snapshots 12] [--repeat 3]

What is timed is the work the commands and the settings page do once the portfolio's state at
each snapshot date is held (kept per data revision and on disk by `outcome_states`, the same
states outcomes use): building the account-date pairs and every figure from them. Computing
those states from the stored snapshots is the outcomes' cost (one analysis per date) and is not
repeated here. The states are generated with the shapes the analysis gives (tiers, health and
its eleven components with gaps, ARR, churn that follows health, industries, owners).

Each figure is printed beside a same-run baseline: the plainest pandas computation of the
headline number over the same rows (churn rate per tier, or per group of every field), so a
slow machine shows as a slow baseline, not as a regression. Medians of --repeat runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from collections.abc import Callable

import _here  # noqa: F401 (measure the cspm beside this script)
import numpy as np
import pandas as pd

from cspm.core.engagement_effect import engagement_effectiveness
from cspm.core.group_insights import find_insights
from cspm.core.health import COMPONENTS, HealthConfig, HealthWeights
from cspm.core.health_backtest import backtest, band_spread, concat_pairs, horizon_pairs, rescore
from cspm.core.health_fit import suggest

TARGET = 2.0
FIELDS = {"industry": "Industry", "region": "Region", "plan": "Plan", "owner": "Owner",
          "tier": "Tier", "country": "Country"}  # fmt: skip


def states(n: int, snapshots: int, seed: int = 5) -> list[tuple[dt.date, pd.DataFrame]]:
    """Monthly analysed states of one generated portfolio: health drifts, churn follows it."""
    rng = np.random.default_rng(seed)
    keys = pd.Index([f"ACC-{i:06d}" for i in range(n)], name="key")
    arr = np.round(rng.lognormal(10, 1.2, n), 2)
    tier = np.where(arr >= 100_000, "Enterprise", np.where(arr >= 25_000, "Mid-Market", "SMB"))
    static = {
        "industry": rng.choice([f"Industry {i}" for i in range(12)], n),
        "region": rng.choice(["EMEA", "North America", "APAC", "LATAM"], n),
        "plan": rng.choice(["Starter", "Growth", "Business", "Enterprise"], n),
        "owner": rng.choice([f"CSM {i}" for i in range(25)], n),
        "country": rng.choice([f"Country {i}" for i in range(30)], n),
    }
    parts = {c: rng.uniform(20, 100, n) for c in COMPONENTS}
    churned = np.zeros(n, bool)
    out = []
    day = dt.date(2025, 12, 31)
    for _ in range(snapshots):
        for c in COMPONENTS:
            parts[c] = np.clip(parts[c] + rng.normal(0, 6, n), 0, 100)
        health = np.mean([parts[c] for c in COMPONENTS[:6]], axis=0)
        hazard = 1 / (1 + np.exp(-(-4.5 + (60 - health) / 8)))
        churned = churned | (rng.random(n) < hazard)
        arr = np.where(churned, 0.0, np.round(arr * rng.choice([1, 1, 1, 1.1, 0.9], n), 2))
        frame = pd.DataFrame(
            {
                "arr": arr,
                "churned": churned,
                "tier": tier,
                "health_score": np.where(rng.random(n) < 0.05, np.nan, health),
                "health_source": "computed",
                "imported_health_score": np.nan,
                "lifecycle_stage": np.where(churned, "Churned", "Established"),
                **{f"health_{c}": np.where(rng.random(n) < 0.2, np.nan, v)
                   for c, v in parts.items()},
                **static,
            },
            index=keys,
        )  # fmt: skip
        out.append((day, frame))
        day = (pd.Timestamp(day) + pd.offsets.MonthEnd(1)).date()
    return out


def timed(work: Callable[[], object], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        work()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--snapshots", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    held = states(args.accounts, args.snapshots)
    config = HealthConfig(prefer_imported=False)
    edited = HealthConfig(prefer_imported=False, red_below=60,
                          weights=HealthWeights(nps=0.4, interaction=0.3))  # fmt: skip
    windows = [(held[i], held[i + 3]) for i in range(len(held) - 3)]  # ~90 days on

    def pairs() -> pd.DataFrame:
        return concat_pairs([horizon_pairs(a[1], b[1], a[0]) for a, b in windows])

    built = pairs()
    first, last = held[-12 if len(held) >= 12 else 0][1], held[-1][1]
    touches = pd.Series(np.random.default_rng(1).poisson(4, len(first)), index=first.index)
    rows = [
        ("backtest (pairs + AUC, bands, lift per tier)",
         lambda: backtest(pairs(), config),
         lambda: built.groupby("tier", observed=True)["churned"].mean()),
        ("what-if (rescore the pairs + today's bands)",
         lambda: (backtest(built, edited, score=rescore(built, edited)),
                  band_spread(last, config, edited)),
         lambda: built.groupby("tier", observed=True)["churned"].mean()),
        ("suggested weights (3-fold ridge logistic per tier)",
         lambda: suggest(built, config),
         lambda: built.groupby("tier", observed=True)["churned"].mean()),
        ("insights (6 fields + 3 numeric, bootstrap 400, engagement)",
         lambda: (find_insights(first, last, FIELDS,
                                numeric={"arr": "ARR", "health_score": "Health"}),
                  engagement_effectiveness(first, last, touches, 11)),
         lambda: [last["churned"].groupby(first[f]).mean() for f in FIELDS]),
    ]  # fmt: skip
    print(
        f"{args.accounts:,} accounts x {args.snapshots} snapshots: {len(built):,} account-dates, "
        f"{int(built['churned'].sum()):,} churn events; medians of {args.repeat}"
    )
    print(f"{'what':<62} {'cspm':>8} {'baseline':>9} {'target':>8}")
    worst = 0.0
    for name, work, base in rows:
        seconds, baseline = timed(work, args.repeat), timed(base, args.repeat)
        worst = max(worst, seconds)
        verdict = "met" if seconds < TARGET else "MISSED"
        print(f"{name:<62} {seconds:>7.2f}s {baseline:>8.2f}s  < {TARGET:.0f} s {verdict}")
    return 0 if worst < TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
