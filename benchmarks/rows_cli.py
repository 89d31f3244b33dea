"""Command rows: `cspm accounts --format json|csv`, `cspm tasks --limit 20`, `cspm outcomes --by
tier --period quarter` (its first run after an import and a later run), `cspm --help` and an
argument error, each a whole process as the user types it, on a copy of the portfolio.

What a user meets is their second command, not the very first on a new machine: every data
command runs once untimed before its timed runs, so it finds the disk copies a previous command
left (the stored frames, `service/frame_cache.py`; the analysed portfolio,
`service/analysed_copy.py`; outcomes' analysed states, `service/outcome_states.py`), and the
figure is the median of three runs. The window rows measure the start without the frames'
copy. Outcomes has three rows: right after importing a seventh month on a fresh copy (the
copies its run before the import left in place: a user who looks at outcomes every month), with
no copy at all (the states' and the analysed portfolio's copies removed before each run: the
first look on a new machine), and a later run. Baselines: `python -c "import cspm.cli"` (what
any command pays before its work) and, for --help and the error, a bare `python -c pass`.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable
from pathlib import Path

import portfolio
from measuring import Figure, Run, best, cspm, python

IMPORT_CLI = "import cspm.cli"
RUNS = 3
"""Timed runs per row (the median is shown)."""


def _data(db: Path, *args: str) -> Run:
    return cspm("--db", str(db), "--today", str(portfolio.TODAY), *args)


def _timed(fn: Callable[[], Run], *, warm: bool = True, most: int = RUNS) -> list[Run]:
    """`most` timed runs of `fn`, after one untimed run when `warm` (the user's earlier
    command); one timed run only when it is past 30 s (a median of such runs would change no
    verdict, only the length of the whole benchmark)."""
    if warm:
        fn().check()
    first = fn().check()
    if first.seconds > 30:
        return [first]
    return [first] + [fn().check() for _ in range(most - 1)]


def _row(
    what: str, runs: list[Run], base: list[Run], target: float, base_what: str, how: str = ""
) -> Figure:
    run, b = best(runs), best(base)
    times = ", ".join(f"{r.seconds:.2f}" for r in runs)
    return Figure(
        what,
        seconds=run.seconds,
        baseline=b.seconds,
        baseline_what=base_what,
        peak_mb=run.peak_mb,
        targets=[("s", target)],
        note=f"{how}median of {len(runs)} ({times} s); peak {run.peak_mb:,.0f} MB",
    )


def _forget_outcome_states() -> None:
    """Remove outcomes' disk copies of past states and the analysed portfolio's (what an
    import makes stale; the frames' copy an import leaves stays)."""
    folder = Path(os.environ.get("CSPM_CACHE_DIR", ""))
    if folder.is_dir():
        for copy in [*folder.glob("outcomes-*.pkl"), *folder.glob("analysed-*.pickle")]:
            copy.unlink()


OUTCOMES = ("outcomes", "--by", "tier", "--period", "quarter")


def _after_import(db: Path, n: int) -> Run:
    """The user's path after a monthly import: they had looked at outcomes (its copies are in
    place), import the seventh month (untimed), then ask again. Fresh copy per run."""
    copy = portfolio.fresh_copy(db, "run-all-outcomes")
    _data(copy, *OUTCOMES).check()
    day = str(portfolio.NEXT)
    path = portfolio.next_file(n, "csv")
    cspm("--db", str(copy), "--today", day, "import", str(path), "--as-of", day).check()
    return cspm("--db", str(copy), "--today", day, *OUTCOMES)


def _outcome_rows(db: Path, copy: Path, n: int, base: list[Run], base_what: str) -> list[Figure]:
    """Outcomes three ways: after an import (past states adopted from the copy made before
    it, the new month from the stored accounts), on a machine with no copies at all, and a
    later run; the first two are checked to agree with a later run on the same data."""
    what = "`cspm outcomes --by tier --period quarter` (6 monthly snapshots)"

    def nothing_kept() -> Run:
        _forget_outcome_states()
        return _data(copy, *OUTCOMES)

    after = _timed(lambda: _after_import(db, n), warm=False, most=1)
    first = _timed(nothing_kept, warm=False)
    later = _timed(lambda: _data(copy, *OUTCOMES), warm=False)  # the first left its copy
    out = [
        _row(
            f"{what} right after importing a 7th month (it had been run before the import)",
            after,
            base,
            2.0,
            base_what,
            "the copies outcomes left before the import in place; ",
        ),
        _row(
            f"{what}, with no copy at all (first ever on this machine)",
            first,
            base,
            2.0,
            base_what,
            "no disk copy of the analysed past states nor of today's analysis (removed "
            "before each run); ",
        ),
        _row("... a later run", later, base, 2.0, base_what, "the states' disk copy in place; "),
    ]
    if not first[0].stdout.strip() or first[0].stdout != later[0].stdout:
        out[-2].mismatch = out[-1].mismatch = "the first and a later run print different outcomes"
    if not after[0].stdout.strip() or "2026-Q4" not in after[0].stdout:
        out[0].mismatch = "printed no outcomes for the imported quarter"
    return out


def rows(db: Path, n: int) -> list[Figure]:
    copy = portfolio.fresh_copy(db, "run-all-cli")
    base = [python(IMPORT_CLI).check() for _ in range(RUNS)]
    bare = [python("pass").check() for _ in range(RUNS)]
    base_what = "`python -c 'import cspm.cli'`"
    warm = "after one untimed run (the disk copy of the frames in place); "
    out: list[Figure] = []

    as_json = _timed(lambda: _data(copy, "accounts", "--format", "json"))
    as_csv = _timed(lambda: _data(copy, "accounts", "--format", "csv"))
    records = len(json.loads(as_json[0].stdout))
    lines = sum(1 for _ in csv.reader(io.StringIO(as_csv[0].stdout))) - 1
    for label, runs in (("json", as_json), ("csv", as_csv)):
        what = f"`cspm accounts --format {label}` ({n:,} accounts)"
        figure = _row(what, runs, base, 2.0, base_what, warm)
        if records != lines or records == 0:
            figure.mismatch = f"json has {records:,} accounts, csv {lines:,}"
        out.append(figure)

    tasks = _timed(lambda: _data(copy, "tasks", "--limit", "20"))
    out.append(_row("`cspm tasks --limit 20`", tasks, base, 1.0, base_what, warm))
    if not tasks[0].stdout.strip():
        out[-1].mismatch = "printed no tasks"

    out += _outcome_rows(db, copy, n, base, base_what)

    helps = _timed(lambda: cspm("--help"), warm=False)
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
            _timed(bad, warm=False),
            bare,
            0.3,
            "`python -c pass`",
        )
    )
    return out
