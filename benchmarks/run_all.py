"""Every benchmark of issue 16 on the one generated portfolio, as the table the README shows.

Each figure stands beside a baseline measured in the same run and its target. A benchmark whose
result disagrees with its baseline's is a MISMATCH (no ratio, and the run exits non-zero); one
that cannot run is FAILED with its error, and the other rows still run. Each group of rows runs
in its own process, and every user path that is a command is timed as a fresh `cspm` process
(start-up included) with its own peak memory.

    python benchmarks/run_all.py [--accounts 100000] [--only import,cli] [--large] [--team]
                                 [--json FILE]
                                 [--portfolio PREBUILT.sqlite3]

Groups: import (the 7th monthly xlsx into the portfolio and into an empty store), csv, cli
(accounts json/csv, tasks, outcomes, --help, an argument error), workbook, qbr, gui, segments,
guard; --large adds large (1,000,000 CSV rows into an empty store); --team adds team (those
1,000,000 accounts on the PostgreSQL server CSPM_BENCH_PG_URL names, and the commands a CSM runs
on them). The portfolio is built once
per checkout by benchmarks/portfolio.py (or copied from --portfolio, with the month-end CSV
beside it). Timings on a busy machine are upper bounds: the load average is printed at the
start and the end.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

import portfolio
from measuring import Figure, compile_bytecode, machine

GROUPS = ("import", "csv", "cli", "workbook", "qbr", "gui", "segments", "guard")
MARK = "@@run_all@@ "


# --- the rows of each group (run in the child process) ---------------------------------------


def _gui(db: Path, n: int) -> list[Figure]:
    import bench_gui

    cache = bench_gui.isolate()
    copy = portfolio.fresh_copy(db, "run-all-gui")
    lines, _notes = bench_gui.measure(copy, copy, cache)
    got = {label: (seconds, baseline) for label, seconds, _t, baseline in lines}
    wanted = [
        ("visible, first start after a change", "Window cold start to rows, no disk copy of "
         "the frames", "the service calls alone"),
        ("visible, cold start", "Window cold start to rows, with the disk copy",
         "the service calls alone"),
        ("visible, warm (reload, cached)", "Window warm reload", "the service calls alone"),
        ("switch owner filter: tasks", "Switch the owner filter with Tasks shown",
         "Tasks reload for everyone"),
        ("switch owner filter: segments", "... with Segments shown", "Segments reload, everyone"),
        ("switch owner filter: trends", "... with Trends shown", "Trends reload, everyone"),
    ]  # fmt: skip
    return [
        Figure(what, seconds=got[key][0], baseline=got[key][1], baseline_what=base,
               targets=[("s", 2.0)])
        for key, what, base in wanted
    ]  # fmt: skip


def _segments(_db: Path, n: int) -> list[Figure]:
    import bench_segments

    m = bench_segments.measure(n)
    mismatch = m["mismatch"]
    return [
        Figure(
            f"All {m['segments']} segments (built-in + 10 user), {n:,} accounts x 6 snapshots "
            "(bench_segments' own frames, in process, best of 5)",
            seconds=float(m["engine_s"]),  # type: ignore[arg-type]
            baseline=float(m["baseline_s"]),  # type: ignore[arg-type]
            baseline_what="hand-written pandas masks",
            targets=[("s", 0.5), ("x", 2.0)],
            mismatch=f"results differ in {mismatch}" if mismatch else None,
        )
    ]


def _guard(db: Path, n: int) -> list[Figure]:
    import bench_store_guard

    copy = portfolio.fresh_copy(db, "run-all-guard")
    g = bench_store_guard.measure_guard(copy)
    size = f"{n:,}-account database ({g['mb']:,.0f} MB)"
    return [
        Figure(f"Store guard: quick_check of the {size}", seconds=g["quick_check"]),
        Figure(f"Store guard: rolling backup of the {size}", seconds=g["backup"],
               baseline=g["copy"], baseline_what="a plain file copy"),
    ]  # fmt: skip


def _rows(group: str, db: Path, n: int) -> list[Figure]:
    import rows_cli
    import rows_import
    import rows_reports
    import rows_team

    table = {
        "import": rows_import.xlsx_rows,
        "csv": rows_import.csv_rows,
        "cli": rows_cli.rows,
        "workbook": rows_reports.workbook_rows,
        "qbr": rows_reports.qbr_rows,
        "gui": _gui,
        "segments": _segments,
        "guard": _guard,
        "large": lambda _db, n: rows_import.large_rows(n),
        "team": lambda _db, n: rows_team.team_rows(n),
    }
    return table[group](db, n)


def child(group: str, db: Path, n: int) -> int:
    print(MARK + json.dumps([f.to_dict() for f in _rows(group, db, n)]), flush=True)
    return 0


# --- the parent: one process per group, then the table -----------------------------------------


def run_group(group: str, db: Path, n: int, timeout: float) -> list[Figure]:
    argv = [sys.executable, __file__, "--child", group, "--accounts", str(n), "--db", str(db)]
    t0 = time.perf_counter()
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return [Figure(group, error=f"timed out after {timeout:.0f} s")]
    lines = [x for x in done.stdout.splitlines() if x.startswith(MARK)]
    if done.returncode != 0 or not lines:
        tail = (done.stderr or done.stdout).strip().splitlines()[-4:]
        return [Figure(group, error=f"exit {done.returncode}: {' | '.join(tail)}")]
    keys = Figure.__dataclass_fields__
    rows = [
        Figure(**{k: v for k, v in d.items() if k in keys})
        for d in json.loads(lines[-1][len(MARK) :])
    ]
    for f in rows:
        f.targets = [tuple(t) for t in f.targets]  # type: ignore[misc]
    print(f"  {group}: {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    return rows


def _s(seconds: float | None) -> str:
    if seconds is None:
        return ""
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:,.2f} s"


def _target(kind: str, limit: float) -> str:
    return {"s": f"< {limit:g} s", "x": f"<= {limit:g}x", "MB": f"< {limit:,.0f} MB"}[kind]


def table(rows: list[Figure]) -> str:
    out = ["| What | Measured | Baseline | Ratio | Target | Met? |", "|---|---|---|---|---|---|"]
    for f in rows:
        measured = _s(f.seconds)
        if any(kind == "MB" for kind, _ in f.targets) and f.peak_mb is not None:
            measured += f", peak {f.peak_mb:,.0f} MB"
        if f.error:
            measured = f"FAILED: {f.error}"
        elif f.note and f.seconds is None:
            measured = f.note
        base = f"{_s(f.baseline)} ({f.baseline_what})" if f.baseline is not None else ""
        ratio = "not comparable" if f.mismatch else (f"{f.ratio:.2f}x" if f.ratio else "")
        status = f"MISMATCH: {f.mismatch}" if f.mismatch else f.status
        targets = ", ".join(_target(k, v) for k, v in f.targets)
        out.append(f"| {f.what} | {measured} | {base} | {ratio} | {targets} | {status} |")
    return "\n".join(out)


def summary(rows: list[Figure], info: dict[str, object], seconds: float) -> str:
    met = [f for f in rows if f.status == "yes"]
    missed = [f for f in rows if f.status == "**MISSED**"]
    bad = [f for f in rows if f.status in ("MISMATCH", "FAILED")]
    lines = [
        f"{len(rows)} rows: {len(met)} met their target, {len(missed)} missed, "
        f"{len(bad)} mismatched or failed; the run took {seconds / 60:.1f} min.",
    ]
    lines += [f"MISSED: {f.what}" for f in missed]
    lines += [f"{f.status}: {f.what}: {f.mismatch or f.error}" for f in bad]
    return "\n".join(lines)


def header(info: dict[str, object], n: int) -> str:
    load = ", ".join(f"{x:.2f}" for x in info["load_start"])  # type: ignore[attr-defined]
    return (
        f"Measured {info['date']} on commit {info['commit']}: {info['cores']} cores, "
        f"{info['ram_gb']} GB RAM, {info['cpu']}, Python {info['python']}; load average "
        f"(1/5/15 min) {load} at the start. Portfolio: {n:,} accounts x 6 monthly snapshots "
        f"imported as a user imports them, the last dated {portfolio.TODAY} (tasks regenerated); "
        "cspm byte-compiled as an install compiles it."
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--accounts", type=int, default=100_000)
    ap.add_argument("--only", help="comma-separated groups: " + ", ".join(GROUPS) + ", large, team")
    ap.add_argument("--large", action="store_true", help="add the 1,000,000-row import")
    ap.add_argument(
        "--team",
        action="store_true",
        help="add the 1,000,000 accounts on PostgreSQL (server: CSPM_BENCH_PG_URL)",
    )
    ap.add_argument("--json", metavar="FILE", help="also write the rows and the machine as JSON")
    ap.add_argument("--portfolio", type=Path, help="a prebuilt portfolio database to copy")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per group")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(args.child, args.db, args.accounts)

    groups = args.only.split(",") if args.only else list(GROUPS)
    if args.large and "large" not in groups:
        groups.append("large")
    if args.team and "team" not in groups:
        groups.append("team")
    unknown = set(groups) - set(GROUPS) - {"large", "team"}
    if unknown:
        ap.error(f"unknown group(s): {', '.join(sorted(unknown))}")
    info = machine()
    t0 = time.perf_counter()
    home = Path(tempfile.mkdtemp(prefix="cspm-run-all-"))
    os.environ.update(  # nothing of the user's: settings, data and the frames' disk copy
        QT_QPA_PLATFORM="offscreen",
        XDG_DATA_HOME=str(home / "data"),
        CSPM_QSETTINGS_DIR=str(home / "qsettings"),
        CSPM_CACHE_DIR=str(home / "cache"),
    )
    db = prepare(args.accounts, args.portfolio)
    compile_bytecode()
    rows: list[Figure] = []
    for group in groups:
        try:
            rows += run_group(group, db, args.accounts, args.timeout)
        except Exception:
            rows.append(Figure(group, error=traceback.format_exc(limit=1).strip()))
    shutil.rmtree(home, ignore_errors=True)
    for scratch in portfolio.folder().glob("run-all-*"):  # the copies the rows changed
        if scratch.is_dir():
            shutil.rmtree(scratch)
        else:
            scratch.unlink()
    seconds = time.perf_counter() - t0
    info["load_end"] = os.getloadavg()
    print(header(info, args.accounts))
    print()
    print(table(rows))
    print()
    notes = [f"- {f.what}: {f.note}" for f in rows if f.note and f.seconds is not None]
    if notes:
        print("Notes:\n" + "\n".join(notes) + "\n")
    print(summary(rows, info, seconds))
    print("Load average at the end: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    if args.json:
        Path(args.json).write_text(
            json.dumps({"machine": info, "rows": [f.to_dict() for f in rows]}, indent=1)
        )
    return 1 if any(f.status in ("MISMATCH", "FAILED") for f in rows) else 0


def prepare(n: int, prebuilt: Path | None) -> Path:
    """The portfolio database: built once per checkout, or copied from a prebuilt one (with
    the last month-end CSV beside it, which the seventh file is made from)."""
    db = portfolio.folder() / f"portfolio-{n}-6m.sqlite3"
    if prebuilt is not None and not db.exists():
        shutil.copyfile(prebuilt, db)
        db.chmod(0o644)
    csv = f"accounts-{n}-{portfolio.TODAY}.csv"
    if prebuilt is not None and not (portfolio.folder() / csv).exists():
        shutil.copyfile(prebuilt.with_name(csv), portfolio.folder() / csv)
    db = portfolio.build_portfolio(n, 6, quiet=True)
    from cspm.service.context import AppContext

    # untimed: bring a database built by an older checkout to this code's schema, and leave the
    # disk copy of its frames in the run's cache folder, as a user's last session leaves it
    AppContext.open(str(db), today=portfolio.TODAY).close()
    return db


if __name__ == "__main__":
    sys.exit(main())
