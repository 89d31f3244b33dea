"""Export speed: the full 10,000-account portfolio workbook vs a bare XlsxWriter dump.

Target (reports issue): the whole workbook (Summary with charts, Accounts with formats and
conditional formatting, Segments, Tasks, Outcomes, About) in under 10 s for 10,000 accounts.
The baseline, measured in the same run, writes the same accounts table with XlsxWriter and
nothing else (no formats, no charts, no other sheets). Prints both figures and the ratio, plus
the CSV export of the same table; asserts nothing.

    python benchmarks/bench_export.py [--accounts 10000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import _here  # noqa: F401  (measure the cspm beside this script)
import pandas as pd
import xlsxwriter

from cspm.reports.csv_report import write_csv
from cspm.reports.sample import sample_workbook_data
from cspm.reports.workbook import write_workbook

TARGET_SECONDS = 10.0


def bare_dump(path: Path, accounts: pd.DataFrame) -> None:
    """The baseline: one sheet, header + rows via write_row, no formats or charts."""
    wb = xlsxwriter.Workbook(
        str(path),
        {
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "in_memory": True,
        },
    )
    ws = wb.add_worksheet("Accounts")
    ws.write_row(0, 0, list(accounts.columns))
    rows = accounts.astype(object).where(accounts.notna(), None).itertuples(index=False)
    for r, row in enumerate(rows, start=1):
        ws.write_row(r, 0, row)
    wb.close()


def timed(fn: object, *args: object) -> float:
    start = time.perf_counter()
    fn(*args)  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    args = parser.parse_args()
    data = sample_workbook_data(args.accounts, dt.date(2026, 11, 23))
    members = sum(len(m) for m in data.segment_members.values())
    print(f"{args.accounts:,} accounts, {members:,} segment rows, {len(data.tasks):,} tasks")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        baseline = timed(bare_dump, out / "bare.xlsx", data.accounts)
        full = timed(write_workbook, out / "report.xlsx", data)
        csv = timed(write_csv, out / "accounts.csv", data.accounts)
        size = (out / "report.xlsx").stat().st_size
    verdict = "within" if full < TARGET_SECONDS else "OVER"
    print(f"bare XlsxWriter dump (baseline): {baseline:6.2f} s")
    print(f"portfolio workbook:              {full:6.2f} s  ({size / 1e6:.1f} MB)")
    print(f"ratio workbook / baseline:       {full / baseline:6.2f}x")
    print(f"CSV of the accounts table:       {csv:6.2f} s")
    print(f"target < {TARGET_SECONDS:.0f} s: {verdict}")


if __name__ == "__main__":
    main()
