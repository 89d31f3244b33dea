"""Command rows: `cspm accounts --format json|csv`, `cspm tasks --limit 20`, `cspm outcomes --by
tier --period quarter`, `cspm --help` and an argument error, each a whole process as the user
types it, on a copy of the portfolio.

The data commands run once untimed first: like a user's second command, they find the disk copy
of the stored frames the first one left (`service/frame_cache.py`); the window rows measure the
start without it. Baselines: `python -c "import cspm.cli"` (what any command pays before its
work) and, for --help and the error, a bare `python -c pass`.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import portfolio
from measuring import Figure, Run, best, cspm, python, repeat

IMPORT_CLI = "import cspm.cli"


def _data(db: Path, *args: str) -> Run:
    return cspm("--db", str(db), "--today", str(portfolio.TODAY), *args)


def _row(what: str, runs: list[Run], base: list[Run], target: float, base_what: str) -> Figure:
    run, b = best(runs), best(base)
    times = ", ".join(f"{r.seconds:.2f}" for r in runs)
    return Figure(
        what,
        seconds=run.seconds,
        baseline=b.seconds,
        baseline_what=base_what,
        peak_mb=run.peak_mb,
        targets=[("s", target)],
        note=f"median of {len(runs)} ({times} s); peak {run.peak_mb:,.0f} MB",
    )


def rows(db: Path, n: int) -> list[Figure]:
    copy = portfolio.fresh_copy(db, "run-all-cli")
    _data(copy, "accounts", "--format", "json").check()  # leaves the disk copy, as a user's
    base = [python(IMPORT_CLI).check() for _ in range(3)]
    bare = [python("pass").check() for _ in range(3)]
    base_what = "`python -c 'import cspm.cli'`"
    out: list[Figure] = []

    as_json = repeat(lambda: _data(copy, "accounts", "--format", "json"), 2.0)
    as_csv = repeat(lambda: _data(copy, "accounts", "--format", "csv"), 2.0)
    records = len(json.loads(as_json[0].stdout))
    lines = sum(1 for _ in csv.reader(io.StringIO(as_csv[0].stdout))) - 1
    for label, runs in (("json", as_json), ("csv", as_csv)):
        figure = _row(
            f"`cspm accounts --format {label}` ({n:,} accounts)", runs, base, 2.0, base_what
        )
        if records != lines or records == 0:
            figure.mismatch = f"json has {records:,} accounts, csv {lines:,}"
        out.append(figure)

    tasks = repeat(lambda: _data(copy, "tasks", "--limit", "20"), 1.0)
    out.append(_row("`cspm tasks --limit 20`", tasks, base, 1.0, base_what))
    if not tasks[0].stdout.strip():
        out[-1].mismatch = "printed no tasks"

    outcomes = repeat(lambda: _data(copy, "outcomes", "--by", "tier", "--period", "quarter"), 2.0)
    out.append(
        _row(
            "`cspm outcomes --by tier --period quarter` (6 monthly snapshots)",
            outcomes,
            base,
            2.0,
            base_what,
        )
    )
    if not outcomes[0].stdout.strip():
        out[-1].mismatch = "printed no outcomes"

    helps = repeat(lambda: cspm("--help"), 0.3)
    out.append(_row("`cspm --help`", helps, bare, 0.3, "`python -c pass`"))

    def bad() -> Run:
        run = cspm("accounts", "--format", "yaml")
        if run.returncode != 2 or "invalid choice" not in run.stderr:
            raise RuntimeError(f"expected an argument error, got exit {run.returncode}")
        run.returncode = 0  # the error is what is measured
        return run

    out.append(
        _row(
            "An argument error (`cspm accounts --format yaml`)",
            repeat(bad, 0.3),
            bare,
            0.3,
            "`python -c pass`",
        )
    )
    return out
