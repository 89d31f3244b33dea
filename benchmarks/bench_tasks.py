"""Task generation over 100,000 accounts: first run, steady state, and a plain-pandas baseline.

Run: .venv/bin/python benchmarks/bench_tasks.py [n_accounts]

Target (tasks issue): regenerating tasks for 100,000 accounts in steady state (tasks already
exist, 5% of accounts changed since the last run) under 2 s. The baseline is the least any
generator must do: build each trigger's boolean mask over the portfolio with plain pandas
(segment columns, stage and tier comparisons, cadence due dates from the last-touch columns).
Both run in the same process on the same frames; the best of several runs is reported. Scoring
and sorting the open tasks and the capacity summary are timed too. Asserts nothing.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import date, timedelta

import _here  # noqa: F401  (measure the cspm beside this script)
import numpy as np
import pandas as pd

from cspm.core.tasks import (
    TaskSettings,
    apply_plan,
    capacity_summary,
    empty_tasks,
    plan_tasks,
    score_tasks,
    sort_tasks,
)

TODAY = date(2026, 6, 15)
RUNS = 3
SEGMENTS = (
    "At risk",
    "Expansion potential",
    "No interaction in 30+ days",
    "Churned in last 60 days",
    "Unpaid invoices",
    "No QBR in 120 days",
)


def best(fn: Callable[[], object], runs: int = RUNS) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def dates(rng: np.random.Generator, today: date, lo: int, hi: int, n: int) -> np.ndarray:
    days = rng.integers(lo, hi, n)
    return (np.datetime64(today, "D") + days).astype("datetime64[ns]")


def make_portfolio(n: int, rng: np.random.Generator) -> pd.DataFrame:
    tier = rng.choice(
        ["Enterprise", "Mid-Market", "SMB", "Unassigned"], n, p=[0.1, 0.3, 0.55, 0.05]
    )
    stage = rng.choice(
        ["Onboarding", "Adoption", "Established", "Advocate", "Renewal", "Churned"],
        n,
        p=[0.08, 0.2, 0.4, 0.07, 0.2, 0.05],
    )
    frame = pd.DataFrame(
        {
            "name": pd.array([f"Account {i:06d}" for i in range(n)], dtype="str"),
            "owner": rng.choice([f"CSM {i}" for i in range(40)], n),
            "tier": pd.array(tier, dtype="str"),
            "lifecycle_stage": pd.array(stage, dtype="str"),
            "arr": np.round(rng.lognormal(10.3, 1.0, n), 2),
            "potential_arr": np.where(rng.random(n) < 0.3, rng.lognormal(9, 1, n), np.nan),
            "health_score": rng.uniform(10, 100, n).round(),
            "renewal_date": dates(rng, TODAY, -20, 365, n),
            "contract_start": dates(rng, TODAY, -1500, -1, n),
            "churn_date": np.where(stage == "Churned", dates(rng, TODAY, -90, 0, n), None),
            "last_interaction": dates(rng, TODAY, -90, 0, n),
            "last_qbr": dates(rng, TODAY, -300, 0, n),
            "health_change": rng.normal(0, 8, n).round(),
        },
        index=pd.Index([f"acct-{i:06d}" for i in range(n)], name="key", dtype="str"),
    )
    frame["churn_date"] = pd.to_datetime(frame["churn_date"]).astype("datetime64[ns]")
    return frame


def memberships(pf: pd.DataFrame, rng: np.random.Generator, today: date) -> pd.DataFrame:
    t = pd.Timestamp(today)
    return pd.DataFrame(
        {
            "At risk": (pf["health_score"] < 50) | (pf["health_change"] <= -15),
            "Expansion potential": pd.Series(rng.random(len(pf)) < 0.08, index=pf.index),
            "No interaction in 30+ days": pf["last_interaction"] < t - timedelta(days=30),
            "Churned in last 60 days": (pf["lifecycle_stage"] == "Churned")
            & (pf["churn_date"] >= t - timedelta(days=60)),
            "Unpaid invoices": pd.Series(rng.random(len(pf)) < 0.03, index=pf.index),
            "No QBR in 120 days": (pf["last_qbr"] < t - timedelta(days=120))
            & pf["tier"].isin(["Enterprise", "Mid-Market"]),
        }
    )


def make_touchpoints(pf: pd.DataFrame, rng: np.random.Generator, k: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "account_key": pd.array(rng.choice(pf.index.to_numpy(), k), dtype="str"),
            "kind": pd.array(rng.choice(["call", "email", "meeting", "qbr", "note"], k), "str"),
            "date": dates(rng, TODAY, -120, 0, k),
        }
    )


def baseline_masks(pf: pd.DataFrame, mem: pd.DataFrame, settings: TaskSettings) -> int:
    """Plain pandas: one boolean mask per trigger, nothing else."""
    t = pd.Timestamp(TODAY)
    masks = []
    for step in settings.playbooks:
        if step.trigger_kind == "stage":
            m = pf["lifecycle_stage"] == step.trigger
        else:
            m = mem[step.trigger] if step.trigger in mem else pd.Series(False, index=pf.index)
        masks.append(m)
    for tier, model in settings.engagement.items():
        in_tier = pf["tier"] == tier
        for cad in model.cadences:
            last = (
                pf[list(cad.data_fields)].max(axis=1)
                if cad.data_fields
                else pd.Series(pd.NaT, index=pf.index, dtype="datetime64[ns]")
            )
            due = last + pd.Timedelta(days=cad.every_days)
            masks.append(in_tier & (due.isna() | (due <= t + pd.Timedelta(days=7))))
    return int(sum(int(m.sum()) for m in masks))


def settle(tasks: pd.DataFrame, rng: np.random.Generator, today: date) -> pd.DataFrame:
    """Users work the list: some open tasks done, dismissed or snoozed."""
    tasks = tasks.copy()
    open_rows = np.flatnonzero(tasks["status"].to_numpy() == "open")
    pick = rng.random(len(open_rows))
    for status, lo, hi in (("done", 0, 0.2), ("dismissed", 0.2, 0.25), ("snoozed", 0.25, 0.28)):
        rows = open_rows[(pick >= lo) & (pick < hi)]
        tasks.loc[tasks.index[rows], "status"] = status
        if status != "snoozed":
            tasks.loc[tasks.index[rows], "closed_on"] = pd.Timestamp(today)
    return tasks


def change(pf: pd.DataFrame, rng: np.random.Generator, share: float) -> pd.DataFrame:
    """An import that changed `share` of the accounts (health, stage, last interaction)."""
    pf = pf.copy()
    rows = rng.random(len(pf)) < share
    k = int(rows.sum())
    pf.loc[rows, "health_score"] = rng.uniform(10, 100, k).round()
    pf.loc[rows, "health_change"] = rng.normal(-5, 10, k).round()
    pf.loc[rows, "lifecycle_stage"] = rng.choice(["Adoption", "Renewal", "Established"], k)
    pf.loc[rows, "last_interaction"] = pd.Timestamp(TODAY)
    return pf


def main(n: int) -> None:
    rng = np.random.default_rng(11)
    settings = TaskSettings()
    pf = make_portfolio(n, rng)
    touch = make_touchpoints(pf, rng, 3 * n)
    mem = memberships(pf, rng, TODAY)

    t = time.perf_counter()
    first = plan_tasks(pf, mem, empty_tasks(), touch, TODAY, settings)
    first_s = time.perf_counter() - t
    tasks = settle(apply_plan(empty_tasks(), first, TODAY), rng, TODAY)

    day1 = TODAY + timedelta(days=1)
    tasks = apply_plan(tasks, plan_tasks(pf, mem, tasks, touch, day1, settings), day1)
    unchanged = plan_tasks(pf, mem, tasks, touch, day1, settings)

    pf2 = change(pf, rng, 0.05)
    mem2 = memberships(pf2, rng, day1)
    mem2["Expansion potential"] = mem["Expansion potential"]  # random columns: keep them stable
    mem2["Unpaid invoices"] = mem["Unpaid invoices"]
    logged = make_touchpoints(pf, rng, n // 50).assign(date=pd.Timestamp(day1))
    touch2 = pd.concat([touch, logged], ignore_index=True)  # 2% of accounts logged a touch
    steady_s, plan = best(lambda: plan_tasks(pf2, mem2, tasks, touch2, day1, settings))
    assert isinstance(plan, type(first))
    base_s, _ = best(lambda: baseline_masks(pf2, mem2, settings))

    open_tasks = apply_plan(tasks, plan, day1)
    open_tasks = open_tasks[open_tasks["status"].isin(["open", "snoozed"])]
    score_s, _ = best(
        lambda: sort_tasks(score_tasks(open_tasks, pf2, day1, settings.weights)), runs=2
    )
    cap_s, _ = best(lambda: capacity_summary(pf2, settings), runs=2)

    print(f"accounts: {n:,}   touchpoints: {len(touch):,}   stored tasks: {len(tasks):,}")
    print(f"first run (no tasks yet):  {first_s:7.3f} s   creates {len(first.create):,}")
    print(
        f"steady state, 0% changed:  plan empty = {unchanged.is_empty}"
        f" (creates {len(unchanged.create)}, closes {len(unchanged.end_episode)})"
    )
    print(
        f"steady state, 5% changed:  {steady_s:7.3f} s   creates {len(plan.create):,},"
        f" resolves {len(plan.resolve):,}, completes {len(plan.complete):,},"
        f" ends {len(plan.end_episode):,} episodes   (target < 2 s)"
    )
    print(f"baseline (pandas trigger masks): {base_s:7.3f} s")
    print(f"ratio steady / baseline:   {steady_s / base_s:7.1f}x")
    print(f"score + sort {len(open_tasks):,} open tasks: {score_s:7.3f} s")
    print(f"capacity summary:          {cap_s:7.3f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
