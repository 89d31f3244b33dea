"""Import speed: a 100,000-row x 22-column xlsx end to end vs a bare pandas calamine read.

Target (issue 2): the whole import (read, map, parse, validate, store, snapshot, commit) within
3x of `pandas.read_excel(path, engine="calamine")` on the same file in the same run, and a
10,000-row file in under 3 s. Prints both figures and the ratio; asserts nothing.

    python benchmarks/bench_import.py [--rows 100000] [--small 10000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

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


def measure(rows: int, folder: Path) -> tuple[float, float]:
    from cspm.service.context import AppContext
    from cspm.service.imports import import_file

    path = folder / f"accounts_{rows}.xlsx"
    write_file(path, rows)
    baseline, frame = timed(lambda: pd.read_excel(path, engine="calamine"))
    assert len(frame) == rows
    ctx = AppContext.open(str(folder / f"bench_{rows}.sqlite3"), today=dt.date(2026, 11, 23))
    seconds, result = timed(lambda: import_file(ctx, path))
    ctx.close()
    assert result.status == "imported" and result.new == rows, result.to_dict()["problems"][:3]
    return baseline, seconds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--small", type=int, default=10_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for rows, label in ((args.small, "small"), (args.rows, "large")):
            base, imp = measure(rows, folder)
            print(
                f"{label}: {rows:,} rows x {len(HEADER)} columns: pandas.read_excel(calamine) "
                f"{base:.2f} s; cspm import end to end {imp:.2f} s; ratio {imp / base:.2f}x"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
