"""Preparing related files (read, detect the kind, map, parse, key, validate; no writes) vs a bare
`pandas.read_csv` of the same CSV in the same run.

The issue's scale: 1,000,000 usage events and 100,000 subscriptions. Writing is measured by the
import benchmarks; this one shows what reading a file up to its `RelatedPlan` costs. Prints the
figures and ratios; asserts nothing.

    python benchmarks/bench_related_plan.py [--usage 1000000] [--subscriptions 100000]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import _here  # noqa: F401  (measure the cspm beside this script)
import numpy as np
import pandas as pd

from cspm.core.header import extract_table
from cspm.core.mapping import auto_map
from cspm.core.reading import read_raw
from cspm.core.related.detect import detect_kind
from cspm.core.related.plan import build_related_plan
from cspm.core.settings import Settings


def write_usage(path: Path, rows: int, rng: np.random.Generator) -> None:
    """An event export: event, timestamp, distinct ID (an e-mail), account ID, feature."""
    accounts = rng.integers(0, 10_000, rows)
    stamps = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365 * 86_400, rows), "s")
    pd.DataFrame(
        {
            "Event": rng.choice(["Report Viewed", "Export Run", "Login"], rows),
            "Time": stamps.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Distinct ID": [f"user{a % 13}@acct{a}.com" for a in accounts.tolist()],
            "Insert ID": [f"ins-{n:08d}" for n in range(rows)],
            "Account ID": [f"A{a:05d}" for a in accounts.tolist()],
            "Feature": rng.choice(["Reports", "Dashboards", "Exports", "Admin"], rows),
            "$browser": rng.choice(["Chrome", "Firefox", "Safari"], rows),
        }
    ).to_csv(path, index=False)


def write_subscriptions(path: Path, rows: int, rng: np.random.Generator) -> None:
    """A Stripe-style subscriptions export: price per interval, quantity, start and end."""
    start = pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 1_200, rows), "D")
    ended = rng.random(rows) < 0.3
    end = (start + pd.to_timedelta(rng.integers(30, 900, rows), "D")).strftime("%Y-%m-%d")
    pd.DataFrame(
        {
            "id": [f"sub_{n:08d}" for n in range(rows)],
            "Customer ID": [f"cus_{a:05d}" for a in rng.integers(0, 10_000, rows).tolist()],
            "Plan": rng.choice(["Starter", "Pro", "Enterprise"], rows),
            "Quantity": rng.integers(1, 200, rows),
            "Interval": rng.choice(["month", "year"], rows),
            "Amount": np.round(rng.uniform(10, 5_000, rows), 2),
            "Status": np.where(ended, "canceled", "active"),
            "Start (UTC)": start.strftime("%Y-%m-%d %H:%M"),
            "Current Period End (UTC)": "2025-01-01 00:00",
            "Ended At (UTC)": np.where(ended, end, ""),
        }
    ).to_csv(path, index=False)


def measure(path: Path) -> tuple[float, float, str, int, float]:
    """(read_csv seconds, prepare seconds, kind, rows planned, the process's peak RSS in MB)."""
    t0 = time.perf_counter()
    pd.read_csv(path, dtype=str)
    baseline = time.perf_counter() - t0
    t0 = time.perf_counter()
    table = extract_table(read_raw(path, None), None)
    guess = detect_kind(table, auto_map(table.headers))
    plan = build_related_plan(
        table, auto_map(table.headers, kind=guess.kind), guess.kind, Settings()
    )
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return baseline, seconds, guess.kind, len(plan.frame), peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--usage", type=int, default=1_000_000)
    parser.add_argument("--subscriptions", type=int, default=100_000)
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    with tempfile.TemporaryDirectory() as tmp:
        files = [
            (write_usage, Path(tmp) / "events.csv", args.usage),
            (write_subscriptions, Path(tmp) / "subscriptions.csv", args.subscriptions),
        ]
        for writer, path, rows in files:
            writer(path, rows, rng)
            baseline, seconds, kind, planned, peak = measure(path)
            print(
                f"{path.name}: {rows:,} rows read as {kind}, {planned:,} planned: "
                f"prepare {seconds:.2f} s vs pandas.read_csv {baseline:.2f} s "
                f"({seconds / baseline:.1f}x); process peak RSS so far {peak:,.0f} MB"
            )


if __name__ == "__main__":
    main()
