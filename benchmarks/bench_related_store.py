"""Related import speed: 10,000 accounts, then 100,000 subscriptions and 1,000,000 usage
events (linked through their subscription IDs) imported and their monthly history derived,
each beside a bare `pandas.read_csv` of the same file in the same run; peak memory printed.

The full benchmark of issue 15 (with tickets and contacts, target < 60 s in all) is
`bench_related.py`; this one measures the store's part: one transaction per file, rows
written in bulk, links, the derived history and the state re-derived. Asserts nothing.

    python benchmarks/bench_related_store.py [--accounts 10000] [--subs 100000] [--usage 1000000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import tempfile
import time
from pathlib import Path

import _here  # noqa: F401  (measure the cspm beside this script)
import numpy as np
import pandas as pd

TODAY = dt.date(2026, 11, 23)


def write_files(folder: Path, accounts: int, subs: int, usage: int, seed: int = 7) -> list[Path]:
    """A CRM accounts export, a Stripe-like subscriptions export and a product-analytics
    usage export (subscription ID and user e-mail per event, no account ID)."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"ACC-{i:06d}" for i in range(accounts)], dtype=object)
    acc = pd.DataFrame(
        {
            "Account ID": ids,
            "Account Name": [f"Company {i} Ltd" for i in range(accounts)],
            "Website": [f"https://www.company{i}.example" for i in range(accounts)],
            "Account Owner": np.array(["Dana Scully", "Fox Mulder", "Monica Reyes"])[
                np.arange(accounts) % 3
            ],
            "Industry": np.array(["Software", "Retail", "Finance"])[np.arange(accounts) % 3],
        }
    )
    base = np.datetime64("2023-01-01")
    start = base + rng.integers(0, 1300, subs).astype("timedelta64[D]")
    length = rng.integers(90, 900, subs).astype("timedelta64[D]")
    end = start + length
    end_text = pd.Series(pd.to_datetime(end).strftime("%Y-%m-%d"))
    end_text[(rng.random(subs) < 0.6) | (end > np.datetime64(TODAY))] = ""
    sub_ids = np.array([f"sub_{i:07d}" for i in range(subs)], dtype=object)
    owner = rng.integers(0, accounts, subs)
    sub = pd.DataFrame(
        {
            "Subscription ID": sub_ids,
            "Customer ID": ids[owner],
            "Plan": np.array(["Starter", "Growth", "Business", "Enterprise"])[
                rng.integers(0, 4, subs)
            ],
            "Status": "active",
            "Current Period Start": pd.to_datetime(start).strftime("%Y-%m-%d"),
            "Ended At": end_text,
            "MRR": np.round(rng.lognormal(5.5, 1.0, subs), 2),
            "Quantity": rng.integers(1, 50, subs),
        }
    )
    which = rng.integers(0, subs, usage)
    day = base + rng.integers(900, 1420, usage).astype("timedelta64[D]")
    use = pd.DataFrame(
        {
            "Event ID": [f"evt_{i:08d}" for i in range(usage)],
            "Subscription ID": sub_ids[which],
            "User Email": [
                f"user{i % 40}@company{o}.example"
                for i, o in zip(range(usage), owner[which], strict=True)
            ],
            "Event Date": pd.to_datetime(day).strftime("%Y-%m-%d"),
            "Event Count": rng.integers(1, 20, usage),
            "Feature": np.array(["reports", "dashboards", "export", "api"])[
                rng.integers(0, 4, usage)
            ],
        }
    )
    paths = [folder / "accounts.csv", folder / "subscriptions.csv", folder / "usage.csv"]
    for frame, path in zip((acc, sub, use), paths, strict=True):
        frame.to_csv(path, index=False)
    return paths


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--accounts", type=int, default=10_000)
    ap.add_argument("--subs", type=int, default=100_000)
    ap.add_argument("--usage", type=int, default=1_000_000)
    args = ap.parse_args()
    from cspm.service.context import AppContext
    from cspm.service.imports import ImportOptions, import_file

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = write_files(folder, args.accounts, args.subs, args.usage)
        ctx = AppContext.open(str(folder / "bench.sqlite3"), today=TODAY)
        total_import = total_read = 0.0
        for path, kind in zip(paths, ("accounts", "subscriptions", "usage"), strict=True):
            t0 = time.perf_counter()
            rows = len(pd.read_csv(path))
            read = time.perf_counter() - t0
            t0 = time.perf_counter()
            result = import_file(ctx, path, ImportOptions(kind=kind))
            took = time.perf_counter() - t0
            total_import, total_read = total_import + took, total_read + read
            extra = ""
            if result.related is not None:
                r = result.related
                extra = (
                    f"; linked {r.linked:,}, unlinked {r.unlinked:,}, history of {r.accounts:,} "
                    f"accounts {r.first_date} to {r.last_date} ({r.snapshots:,} snapshots)"
                )
            print(
                f"{path.name}: {rows:,} rows: import {took:.2f} s, pandas.read_csv {read:.2f} s "
                f"({took / read:.1f}x){extra}; status {result.status}"
            )
        ctx.close()
        print(
            f"total: import {total_import:.2f} s, pandas.read_csv {total_read:.2f} s; "
            f"peak memory {peak_mb():,.0f} MB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
