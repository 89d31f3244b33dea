"""The one generated portfolio every benchmark measures (issue 16: "the same generated portfolio").

100,000 accounts with six monthly snapshots by default, made by `generate_demo` and imported
through the service exactly as a user imports them: one CSV per month end, the last one dated
the benchmark's today, so its task regeneration ran and the tasks are the ones a user has.
The database is built once per checkout and size and kept in the temp folder; `fresh_copy`
gives a benchmark its own copy to change.

    python benchmarks/portfolio.py [--accounts 100000] [--snapshots 6]   # build (or reuse)

It also writes the seventh monthly file (`next_file`: a month after TODAY, 10% of the accounts
changed, as xlsx and csv the way a CRM exports them: money as text with symbols, real date
cells) and, for `run_all.py --large`, a 1,000,000-row CSV of the same shape (`large_csv`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import shutil
import tempfile
import time
from pathlib import Path

import _here  # measure the cspm beside this script
import numpy as np
import pandas as pd

TODAY = dt.date(2026, 11, 23)
"""The benchmarks' today: the last snapshot is dated it, so its import regenerated tasks."""
NEXT = dt.date(2026, 12, 23)
"""The seventh monthly file's date, and the today of the import that brings it in."""
MONEY = ("ARR", "Potential ARR", "Unpaid Invoices")
"""Columns a CRM exports as formatted text ("$12,345.00")."""
CHANGED = ("ARR", "Active Seats", "MAU", "Health Score", "NPS", "Open Tickets")
"""What moves for the 10% of accounts that changed in the seventh month."""


def folder() -> Path:
    """One folder per checkout: two checkouts compared side by side (a branch against an older
    commit) must not read each other's database, whose schema may differ."""
    tag = hashlib.sha1(str(_here.ROOT).encode()).hexdigest()[:8]
    out = Path(tempfile.gettempdir()) / f"cspm-bench-{tag}"
    out.mkdir(exist_ok=True)
    return out


def build_portfolio(n: int = 100_000, snapshots: int = 6, *, quiet: bool = False) -> Path:
    """The database of `n` accounts holding the last `snapshots` monthly snapshots of the
    generated portfolio, imported in date order (the last dated TODAY, tasks regenerated)."""
    from cspm.core.demo import generate_demo
    from cspm.service.context import AppContext
    from cspm.service.imports import ImportOptions, import_file

    db = folder() / f"portfolio-{n}-{snapshots}m.sqlite3"
    if db.exists():
        if not quiet:
            print(f"reusing {db}")
        return db
    if not quiet:
        print(f"building {db} (once) ...")
    t0 = time.perf_counter()
    partial = db.with_suffix(".building")
    clear(partial)
    ctx = AppContext.open(str(partial), today=TODAY)
    try:
        for snapshot in generate_demo(n, TODAY, months=max(13, snapshots))[-snapshots:]:
            csv = folder() / f"accounts-{n}-{snapshot.as_of}.csv"
            snapshot.frame.to_csv(csv, index=False)
            import_file(ctx, csv, ImportOptions(as_of=snapshot.as_of))
    finally:
        ctx.close()
    partial.rename(db)
    from cspm.service.backup import backups_folder

    # the rolling backups the imports took are named after the ".building" file: of no use to
    # anyone (benchmarks copy the database), so they go
    shutil.rmtree(backups_folder(partial), ignore_errors=True)
    if not quiet:
        print(f"  imported {snapshots} snapshot(s) in {time.perf_counter() - t0:.1f} s")
    return db


def fresh_copy(db: Path, name: str) -> Path:
    """A copy of the built database a benchmark may change (the original stays as built)."""
    out = db.with_name(f"{name}.sqlite3")
    clear(out)
    shutil.copyfile(db, out)
    return out


