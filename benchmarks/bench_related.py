"""Related exports at the issue's scale: 10,000 accounts, 100,000 subscriptions, 1,000,000 usage
events, 50,000 tickets and 100,000 contacts, written as CSV and imported through the real
command line (`cspm import FILE --kind KIND`, in process), each related import re-linking every
row in force and deriving the monthly history of every linked account.

Target (issue 15): the whole sequence under 60 s on the project's 2-core machine, peak memory
under 2 GB. Printed beside it, measured in the same run: a bare `pandas.read_csv` of the same
files (the floor any import pays to read them). The imports run in a child process so its peak
resident memory (`resource.getrusage(RUSAGE_SELF).ru_maxrss`, the kernel's high-water mark of
the process, everything included: Python, pandas, SQLite's cache) is the import's, not the
generator's. Prints the figures; asserts nothing.

    python benchmarks/bench_related.py [--scale 1.0] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _here  # noqa: F401  (measure the cspm beside this script)
import numpy as np
import pandas as pd

TODAY = dt.date(2026, 11, 23)
SIZES = {
    "accounts": 10_000,
    "subscriptions": 100_000,
    "usage": 1_000_000,
    "tickets": 50_000,
    "contacts": 100_000,
}
ORDER = ("accounts", "subscriptions", "contacts", "usage", "tickets")
"""Import order: accounts, subscriptions (usage links through them), contacts (usage and
tickets link through their e-mails), then usage and tickets."""


def _days_before(rng: np.random.Generator, n: int, low: int, high: int) -> np.ndarray:
    """n dates between `high` and `low` days before TODAY, as datetime64[D]."""
    return np.datetime64(TODAY) - rng.integers(low, high, n).astype("timedelta64[D]")


def write_files(folder: Path, scale: float, seed: int = 15) -> dict[str, Path]:
    """The five exports as CSV, in the shapes their tools write (vectorised; a few seconds)."""
    rng = np.random.default_rng(seed)
    n = {k: max(1, int(v * scale)) for k, v in SIZES.items()}
    ids = np.char.add("ACC-", np.char.zfill(np.arange(n["accounts"]).astype(str), 6))
    domains = np.char.add(np.char.add("acct", np.arange(n["accounts"]).astype(str)), ".example")
    owners = np.array(["Dana Lee", "Sam Ortiz", "Priya Nair", "Maya Chen", "Tom Berg"])
    paths = {k: folder / f"{k}.csv" for k in SIZES}

    pd.DataFrame(
        {
            "Account ID": ids,
            "Account Name": np.char.add("Company ", np.arange(n["accounts"]).astype(str)),
            "Account Owner": owners[rng.integers(0, 5, n["accounts"])],
            "Website": domains,
            "Industry": np.array(["Software", "Retail", "Health", "Finance"])[
                rng.integers(0, 4, n["accounts"])
            ],
        }
    ).to_csv(paths["accounts"], index=False)

    ns = n["subscriptions"]
    sub_acc = rng.integers(0, n["accounts"], ns)
    start = _days_before(rng, ns, 0, 730)
    ends = rng.random(ns) < 0.4
    end = start + rng.integers(30, 400, ns).astype("timedelta64[D]")
    mrr = np.round(rng.lognormal(6.5, 1.0, ns), 2)
    arr = np.where(rng.random(ns) < 0.1, np.nan, np.round(mrr * 12, 2))  # some MRR only
    sub_ids = np.char.add("sub_", np.char.zfill(np.arange(ns).astype(str), 7))
    pd.DataFrame(
        {
            "Subscription ID": sub_ids,
            "Customer ID": ids[sub_acc],
            "Plan": np.array(["Starter", "Growth", "Business", "Enterprise"])[
                rng.integers(0, 4, ns)
            ],
            "Status": np.where(ends, "canceled", "active"),
            "Quantity": rng.integers(1, 200, ns),
            "MRR": mrr,
            "ARR": arr,
            "Start Date": start.astype(str),
            "Ended At": np.where(ends, end.astype(str), ""),
        }
    ).to_csv(paths["subscriptions"], index=False)

    nc = n["contacts"]
    con_acc = rng.integers(0, n["accounts"], nc)
    emails = np.char.add(
        np.char.add(np.char.add("user", np.arange(nc).astype(str)), "@"), domains[con_acc]
    )
    no_company = rng.random(nc) < 0.1  # these link by their e-mail domain
    pd.DataFrame(
        {
            "Email": emails,
            "Associated Company ID": np.where(no_company, "", ids[con_acc]),
            "First Name": "Pat",
            "Last Name": np.char.add("Person", np.arange(nc).astype(str)),
            "Role": np.array(["User", "User", "User", "Admin", "Executive", "Analyst"])[
                rng.integers(0, 6, nc)
            ],
            "Last Login": _days_before(rng, nc, 0, 120).astype(str),
        }
    ).to_csv(paths["contacts"], index=False)

    nu = n["usage"]
    by_email = rng.random(nu) < 0.3
    pd.DataFrame(
        {
            "usage_id": np.char.add("u", np.arange(nu).astype(str)),
            "subscription_id": np.where(by_email, "", sub_ids[rng.integers(0, ns, nu)]),
            "user_email": np.where(by_email, emails[rng.integers(0, nc, nu)], ""),
            "usage_date": _days_before(rng, nu, 0, 365).astype(str),
            "feature_name": np.array(["Dashboards", "Reports", "Editor", "API", "Export"])[
                rng.integers(0, 5, nu)
            ],
            "usage_count": rng.integers(1, 20, nu),
        }
    ).to_csv(paths["usage"], index=False)

    nt = n["tickets"]
    opened = _days_before(rng, nt, 1, 540)
    solved = rng.random(nt) < 0.85
    closed = opened + rng.integers(0, 20, nt).astype("timedelta64[D]")
    closed = np.minimum(closed, np.datetime64(TODAY))
    pd.DataFrame(
        {
            "Id": np.arange(100_000, 100_000 + nt),
            "Organization": np.array(
                np.char.add("Company ", rng.integers(0, n["accounts"], nt).astype(str)),
                dtype=object,
            ),
            "Requester email": emails[rng.integers(0, nc, nt)],
            "Status": np.where(solved, "solved", "open"),
            "Priority": np.array(["Low", "Normal", "High", "Urgent"])[rng.integers(0, 4, nt)],
            "Created at": np.char.add(opened.astype(str), " 10:15:00"),
            "Solved at": np.where(solved, np.char.add(closed.astype(str), " 16:40:00"), ""),
            "Satisfaction Score": np.where(
                solved & (rng.random(nt) < 0.5), rng.integers(1, 6, nt).astype(str), ""
            ),
            "Escalated": np.where(rng.random(nt) < 0.07, "true", "false"),
        }
    ).to_csv(paths["tickets"], index=False)
    return paths


def read_csv_baseline(paths: dict[str, Path]) -> dict[str, float]:
    """Seconds of a bare `pandas.read_csv` (default engine) of each file."""
    out = {}
    for kind in ORDER:
        t0 = time.perf_counter()
        pd.read_csv(paths[kind], dtype=str, keep_default_na=False)
        out[kind] = time.perf_counter() - t0
    return out


def import_all(folder: Path, db: Path) -> None:
    """Child process: import every file through the CLI in process; print JSON figures."""
    import resource

    from cspm.cli import main

    times: dict[str, float] = {}
    outputs: dict[str, str] = {}
    for kind in ORDER:
        args = [
            "--db",
            str(db),
            "--today",
            TODAY.isoformat(),
            "import",
            str(folder / f"{kind}.csv"),
        ]
        if kind != "accounts":
            args += ["--kind", kind]
        t0 = time.perf_counter()
        code = main(args)
        times[kind] = time.perf_counter() - t0
        outputs[kind] = f"exit {code}"
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    print(json.dumps({"times": times, "exit": outputs, "peak_mb": peak_mb}))


def _history(db: Path) -> tuple[int, int, int]:
    """(accounts, snapshot rows, distinct snapshot dates) stored."""
    import sqlite3

    con = sqlite3.connect(db)
    try:
        accounts = con.execute("select count(*) from accounts").fetchone()[0]
        snaps, dates = con.execute(
            "select count(*), count(distinct as_of) from account_snapshots"
        ).fetchone()
    finally:
        con.close()
    return int(accounts), int(snaps), int(dates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the issue's sizes")
    parser.add_argument("--keep", type=Path, help="write the files and database here")
    parser.add_argument("--child", nargs=2, metavar=("FOLDER", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import_all(Path(args.child[0]), Path(args.child[1]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        paths = write_files(folder, args.scale)
        print(f"wrote the files in {time.perf_counter() - t0:.1f} s (not counted):")
        for kind in ORDER:
            rows = sum(1 for _ in paths[kind].open("rb")) - 1
            size = paths[kind].stat().st_size / 1e6
            print(f"  {paths[kind].name:20s} {rows:>10,} rows {size:7.1f} MB")
        baseline = read_csv_baseline(paths)
        db = folder / "bench_related.sqlite3"
        db.unlink(missing_ok=True)
        env = {**os.environ, "CSPM_CACHE_DIR": str(folder / "cache")}
        t0 = time.perf_counter()
        child = subprocess.run(
            [sys.executable, __file__, "--child", str(folder), str(db)],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        wall = time.perf_counter() - t0
        if child.returncode != 0 or not child.stdout.strip():
            print(child.stdout, child.stderr, sep="\n")
            raise SystemExit(f"the import child failed (exit {child.returncode})")
        figures = json.loads(child.stdout.strip().splitlines()[-1])
        times = figures["times"]
        print(f"\n{'file':15s} {'import':>9s} {'read_csv':>9s} {'ratio':>7s}  exit")
        for kind in ORDER:
            ratio = times[kind] / baseline[kind] if baseline[kind] else float("nan")
            print(
                f"{kind:15s} {times[kind]:8.2f}s {baseline[kind]:8.2f}s {ratio:6.1f}x  "
                f"{figures['exit'][kind]}"
            )
        if child.stderr.strip():
            print("the imports said on stderr:\n" + child.stderr.strip())
        total, floor = sum(times.values()), sum(baseline.values())
        print(f"{'total':15s} {total:8.2f}s {floor:8.2f}s {total / floor:6.1f}x")
        print(f"child process wall time (start-up and imports): {wall:.1f} s; target < 60 s")
        print(
            f"peak memory of the importing process: {figures['peak_mb']:,.0f} MB "
            "(getrusage ru_maxrss); target < 2,048 MB"
        )
        accounts, snaps, dates = _history(db)
        print(f"stored: {accounts:,} accounts, {snaps:,} snapshot rows on {dates} dates")


if __name__ == "__main__":
    main()
