"""The write side of an import (issue 16 item 3), split by stage, on a copy of the shared portfolio.

The seventh monthly file of the generated 100k portfolio (10% of accounts with ARR, dates and
stage changed), dated the day after the benchmarks' today, imported into a copy of the
portfolio whose disk copy of the frames exists (as after closing the app); or, with `--empty`,
the same file into an empty store. Prints wall and CPU seconds per stage from the import's own
progress messages (read | parse + guard | write | commit + frames + analysis + tasks), the peak
memory, and the same-run baseline `pandas.read_csv(path, dtype=str)`. Asserts nothing.

    python benchmarks/bench_importstore_write.py [--accounts 100000] [--empty] [--data DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

import _here  # noqa: F401  (measure the cspm beside this script)
import numpy as np
import pandas as pd
from portfolio import TODAY, build_portfolio, folder

STAGES = {
    "Reading values": "read",
    "Comparing with stored accounts": "parse+guard",
    "Updating tasks": "write",
    "Done": "commit+after",
}


def seventh_file(source: Path, out: Path, seed: int = 7) -> Path:
    """The month-end file with 10% of its rows changed (ARR, renewal and activity dates, status)."""
    df = pd.read_csv(source, dtype=str, keep_default_na=False)
    rng = np.random.default_rng(seed)
    pick = rng.choice(len(df), len(df) // 10, replace=False)
    arr = pd.to_numeric(df.loc[pick, "ARR"], errors="coerce").fillna(1000)
    df.loc[pick, "ARR"] = (arr * rng.uniform(0.8, 1.3, len(pick))).round(0).astype(str).to_numpy()
    renewal = pd.to_datetime(df.loc[pick, "Renewal Date"], errors="coerce") + pd.Timedelta(days=365)
    df.loc[pick, "Renewal Date"] = renewal.dt.strftime("%Y-%m-%d").fillna("").to_numpy()
    df.loc[pick, "Last Activity Date"] = (TODAY + dt.timedelta(days=1)).isoformat()
    df.loc[pick, "Status"] = rng.choice(sorted(df["Status"].unique()), len(pick))
    df.to_csv(out, index=False)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--accounts", type=int, default=100_000)
    ap.add_argument("--empty", action="store_true", help="into an empty store")
    ap.add_argument("--data", type=Path, help="folder of a built portfolio and its CSVs")
    args = ap.parse_args()
    if args.data is not None:  # the lead's shared copy (read only: it is copied)
        golden = args.data / f"portfolio-{args.accounts}-6m.sqlite3"
        source = args.data / f"accounts-{args.accounts}-{TODAY}.csv"
    else:
        golden = build_portfolio(args.accounts, 6, quiet=True)
        source = folder() / f"accounts-{args.accounts}-{TODAY}.csv"
    path = seventh_file(source, folder() / f"accounts-{args.accounts}-seventh.csv")
    os.environ["CSPM_CACHE_DIR"] = tempfile.mkdtemp(prefix="cspm-bench-cache-")
    from cspm.service.context import AppContext
    from cspm.service.imports import import_file
    from cspm.service.portfolio import load_portfolio

    work = Path(tempfile.mkdtemp(prefix="cspm-bench-write-"))
    db = work / "p.sqlite3"
    today = TODAY + dt.timedelta(days=1)
    if not args.empty:
        shutil.copyfile(golden, db)
        warm = AppContext.open(str(db), today=today)
        load_portfolio(warm)
        warm.close()  # leaves the disk copy of the frames, as closing the app does
    t = time.perf_counter()
    pd.read_csv(path, dtype=str)
    baseline = time.perf_counter() - t
    ctx = AppContext.open(str(db), today=today)
    marks: list[tuple[str, float, float]] = []
    start = (time.perf_counter(), time.process_time())
    result = import_file(
        ctx,
        path,
        progress=lambda _s, m: marks.append((m, time.perf_counter(), time.process_time())),
    )
    end = (time.perf_counter(), time.process_time())
    ctx.close()
    shutil.rmtree(work, ignore_errors=True)
    prev, parts = start, []
    for message, wall, cpu in marks:
        if message in STAGES:
            parts.append(f"{STAGES[message]} {wall - prev[0]:.2f}/{cpu - prev[1]:.2f}")
            prev = (wall, cpu)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{'empty store' if args.empty else 'seventh file'}: {result.status}, new {result.new}, "
        f"updated {result.updated}; total {end[0] - start[0]:.2f} s wall / "
        f"{end[1] - start[1]:.2f} s CPU; peak {peak:.0f} MB"
    )
    print("  stages (wall/CPU s): " + "; ".join(parts))
    print(f"  baseline pandas.read_csv(dtype=str) {baseline:.2f} s")


if __name__ == "__main__":
    main()