def clear(db: Path) -> None:
    """Remove a database file and what an earlier run left beside it (WAL, backups folder)."""
    for leftover in db.parent.glob(db.name + "*"):
        if leftover.is_dir():
            shutil.rmtree(leftover)
        else:
            leftover.unlink()


def _next_frame(n: int) -> pd.DataFrame:
    """The last month-end CSV moved on a month: 10% of the accounts (a fixed sample) changed,
    money as text with a currency symbol and thousands separators."""
    frame = pd.read_csv(folder() / f"accounts-{n}-{TODAY}.csv", dtype=str, keep_default_na=False)
    rng = np.random.default_rng(16)
    changed = rng.choice(len(frame), size=len(frame) // 10, replace=False)
    for col in CHANGED:
        values = pd.to_numeric(frame[col], errors="coerce").to_numpy(copy=True)
        moved = np.round(values[changed] * rng.uniform(0.7, 1.3, len(changed)))
        if col in ("Health Score", "NPS"):
            moved = np.clip(moved, 0, 100 if col == "Health Score" else 10)
        values[changed] = moved
        frame[col] = pd.Series(values).map(lambda v: "" if np.isnan(v) else f"{v:g}")
    for col in MONEY:
        values = pd.to_numeric(frame[col], errors="coerce")
        frame[col] = values.map(lambda v: "" if pd.isna(v) else f"${v:,.2f}")
    return frame


def next_file(n: int, kind: str = "xlsx") -> Path:
    """The seventh monthly file (NEXT) as `kind` ("xlsx" or "csv"), written once per size.
    In the xlsx, dates are real date cells and counts numbers; money stays text."""
    path = folder() / f"next-{n}.{kind}"
    if path.exists():
        return path
    frame = _next_frame(n)
    partial = path.with_name(path.name + ".part")
    if kind == "csv":
        frame.to_csv(partial, index=False)
    else:
        import xlsxwriter

        dates = [c for c in frame.columns if c.endswith("Date") or c in ("Last QBR", "Last Login")]
        cells: dict[str, list[object]] = {}
        for col in frame.columns:
            text = frame[col]
            if col in dates:
                parsed = pd.to_datetime(text, errors="coerce")
                cells[col] = [None if pd.isna(d) else d.to_pydatetime() for d in parsed]
            elif col not in MONEY and col != "Account ID":
                num = pd.to_numeric(text, errors="coerce")
                cells[col] = (
                    [None if pd.isna(v) else float(v) for v in num]
                    if num.notna().sum() == (text != "").sum()
                    else [v or None for v in text]
                )
            else:
                cells[col] = [v or None for v in text]
        options = {"strings_to_numbers": False, "strings_to_formulas": False,
                   "strings_to_urls": False, "constant_memory": True,
                   "default_date_format": "yyyy-mm-dd"}  # fmt: skip
        wb = xlsxwriter.Workbook(str(partial), options)
        ws = wb.add_worksheet("Accounts")
        ws.write_row(0, 0, list(frame.columns))
        for r, row in enumerate(zip(*cells.values(), strict=True), start=1):
            ws.write_row(r, 0, row)
        wb.close()
    partial.rename(path)
    return path


def large_csv(n: int = 1_000_000, base: int = 100_000) -> Path:
    """A CSV of `n` accounts of the seventh file's shape: its rows repeated with new IDs."""
    path = folder() / f"large-{n}.csv"
    if path.exists():
        return path
    frame = _next_frame(base)
    copies = []
    for k in range(-(-n // base)):
        part = frame.copy()
        part["Account ID"] = part["Account ID"] + f"-{k}"
        part["Account Name"] = part["Account Name"] + f" {k}"
        copies.append(part)
    partial = path.with_name(path.name + ".part")
    pd.concat(copies, ignore_index=True).head(n).to_csv(partial, index=False)
    partial.rename(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--snapshots", type=int, default=6)
    args = parser.parse_args()
    print(build_portfolio(args.accounts, args.snapshots))


if __name__ == "__main__":
    main()
