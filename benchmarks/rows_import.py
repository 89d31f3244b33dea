"""Import rows: `cspm import` of the seventh monthly file (xlsx and csv) into a copy of the
portfolio and its undo, the first import of that file into an empty store, and (--large) 1,000,000 CSV rows
into an empty store, each beside a bare pandas read of the same file in a fresh process.

The import is dated its today (NEXT), so it regenerates tasks, and runs every guard a user's
import runs; the portfolio copy is first opened once, untimed, as the user's own database was
opened before their import (`_as_left`). Its result must agree with the read: as many snapshot
rows stored on NEXT as the read has rows, else the row is a MISMATCH.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import portfolio
from measuring import Figure, Run, cspm, python

XLSX_READ = "import pandas as pd; f = pd.read_excel({path!r}, engine='calamine'); print(len(f))"
CSV_READ = "import pandas as pd; f = pd.read_csv({path!r}, dtype=str); print(len(f))"


def _stored(db: Path) -> int:
    """Snapshot rows stored on NEXT (what the import wrote for the file)."""
    with sqlite3.connect(db) as con:
        (count,) = con.execute(
            "SELECT COUNT(*) FROM account_snapshots WHERE as_of = ?", (str(portfolio.NEXT),)
        ).fetchone()
    return int(count)


def _import(db: Path, path: Path) -> Run:
    day = str(portfolio.NEXT)
    return cspm("--db", str(db), "--today", day, "import", str(path), "--as-of", day).check()


def _as_left(db: Path) -> Path:
    """The copy as a user's database is before their import: opened by cspm before (its
    integrity check recorded, the disk copy of its frames in the cache folder), untimed. A
    fresh copy at a new path would otherwise pay both (about 5 s at 100k) on the import."""
    cspm("--db", str(db), "--today", str(portfolio.TODAY), "accounts", "--format", "csv").check()
    return db


def _figure(what: str, run: Run, read: Run, db: Path, target: float, base: str) -> Figure:
    rows = int(read.stdout.split()[-1])
    stored = _stored(db)
    return Figure(
        what,
        seconds=run.seconds,
        baseline=read.seconds,
        baseline_what=base,
        peak_mb=run.peak_mb,
        targets=[("x", target)],
        mismatch=None if stored == rows else f"stored {stored:,} snapshot rows, read {rows:,}",
        note=f"peak {run.peak_mb:,.0f} MB; read peak {read.peak_mb:,.0f} MB",
    )


def xlsx_rows(db: Path, n: int) -> list[Figure]:
    """The seventh month's xlsx into the portfolio, then into an empty store; the reads are
    interleaved with the imports so a busy moment hits both."""
    path = portfolio.next_file(n, "xlsx")
    base = "`pandas.read_excel(calamine)`"
    read = python(XLSX_READ.format(path=str(path))).check()
    copy = _as_left(portfolio.fresh_copy(db, "run-all-import"))
    full = _import(copy, path)
    size = f"{n:,} accounts"
    imported = _figure(
        f"Import the 7th monthly xlsx ({size}, 10% changed) into the portfolio, dated "
        "today, tasks included (`cspm import`)",
        full,
        read,
        copy,
        1.5,
        base,
    )
    undone = _undo_figure(copy, full)
    read2 = python(XLSX_READ.format(path=str(path))).check()
    empty = copy.with_name("run-all-empty.sqlite3")
    portfolio.clear(empty)
    first = _import(empty, path)
    return [
        imported,
        undone,
        _figure(
            f"First import of that xlsx into an empty store ({size}, every task new)",
            first,
            read2,
            empty,
            2.5,
            base,
        ),
    ]


def _undo_figure(db: Path, imported: Run) -> Figure:
    """`cspm imports undo` of the import just made (its wrong mapping noticed at once),
    tasks included, beside that import's own time: taking a file back should cost no more
    than bringing it in. It must leave no snapshot of NEXT."""
    day = str(portfolio.NEXT)
    run = cspm("--db", str(db), "--today", day, "imports", "undo").check()
    left = _stored(db)
    return Figure(
        "... that import undone (`cspm imports undo`: snapshots removed, every account "
        "re-derived, tasks included)",
        seconds=run.seconds,
        baseline=imported.seconds,
        baseline_what="the import it takes back",
        peak_mb=run.peak_mb,
        targets=[("x", 1.0)],
        mismatch=None if left == 0 else f"{left:,} snapshot rows of the undone import left",
        note=f"peak {run.peak_mb:,.0f} MB",
    )


def csv_rows(db: Path, n: int) -> list[Figure]:
    """The same seventh month as CSV into the portfolio, against `read_csv(dtype=str)`."""
    path = portfolio.next_file(n, "csv")
    read = python(CSV_READ.format(path=str(path))).check()
    copy = _as_left(portfolio.fresh_copy(db, "run-all-import-csv"))
    run = _import(copy, path)
    # The same import on a day whose tasks were brought up to date before it (the window was
    # open that morning): regeneration plans only the accounts whose trigger inputs changed.
    same_day = _as_left(portfolio.fresh_copy(db, "run-all-import-csv-sameday"))
    day = str(portfolio.NEXT)
    cspm("--db", str(same_day), "--today", day, "tasks", "--limit", "1").check()
    again = _import(same_day, path)
    what = f"Import the 7th monthly CSV ({n:,} accounts) into the portfolio, dated today"
    base = "`pandas.read_csv(dtype=str)`"
    return [
        _figure(f"{what}, tasks included", run, read, copy, 3.0, base),
        _figure(
            "... the same, after that day's tasks were brought up to date (the window was "
            "open that morning: only changed accounts are re-planned)",
            again,
            read,
            same_day,
            3.0,
            base,
        ),
    ]


def large_rows(base: int = 100_000) -> list[Figure]:
    """Ten times the portfolio's accounts (1,000,000 at 100k) as CSV rows into an empty store,
    tasks included: < 90 s and < 2.5 GB."""
    n = 10 * base
    path = portfolio.large_csv(n, base)
    read = python(CSV_READ.format(path=str(path))).check()
    empty = portfolio.folder() / "run-all-large.sqlite3"
    portfolio.clear(empty)
    run = _import(empty, path)
    figure = _figure(
        f"Import {n:,} CSV rows into an empty store, tasks included",
        run,
        read,
        empty,
        float("inf"),
        "`pandas.read_csv(dtype=str)`",
    )
    figure.targets = [("s", 90.0), ("MB", 2500.0)]
    return [figure]
