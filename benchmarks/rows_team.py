"""Team rows (--team): a laptop client of a PostgreSQL server with 1,000,000 accounts.

The same 1,000,000-row CSV the large row imports into SQLite goes into a new PostgreSQL
database (tasks included, dated today), then the commands a CSM runs on the team's portfolio:
`accounts --format json`, `segments`, `tasks --limit 20`, each a whole process with its own
peak memory (the client's; the server's is not counted), the median of two after one untimed
run. Targets of issue 17: import under 5 minutes and 4 GB, each command under 20 s and 3 GB.

The server is named by CSPM_BENCH_PG_URL (an administrator's URL; a database is created and
dropped); without it the rows say so and fail.
"""

from __future__ import annotations

import os
import uuid

import portfolio
from measuring import Figure, Run, best, cspm, python
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

CSV_READ = "import pandas as pd; f = pd.read_csv({path!r}, dtype=str); print(len(f))"
IMPORT_CLI = "import cspm.cli"
COMMANDS = (
    ("`cspm accounts --format json`", ("accounts", "--format", "json")),
    ("`cspm segments`", ("segments",)),
    ("`cspm tasks --limit 20`", ("tasks", "--limit", "20")),
)


def team_rows(base: int = 100_000) -> list[Figure]:
    admin_url = os.environ.get("CSPM_BENCH_PG_URL")
    n = 10 * base
    if not admin_url:
        return [Figure(f"PostgreSQL, {n:,} accounts", error="CSPM_BENCH_PG_URL is not set")]
    path = portfolio.large_csv(n, base)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"cspm_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        return _rows(url, path, n)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def _rows(url: str, path: object, n: int) -> list[Figure]:
    day = str(portfolio.NEXT)
    read = python(CSV_READ.format(path=str(path))).check()
    run = cspm("--db", url, "--today", day, "import", str(path), "--as-of", day).check()
    rows = int(read.stdout.split()[-1])
    engine = create_engine(url)
    with engine.connect() as conn:
        stored = conn.execute(
            text("SELECT COUNT(*) FROM account_snapshots WHERE as_of = :d"), {"d": day}
        ).scalar_one()
        tasks = conn.execute(text("SELECT COUNT(*) FROM tasks")).scalar_one()
    engine.dispose()
    figures = [
        Figure(
            f"PostgreSQL: import {n:,} CSV rows into an empty team database, tasks included",
            seconds=run.seconds,
            baseline=read.seconds,
            baseline_what="`pandas.read_csv(dtype=str)`",
            peak_mb=run.peak_mb,
            targets=[("s", 300.0), ("MB", 4000.0)],
            mismatch=None if stored == rows else f"stored {stored:,} snapshot rows, read {rows:,}",
            note=f"peak {run.peak_mb:,.0f} MB (client); {tasks:,} tasks",
        )
    ]
    base = best([python(IMPORT_CLI).check() for _ in range(2)])
    for what, args in COMMANDS:
        cspm("--db", url, "--today", day, *args).check()  # the user's earlier command
        runs = [cspm("--db", url, "--today", day, *args).check() for _ in range(2)]
        figures.append(_command(f"PostgreSQL, {n:,} accounts: {what}", runs, base))
    return figures


def _command(what: str, runs: list[Run], base: Run) -> Figure:
    run = best(runs)
    times = ", ".join(f"{r.seconds:.2f}" for r in runs)
    return Figure(
        what,
        seconds=run.seconds,
        baseline=base.seconds,
        baseline_what="`import cspm.cli`",
        peak_mb=run.peak_mb,
        targets=[("s", 20.0), ("MB", 3000.0)],
        note=f"median of {len(runs)} ({times} s); peak {run.peak_mb:,.0f} MB (client)",
    )
