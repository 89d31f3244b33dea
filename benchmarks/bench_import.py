"""Import speed: a 100,000-row x 22-column xlsx end to end vs a bare pandas calamine read.

Target (issue 2): the whole import (read, map, parse, validate, store, snapshot, commit) within
3x of `pandas.read_excel(path, engine="calamine")` on the same file in the same run, and a
10,000-row file in under 3 s. The import is dated the database's today, so it also regenerates
the task list, and it runs every guard a user's import runs (file checks, the store's
quick_check and rolling backup). `--csv` also imports the same rows from a CSV file, against
`pandas.read_csv`. Prints the figures and the ratios; asserts nothing.

    python benchmarks/bench_import.py [--rows 100000] [--small 10000] [--csv]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

import _here  # noqa: F401  (measure the cspm beside this script)
import numpy as np
import pandas as pd
import xlsxwriter

HEADER = [
    "Account ID",
    "Account Name",
    "Account Owner",
    "Industry",
    "Region",
    "Country",
    "Plan",
    "ARR",
    "Potential ARR",
    "Currency",
    "Seats Purchased",
    "Active Seats",
    "MAU",
    "Health Score",
    "NPS",
    "Contract Start Date",
    "Renewal Date",
    "Last Activity Date",
    "Last QBR",
    "Open Tickets",
    "Unpaid Invoices",
    "Status",
]


def write_file(path: Path, rows: int, seed: int = 1) -> None:
    """A realistic export: money as text with symbols, real date cells, IDs as text."""
    rng = np.random.default_rng(seed)
    base = dt.datetime(2024, 1, 1)
    arr = np.round(rng.lognormal(10.3, 1.0, rows), 2)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    ws = wb.add_worksheet("Accounts")
    datefmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, HEADER)
    owners = ["Dana Scully", "Fox Mulder", "Walter Skinner", "Monica Reyes", "John Doggett"]
    industries = ["Software", "Retail", "Healthcare", "Finance", "Manufacturing"]
    regions = ["EMEA", "NA", "APAC", "LATAM"]
    plans = ["Starter", "Growth", "Business", "Enterprise"]
    start = rng.integers(0, 900, rows)
    for i in range(rows):
        r = i + 1
        ws.write_string(r, 0, f"ACC-{i:06d}")
        ws.write_string(r, 1, f"Company {i} Ltd")
        ws.write_string(r, 2, owners[i % 5])
        ws.write_string(r, 3, industries[i % 5])
        ws.write_string(r, 4, regions[i % 4])
        ws.write_string(r, 5, "Germany" if i % 3 else "United States")
        ws.write_string(r, 6, plans[i % 4])
        ws.write_string(r, 7, f"${arr[i]:,.2f}")
        ws.write_number(r, 8, float(arr[i] * 0.3))
        ws.write_string(r, 9, "USD")
        ws.write_number(r, 10, int(10 + i % 200))
        ws.write_number(r, 11, int(5 + i % 180))
        ws.write_number(r, 12, int(20 + i % 900))
        ws.write_number(r, 13, int(i % 101))
        ws.write_number(r, 14, int(i % 11))
        ws.write_datetime(r, 15, base + dt.timedelta(days=int(start[i])), datefmt)
        ws.write_datetime(r, 16, base + dt.timedelta(days=int(start[i]) + 365 * 2), datefmt)
        ws.write_string(r, 17, (base + dt.timedelta(days=int(start[i]) + 300)).strftime("%m/%d/%Y"))
        ws.write_datetime(r, 18, base + dt.timedelta(days=int(start[i]) + 200), datefmt)
        ws.write_number(r, 19, int(i % 7))
        ws.write_string(r, 20, "0" if i % 10 else "$1,200.00")
        ws.write_string(r, 21, "Active" if i % 50 else "Churned")
    wb.close()


def timed(fn):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


class Stopwatch:
    """A progress callback that notes when the import starts updating the task list."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.tasks_from: float | None = None

    def __call__(self, _share: float, message: str) -> None:
        if message == "Updating tasks":
            self.tasks_from = time.perf_counter()

    def split(self, end: float) -> tuple[float, float]:
        """(seconds until the task update began, seconds of the task update)."""
        mid = self.tasks_from if self.tasks_from is not None else end
        return mid - self.start, end - mid


def measure(rows: int, folder: Path, kind: str = "xlsx") -> tuple[float, list[tuple[float, float]]]:
    """(baseline read, [(import, task update) seconds for the first import into an empty
    database, then for the next day's import of the same file into that now full database:
    what a user does daily, with its quick_check and backup of a database that holds `rows`
    accounts])."""
    from cspm.service.context import AppContext
    from cspm.service.imports import import_file

    path = folder / f"accounts_{rows}.xlsx"
    if not path.exists():
        write_file(path, rows)
    if kind == "csv":  # the same rows as a CRM's CSV export: the cells as text
        frame = pd.read_excel(path, engine="calamine", dtype=str)
        path = path.with_suffix(".csv")
        frame.to_csv(path, index=False)
        baseline, frame = timed(lambda: pd.read_csv(path))
    else:
        baseline, frame = timed(lambda: pd.read_excel(path, engine="calamine"))
    assert len(frame) == rows
    db = folder / f"bench_{rows}_{kind}.sqlite3"
    seconds: list[tuple[float, float]] = []
    for today in (dt.date(2026, 11, 23), dt.date(2026, 11, 24)):
        ctx = AppContext.open(str(db), today=today)
        watch = Stopwatch()
        result = import_file(ctx, path, progress=watch)
        seconds.append(watch.split(time.perf_counter()))
        ctx.close()
        assert result.status == "imported", result.to_dict()["problems"][:3]
        assert result.new == (rows if len(seconds) == 1 else 0), result.to_dict()
    return baseline, seconds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--small", type=int, default=10_000)
    ap.add_argument("--csv", action="store_true", help="also import the large file as CSV")
    args = ap.parse_args()
    runs = [(args.small, "small", "xlsx"), (args.rows, "large", "xlsx")]
    if args.csv:
        runs.append((args.rows, "large", "csv"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for rows, label, kind in runs:
            base, ((imp, tasks), (again, again_tasks)) = measure(rows, folder, kind)
            reader = "pandas.read_csv" if kind == "csv" else "pandas.read_excel(calamine)"
            print(
                f"{label}: {rows:,} rows x {len(HEADER)} columns, {kind}: {reader} {base:.2f} s\n"
                f"  first import end to end {imp + tasks:.2f} s = import {imp:.2f} s"
                f" ({imp / base:.2f}x the read) + task update {tasks:.2f} s\n"
                f"  next day, same file into the full database {again + again_tasks:.2f} s"
                f" = import {again:.2f} s ({again / base:.2f}x) + task update {again_tasks:.2f} s"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
