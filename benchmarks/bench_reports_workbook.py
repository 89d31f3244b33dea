"""The 100k-account workbook (`cspm export big.xlsx`) beside a bare XlsxWriter dump of the same
cells, measured in the same run (issue 16 item 4: within 1.5x, peak memory under 1 GB).

The export runs as a whole process on a copy of the generated portfolio, twice: first with no
disk copies of the frames and outcome states (a fresh cache folder: what `run_all.py`
measures), then again with the copies the first run left (a user's later export); each run's
wall time and its own peak memory (GNU time) are printed. The baseline gathers the same
workbook data (not timed), then times only writing every table cell (Accounts, each
segment's members, Tasks) with XlsxWriter's `write_row` and default options: no formats,
charts or other sheets.

    python benchmarks/bench_reports_workbook.py [--accounts 100000] [--db PATH]
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
from measuring import cspm
from portfolio import TODAY, build_portfolio, fresh_copy


def run_export(db: Path, out: Path, cache: Path) -> tuple[float, float, float]:
    """(wall s, CPU s, peak MB) of `cspm export` as a user runs it: the peak is this process's
    own (`measuring.run`), not the largest of every child so far (`RUSAGE_CHILDREN`)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    args = ("--db", str(db), "--today", TODAY.isoformat(), "export", str(out))
    done = cspm(*args, env={"CSPM_CACHE_DIR": str(cache)}).check()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return done.seconds, cpu, done.peak_mb


def bare_dump(db: Path, out: Path) -> tuple[float, float, int]:
    """(wall s, CPU s, cells) of writing the workbook's table cells with bare XlsxWriter."""
    import xlsxwriter

    from cspm.reports.workbook_common import column_values
    from cspm.reports.workbook_sheets import (
        ACCOUNT_SHEET_COLUMNS,
        MEMBER_SHEET_COLUMNS,
        TASK_SHEET_COLUMNS,
        present,
    )
    from cspm.service.context import AppContext
    from cspm.service.export import workbook_data

    ctx = AppContext.open(str(db), today=TODAY)
    data = workbook_data(ctx, outcomes=False)
    tables = [(data.accounts, ACCOUNT_SHEET_COLUMNS), (data.tasks, TASK_SHEET_COLUMNS)]
    tables += [(m, MEMBER_SHEET_COLUMNS) for m in data.segment_members.values()]
    blocks = []
    for frame, columns in tables:
        cols = present(columns, frame)
        blocks.append(([c.header for c in cols], [column_values(frame, c) for c in cols]))
    cells = sum(len(c) * len(v[0]) if v else 0 for c, v in blocks)
    wall0, cpu0 = time.perf_counter(), time.process_time()
    wb = xlsxwriter.Workbook(str(out), {"strings_to_numbers": False, "strings_to_urls": False})
    for i, (headers, values) in enumerate(blocks):
        ws = wb.add_worksheet(f"T{i}")
        ws.write_row(0, 0, headers)
        for r, row in enumerate(zip(*values, strict=True), start=1):
            ws.write_row(r, 0, row)
    wb.close()
    return time.perf_counter() - wall0, time.process_time() - cpu0, cells


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="a portfolio to copy instead of building one")
    args = parser.parse_args()
    source = args.db or build_portfolio(args.accounts)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        db = fresh_copy(source, "workbook") if args.db is None else out / "p.sqlite3"
        if args.db is not None:
            shutil.copyfile(args.db, db)
        cache = out / "cache"  # empty: no disk copy of the frames or outcome states yet
        wall, cpu, peak = run_export(db, out / "big.xlsx", cache)
        warm_wall, _, warm_peak = run_export(db, out / "again.xlsx", cache)
        base_wall, base_cpu, cells = bare_dump(db, out / "bare.xlsx")
        size = (out / "big.xlsx").stat().st_size / 1e6
    print(f"{dt.datetime.now():%Y-%m-%d %H:%M}, load {os.getloadavg()[0]:.1f}, {cells:,} cells")
    print(f"cspm export big.xlsx:     {wall:6.1f} s wall, {cpu:6.1f} s CPU, peak {peak:,.0f} MB")
    print(f"  again (disk copies):    {warm_wall:6.1f} s wall, peak {warm_peak:,.0f} MB")
    print(f"bare XlsxWriter dump:     {base_wall:6.1f} s wall, {base_cpu:6.1f} s CPU")
    print(f"workbook size:            {size:.0f} MB")
    print(f"ratio (wall; CPU):        {wall / base_wall:6.2f}x; {cpu / base_cpu:.2f}x  target 1.5x")
    print(f"peak memory target < 1,000 MB: {'met' if peak < 1000 else 'MISSED'}")


if __name__ == "__main__":
    main()
