"""The floors under the rows `run_all.py` still misses: what the storage itself costs.

Issue 16 asks for a start without the disk copy and a first outcomes with no copy in under 2 s,
and a first 100,000-account xlsx import within 2.5x of `pandas.read_excel(calamine)`. This
measures, on the same generated portfolio and in the same run, what any code reading and
writing this storage (one SQLite row per account, one per account and snapshot) pays before
its own work:

- reading: the driver's fetch of every stored account and of the snapshot history columns a
  portfolio load reads, as the plain Python tuples `sqlite3` returns (nothing typed, nothing
  analysed), beside cspm's own read of the same frames (`load_accounts`, `load_history`);
- the past states of outcomes with no copy: the driver's tuples of the deciding snapshots
  (`load_deciding_snapshots`) of its two past quarter ends, beside cspm's read of them;
- writing: the rows a first import stores (accounts, snapshots, tasks and their events)
  copied by SQLite alone from an imported store into an empty one (`INSERT ... SELECT`, no
  Python value at all), and inserted by the driver from ready-made tuples of the columns that
  hold values (`executemany`: what any Python writer pays to bind them), beside the import's
  own time and `read_excel` of its file.

    python benchmarks/bench_floors.py [--accounts 100000]

Each floor is the best of three; the printed sums say how much of a target is left for
everything else a start or an import does (start-up, parsing, analysis, tasks).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import tempfile
import time
from pathlib import Path

import portfolio
from measuring import cspm, fastest, python

HISTORY = "account_id, as_of, import_id, arr, mrr, mau, health_score, nps, seats_active, "
HISTORY += "seats_purchased"
"""The snapshot columns a portfolio load reads (`accounts_repo.load_history`)."""
COPIED = ("imports", "accounts", "account_snapshots", "tasks", "task_events")
"""What a first import writes, in foreign-key order."""


def _fetch(db: Path, sql: str) -> int:
    con = sqlite3.connect(db)
    try:
        return len(con.execute(sql).fetchall())
    finally:
        con.close()


def read_floor(db: Path) -> dict[str, float]:
    """The driver's tuples of the accounts and the history, and cspm's typed read of both."""
    from cspm.storage import accounts_repo
    from cspm.storage.db import open_database

    accounts = fastest(lambda: _fetch(db, "SELECT * FROM accounts ORDER BY id"), 3)
    history = fastest(lambda: _fetch(db, f"SELECT {HISTORY} FROM account_snapshots"), 3)
    database = open_database(f"sqlite:///{db}", migrate=False)

    def typed() -> None:
        with database.session() as s:
            accounts_repo.load_history(s, accounts=accounts_repo.load_accounts(s))

    ours = fastest(typed, 3)
    database.dispose()
    return {"accounts": accounts, "history": history, "cspm": ours}


def outcomes_floor(db: Path, days: list[dt.date]) -> dict[str, float]:
    """The rows `cspm outcomes` derives each past day's state from when it has no copy
    (`load_deciding_snapshots`: each account's deciding snapshots up to that day): the
    driver's tuples of that select for all `days`, and cspm's typed read of the same."""
    from sqlalchemy.dialects import sqlite as sqlite_dialect

    from cspm.core.fields import FIELD_NAMES
    from cspm.core.state import deciding_import_sets
    from cspm.storage import accounts_repo, imports_repo
    from cspm.storage.db import open_database

    database = open_database(f"sqlite:///{db}", migrate=False)
    with database.session() as s:
        carried = imports_repo.carried_by_import(s)
    sets = deciding_import_sets(carried, FIELD_NAMES)
    fields = accounts_repo.carried_fields(carried)
    dialect = sqlite_dialect.dialect()
    texts = [
        str(
            accounts_repo.deciding_snapshots_select(sets, fields, day).compile(
                dialect=dialect, compile_kwargs={"literal_binds": True}
            )
        )
        for day in days
    ]

    def typed() -> None:
        with database.session() as s:
            for day in days:
                accounts_repo.load_deciding_snapshots(s, sets, fields, until=day)

    tuples = fastest(lambda: [_fetch(db, text) for text in texts], 3)
    ours = fastest(typed, 3)
    database.dispose()
    return {"tuples": tuples, "cspm": ours}


def _held_columns(con: sqlite3.Connection, table: str) -> str:
    """The columns of `table` holding any value: the ones a writer binds (cspm binds the
    fields the file carried, never a column of NULLs)."""
    names = [r[1] for r in con.execute(f"PRAGMA filled.table_info({table})")]
    counts = con.execute(
        f"SELECT {', '.join(f'count({n})' for n in names)} FROM filled.{table}"
    ).fetchone()
    return ", ".join(n for n, k in zip(names, counts, strict=True) if k)


def _store_once(filled: Path, via: str) -> dict[str, float]:
    """Store the rows of `filled` into a new empty store, table by table, `via` SQLite alone
    or the driver; the seconds each table took."""
    from cspm.storage.db import open_database

    empty = Path(tempfile.mkdtemp(prefix="cspm-floor-")) / "empty.sqlite3"
    open_database(f"sqlite:///{empty}").dispose()  # the schema a new store has, indexes and all
    con = sqlite3.connect(empty, isolation_level=None)
    con.execute(f"ATTACH DATABASE '{filled}' AS filled")
    con.execute("BEGIN IMMEDIATE")
    took: dict[str, float] = {}
    for table in COPIED:
        if via == "sqlite":
            t0 = time.perf_counter()
            con.execute(f"INSERT INTO main.{table} SELECT * FROM filled.{table}")
        else:
            held = _held_columns(con, table)
            rows = con.execute(f"SELECT {held} FROM filled.{table}").fetchall()
            marks = ", ".join("?" * len(held.split(", ")))
            t0 = time.perf_counter()
            con.executemany(f"INSERT INTO main.{table} ({held}) VALUES ({marks})", rows)
        took[table] = time.perf_counter() - t0
    con.execute("COMMIT")
    con.close()
    portfolio.clear(empty)
    return took


def write_floor(filled: Path) -> dict[str, tuple[float, float]]:
    """For each table a first import writes: (SQLite alone, the driver), best of three each."""
    runs = {via: [_store_once(filled, via) for _ in range(3)] for via in ("sqlite", "driver")}
    return {
        t: (min(r[t] for r in runs["sqlite"]), min(r[t] for r in runs["driver"])) for t in COPIED
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    args = parser.parse_args()
    db = portfolio.build_portfolio(args.accounts)
    xlsx = portfolio.next_file(args.accounts, "xlsx")

    read = read_floor(db)
    tuples = read["accounts"] + read["history"]
    print(f"Reading {args.accounts:,} accounts x 6 snapshots (no disk copy):")
    print(f"  driver tuples, every account             {read['accounts']:6.2f} s")
    print(f"  driver tuples, the history columns       {read['history']:6.2f} s")
    print(f"  cspm's typed read of both                {read['cspm']:6.2f} s")
    print(f"  floor: the driver's tuples alone take {tuples:.2f} s, {tuples / 2:.0%} of the 2 s"
          " target of a start without the disk copy, before any typing, analysis or"
          " window")  # fmt: skip

    days = [dt.date(2026, 6, 30), dt.date(2026, 9, 30)]  # the quarter ends before TODAY
    past = outcomes_floor(db, days)
    print("`cspm outcomes --by tier --period quarter` with no copy: its two past quarter ends")
    print(f"  driver tuples of the deciding snapshots  {past['tuples']:6.2f} s")
    print(f"  cspm's typed read of them                {past['cspm']:6.2f} s")
    print(f"  floor: those tuples take {past['tuples']:.2f} s, {past['tuples'] / 2:.0%} of the"
          " 2 s target, before any typing, the three analyses or the newest state")  # fmt: skip

    folder = Path(tempfile.mkdtemp(prefix="cspm-floor-"))
    first = folder / "first.sqlite3"
    day = str(portfolio.NEXT)
    imported = cspm("--db", str(first), "--today", day, "import", str(xlsx), "--as-of", day)
    imported.check()
    code = f"import pandas as pd; pd.read_excel({str(xlsx)!r}, engine='calamine')"
    baseline = min(python(code).check().seconds for _ in range(3))
    writes = write_floor(first)
    alone = sum(w[0] for w in writes.values())
    driver = sum(w[1] for w in writes.values())
    print(f"First import of {xlsx.name} into an empty store:")
    print(f"  cspm import (one run)                    {imported.seconds:6.2f} s")
    print(f"  read_excel(calamine), the baseline       {baseline:6.2f} s"
          f"  (2.5x: {2.5 * baseline:.2f} s)")  # fmt: skip
    print("  storing its rows:            SQLite alone   driver executemany")
    for table, (by_sqlite, by_driver) in writes.items():
        print(f"    {table:26s} {by_sqlite:8.2f} s {by_driver:12.2f} s")
    print(f"  floor: read_excel + SQLite alone = {baseline + alone:.2f} s"
          f" ({(baseline + alone) / baseline:.2f}x); through the driver {baseline + driver:.2f} s"
          f" ({(baseline + driver) / baseline:.2f}x), before any parsing, checking, analysis"
          " or task planning")  # fmt: skip
    portfolio.clear(first)


if __name__ == "__main__":
    main()
