"""Every figure of the README's performance table, on one generated portfolio, in one run.

The portfolio is `portfolio.build_portfolio()`: 100,000 accounts x 6 monthly snapshots,
imported as a user imports them (the last dated the benchmarks' today, tasks regenerated).
Each row runs the path a user takes in a fresh process (`python -m cspm ...` on a copy of that
database, with an empty cache folder unless the row says otherwise) and prints its wall time
beside a baseline measured in the same run, the ratio, the target and whether it was met;
rows with a memory target print the process's peak memory (max RSS of the child). A row whose
result disagrees with its baseline's (rows differ in number) prints MISMATCH and the run exits
1 instead of printing a ratio. A row that fails prints FAILED with the error and the others
still run.

    python benchmarks/run_all.py [--accounts 100000] [--only NAME ...] [--large] [--runs 3]

`--large` adds the 1,000,000-account CSV import into an empty store (target < 90 s, < 2.5 GB).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import _here
import numpy as np
import pandas as pd
from portfolio import TODAY, build_portfolio, folder

NEXT_DAY = TODAY + dt.timedelta(days=1)
CHANGED_SHARE = 0.10


@dataclass
class Row:
    name: str
    what: str
    seconds: float | None = None
    baseline: float | None = None
    baseline_what: str = ""
    target_ratio: float | None = None
    target_seconds: float | None = None
    peak_mb: float | None = None
    target_mb: float | None = None
    note: str = ""
    show_ratio: bool = True
    failed: str = ""
    mismatch: str = ""

    @property
    def met(self) -> bool | None:
        if self.failed or self.mismatch or self.seconds is None:
            return False
        ok = True
        if self.target_seconds is not None:
            ok = ok and self.seconds <= self.target_seconds
        if self.target_ratio is not None and self.baseline:
            ok = ok and self.seconds / self.baseline <= self.target_ratio
        if self.target_mb is not None and self.peak_mb is not None:
            ok = ok and self.peak_mb <= self.target_mb
        return ok


# ---- running things --------------------------------------------------------------------


def _env(cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(_here.ROOT)
    env["CSPM_CACHE_DIR"] = str(cache)
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def timed_process(
    args: list[str], cache: Path, *, stdin_ok: bool = True
) -> tuple[float, float, str]:
    """(wall seconds, peak MB of the child, stdout) of one fresh process."""
    gnu_time = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
    report = Path(tempfile.mkstemp(prefix="cspm-peak-")[1])
    wrapped = [gnu_time, "-f", "%M", "-o", str(report), *args] if gnu_time else args
    t0 = time.perf_counter()
    done = subprocess.run(wrapped, env=_env(cache), capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    try:
        peak = float(report.read_text().strip().splitlines()[-1]) / 1024
    except (OSError, ValueError, IndexError):
        peak = float("nan")  # no GNU time on this machine: memory is not measured
    report.unlink(missing_ok=True)
    if done.returncode not in (0, 2) or (done.returncode == 2 and "--format" not in args):
        raise RuntimeError(f"exit {done.returncode}: {(done.stderr or done.stdout)[-300:]}")
    return wall, peak, done.stdout


def cspm(db: Path, *words: str) -> list[str]:
    return [sys.executable, "-m", "cspm", "--db", str(db), "--today", NEXT_DAY.isoformat(), *words]


def python_code(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def median_of(runs: int, fn: Callable[[], tuple[float, float, str]]) -> tuple[float, float, str]:
    results = [fn() for _ in range(runs)]
    walls = [r[0] for r in results]
    peak = max((r[1] for r in results if r[1] == r[1]), default=float("nan"))
    return statistics.median(walls), peak, results[-1][2]


# ---- the files a user brings -----------------------------------------------------------


def seventh_month(n: int, out: Path) -> tuple[Path, Path]:
    """The next export of the portfolio: the last month's file with 10% of accounts changed
    (ARR, active seats, last activity), as xlsx (money as text, real date cells) and csv."""
    csv_path, xlsx_path = out / f"next-{n}.csv", out / f"next-{n}.xlsx"
    if csv_path.exists() and xlsx_path.exists():
        return csv_path, xlsx_path
    last = sorted(folder().glob(f"accounts-{n}-*.csv"))[-1]
    frame = pd.read_csv(last, dtype=str, keep_default_na=False)
    rng = np.random.default_rng(16)
    changed = rng.choice(len(frame), int(len(frame) * CHANGED_SHARE), replace=False)
    arr = pd.to_numeric(frame.loc[changed, "ARR"], errors="coerce")
    moved = (arr * rng.uniform(0.7, 1.3, len(changed))).round(2)
    frame.loc[changed, "ARR"] = [("" if v != v else str(v)) for v in moved.tolist()]
    frame.loc[changed, "Last Activity Date"] = NEXT_DAY.isoformat()
    frame.to_csv(csv_path, index=False)
    write_xlsx(frame, xlsx_path)
    return csv_path, xlsx_path


def write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    """As a CRM report writes it: dates as date cells, numbers as numbers, text as text."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(
        str(path),
        {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False},
    )
    ws = wb.add_worksheet("Accounts")
    datefmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    kinds = {}
    for c in frame.columns:
        if "Date" in c or c in ("Last QBR", "Last Login"):
            kinds[c] = "date"
        elif (
            pd.to_numeric(frame[c].replace("", np.nan), errors="coerce").notna().sum()
            == (frame[c] != "").sum()
        ):
            kinds[c] = "num"
        else:
            kinds[c] = "text"
    ws.write_row(0, 0, list(frame.columns))
    cols = {c: frame[c].tolist() for c in frame.columns}
    for i in range(len(frame)):
        for j, c in enumerate(frame.columns):
            v = cols[c][i]
            if v == "":
                continue
            if kinds[c] == "date":
                ws.write_datetime(i + 1, j, dt.datetime.fromisoformat(v), datefmt)
            elif kinds[c] == "num":
                ws.write_number(i + 1, j, float(v))
            else:
                ws.write_string(i + 1, j, v)
    wb.close()


# ---- the rows ----------------------------------------------------------------------------

READ_XLSX = (
    "import pandas as pd, sys; f = pd.read_excel(sys.argv[1], engine='calamine'); print(len(f))"
)
READ_CSV = "import pandas as pd, sys; f = pd.read_csv(sys.argv[1], dtype=str); print(len(f))"


def copy_db(db: Path, work: Path, name: str) -> Path:
    out = work / f"{name}.sqlite3"
    shutil.copyfile(db, out)
    return out


def fresh_cache(work: Path, name: str) -> Path:
    cache = work / f"cache-{name}"
    shutil.rmtree(cache, ignore_errors=True)
    cache.mkdir()
    return cache


def _rows_in_import(stdout: str) -> int | None:
    for line in stdout.splitlines():
        if line.strip().startswith("rows "):
            return int(line.split()[1].rstrip(":"))
    return None


def import_row(name: str, what: str, db: Path, file: Path, work: Path, ratio: float,
               baseline_code: str, runs: int, *, empty: bool = False) -> Row:  # fmt: skip
    label = (
        "`pandas.read_excel(engine='calamine')`"
        if "read_excel" in baseline_code
        else ("`pandas.read_csv(dtype=str)`")
    )
    row = Row(name, what, target_ratio=ratio, baseline_what=label + ", a fresh process")
    base, _, base_out = median_of(
        runs, lambda: timed_process([*python_code(baseline_code), str(file)], work)
    )
    row.baseline = base

    def once() -> tuple[float, float, str]:
        target = work / f"{name}.sqlite3"
        for old in target.parent.glob(target.name + "*"):
            if old.is_dir():
                shutil.rmtree(old)
            else:
                old.unlink()
        if not empty:
            shutil.copyfile(db, target)
        return timed_process(cspm(target, "import", str(file)), fresh_cache(work, name))

    row.seconds, row.peak_mb, out = median_of(runs, once)
    got, expected = _rows_in_import(out), int(base_out.strip() or 0)
    if got != expected:
        row.mismatch = f"import read {got} rows, the baseline {expected}"
    return row


def command_row(name: str, what: str, db: Path, words: list[str], work: Path, seconds: float,
                runs: int, check: Callable[[str], str] | None = None) -> Row:  # fmt: skip
    row = Row(name, what, target_seconds=seconds)
    cache = work / "cache-commands"  # the import that made the database left its disk copy
    row.seconds, row.peak_mb, out = median_of(runs, lambda: timed_process(cspm(db, *words), cache))
    if check is not None:
        row.mismatch = check(out)
    return row


def run(accounts: int, only: list[str], large: bool, runs: int) -> list[Row]:
    db = build_portfolio(accounts, 6)
    work = Path(tempfile.mkdtemp(prefix="cspm-runall-"))
    rows: list[Row] = []
    csv_path, xlsx_path = seventh_month(accounts, folder())
    first_file = sorted(folder().glob(f"accounts-{accounts}-*.csv"))[-1]
    first_xlsx = folder() / f"first-{accounts}.xlsx"
    if not first_xlsx.exists():
        write_xlsx(pd.read_csv(first_file, dtype=str, keep_default_na=False), first_xlsx)

    # the database every command row reads: the portfolio after the 7th import (its disk copy
    # of the frames written by that import's close, as on a user's laptop)
    after = copy_db(db, work, "after")
    cache = work / "cache-commands"
    cache.mkdir(exist_ok=True)
    timed_process(cspm(after, "import", str(xlsx_path)), cache)
    n_accounts = accounts

    def count_json(out: str) -> str:
        import json

        got = len(json.loads(out))
        return "" if got > 0.9 * n_accounts else f"{got} accounts printed"

    def count_csv(out: str) -> str:
        got = out.count("\n") - 1
        return "" if got > 0.9 * n_accounts else f"{got} accounts printed"

    plans: list[tuple[str, Callable[[], Row]]] = [
        ("import_xlsx", lambda: import_row(
            "import_xlsx",
            f"Import the 7th monthly {accounts:,} x 28 xlsx (10% changed), dated today, "
            "tasks included",
            db, xlsx_path, work, 1.5, READ_XLSX, runs)),
        ("import_first", lambda: import_row(
            "import_first", f"First import of a {accounts:,}-account xlsx into an empty store",
            db, first_xlsx, work, 2.5, READ_XLSX, runs, empty=True)),
        ("import_csv", lambda: import_row(
            "import_csv", "The 7th month as CSV", db, csv_path, work, 3.0, READ_CSV, runs)),
        ("accounts_json", lambda: command_row(
            "accounts_json", "`cspm accounts --format json`", after,
            ["accounts", "--format", "json"],
            work, 2.0, runs, count_json)),
        ("accounts_csv", lambda: command_row(
            "accounts_csv", "`cspm accounts --format csv`", after, ["accounts", "--format", "csv"],
            work, 2.0, runs, count_csv)),
        ("tasks", lambda: command_row(
            "tasks", "`cspm tasks --limit 20`", after, ["tasks", "--limit", "20"], work, 1.0,
            runs)),
        ("outcomes", lambda: command_row(
            "outcomes", "`cspm outcomes --by tier --period quarter`", after,
            ["outcomes", "--by", "tier", "--period", "quarter"], work, 2.0, runs)),
        ("help", lambda: command_row("help", "`cspm --help`", after, ["--help"], work, 0.3, runs)),
        ("arg_error", lambda: command_row(
            "arg_error", "An argument error (`cspm accounts --format xml`)", after,
            ["accounts", "--format", "xml"], work, 0.3, runs)),
        ("workbook", lambda: workbook_row(after, work)),
        ("qbr_pack", lambda: pack_row(after, work)),
    ]  # fmt: skip
    if large:
        plans.append(("import_1m", lambda: large_row(work)))
    for name, plan in plans:
        if only and name not in only:
            continue
        print(f"... {name}", file=sys.stderr, flush=True)
        try:
            rows.append(plan())
        except Exception as exc:  # one failing row must not hide the others
            rows.append(Row(name, name, failed=f"{type(exc).__name__}: {str(exc)[:200]}"))
    shutil.rmtree(work, ignore_errors=True)
    return rows


def workbook_row(db: Path, work: Path) -> Row:
    """`cspm export big.xlsx` against a bare XlsxWriter dump (constant memory) of the accounts
    the workbook's Accounts sheet holds (the account list as CSV, every cell written)."""
    row = Row("workbook", "The portfolio workbook (`cspm export big.xlsx`)", target_ratio=1.5,
              target_mb=1024, baseline_what="bare XlsxWriter dump of the account list")  # fmt: skip
    cache = work / "cache-commands"
    listing = work / "accounts.csv"
    _, _, out = timed_process(cspm(db, "accounts", "--format", "csv"), cache)
    listing.write_text(out, encoding="utf-8")
    dump = (
        "import sys, pandas as pd, xlsxwriter\n"
        "f = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)\n"
        "wb = xlsxwriter.Workbook(sys.argv[2], {'constant_memory': True})\n"
        "ws = wb.add_worksheet('Accounts')\n"
        "ws.write_row(0, 0, list(f.columns))\n"
        "for i, r in enumerate(f.itertuples(index=False), 1):\n"
        "    ws.write_row(i, 0, r)\n"
        "wb.close()\n"
    )
    row.baseline, _, _ = timed_process(
        [*python_code(dump), str(listing), str(work / "bare.xlsx")], cache
    )
    row.seconds, row.peak_mb, _ = timed_process(cspm(db, "export", str(work / "big.xlsx")), cache)
    return row


def pack_row(db: Path, work: Path) -> Row:
    """A QBR pack of a 5-account segment; baseline: the 1-account pack. The figure is the time
    per extra account (target < 1 s)."""
    cache = work / "cache-commands"
    rule = '{"field": "arr", "op": ">", "value": 0}'
    frame = pd.read_csv(work / "accounts.csv") if (work / "accounts.csv").exists() else None
    if frame is None:
        _, _, out = timed_process(cspm(db, "accounts", "--format", "csv"), cache)
        (work / "accounts.csv").write_text(out, encoding="utf-8")
        frame = pd.read_csv(work / "accounts.csv")
    top = frame.sort_values("arr", ascending=False).head(5)
    rule = (
        '{"any": [' + ", ".join(
            f'{{"field": "external_id", "op": "=", "value": "{x}"}}' for x in top["external_id"]
        ) + "]}"
    )  # fmt: skip
    timed_process(cspm(db, "segments", "add", "Bench pack", "--rule", rule), cache)
    one, _, _ = timed_process(
        cspm(db, "export", str(work / "one.pdf"), "--account", str(top["external_id"].iloc[0])),
        cache,
    )
    five, _, _ = timed_process(
        cspm(db, "export", str(work / "five.pdf"), "--segment", "Bench pack"), cache
    )
    per_extra = (five - one) / 4
    return Row("qbr_pack", "QBR pack: each account after the first (5-account segment)",
               seconds=per_extra, baseline=one, baseline_what="the 1-account pack",
               show_ratio=False,
               target_seconds=1.0,
               note=f"5 accounts {five:.1f} s; 50 would take about "
                    f"{one + 49 * per_extra:.0f} s")  # fmt: skip


def large_row(work: Path) -> Row:
    """1,000,000 accounts as one CSV into an empty store, tasks included."""
    big = work / "million.csv"
    base = sorted(folder().glob("accounts-100000-*.csv"))[-1]
    frame = pd.read_csv(base, dtype=str, keep_default_na=False)
    parts = []
    for k in range(10):
        part = frame.copy()
        part["Account ID"] = part["Account ID"] + f"-{k}"
        part["Account Name"] = part["Account Name"] + f" {k}"
        parts.append(part)
    pd.concat(parts).to_csv(big, index=False)
    row = Row("import_1m", "1,000,000 x 28 CSV into an empty store, tasks included",
              target_seconds=90, target_mb=2560, target_ratio=None,
              baseline_what="`pandas.read_csv(dtype=str)`")  # fmt: skip
    row.baseline, _, _ = timed_process([*python_code(READ_CSV), str(big)], work)
    row.seconds, row.peak_mb, _ = timed_process(
        cspm(work / "million.sqlite3", "import", str(big)), fresh_cache(work, "million")
    )
    return row


# ---- the table ---------------------------------------------------------------------------


def _cell(v: float | None, unit: str = "s") -> str:
    if v is None or v != v:
        return ""
    return f"{v:.2f} {unit}" if v < 10 else f"{v:.1f} {unit}"


def table(rows: list[Row]) -> str:
    out = [
        "| What | Measured | Baseline (same run) | Ratio | Peak memory | Target | Met |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        if r.failed:
            out.append(f"| {r.what} | FAILED: {r.failed} | | | | | no |")
            continue
        ratio = ""
        if r.seconds and r.baseline and r.show_ratio and not r.mismatch:
            ratio = f"{r.seconds / r.baseline:.2f}x"
        if r.mismatch:
            ratio = f"MISMATCH: {r.mismatch}"
        targets = []
        if r.target_ratio is not None:
            targets.append(f"<= {r.target_ratio}x")
        if r.target_seconds is not None:
            targets.append(f"< {r.target_seconds:g} s")
        if r.target_mb is not None:
            targets.append(f"< {r.target_mb / 1024:.1f} GB")
        base = f"{_cell(r.baseline)} ({r.baseline_what})" if r.baseline else ""
        peak = _cell(r.peak_mb, "MB") if r.peak_mb is not None else ""
        what = r.what + (f" ({r.note})" if r.note else "")
        out.append(
            f"| {what} | {_cell(r.seconds)} | {base} | {ratio} | {peak} | {', '.join(targets)} "
            f"| {'yes' if r.met else '**no**'} |"
        )
    return "\n".join(out)


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    commit = subprocess.run(["git", "-C", str(_here.ROOT), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True, check=False).stdout.strip()  # fmt: skip
    python = platform.python_version()
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GB RAM, Python {python}, commit {commit}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--only", nargs="*", default=[])
    parser.add_argument("--large", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    load_start = os.getloadavg()
    started = dt.datetime.now()
    rows = run(args.accounts, args.only, args.large, args.runs)
    load_end = os.getloadavg()
    print(f"cspm benchmarks, {started:%Y-%m-%d %H:%M}, {machine()}")
    print(f"portfolio: {args.accounts:,} accounts x 6 monthly snapshots; median of {args.runs} "
          f"fresh processes per row; load average {load_start[0]:.2f} at start, "
          f"{load_end[0]:.2f} at end")  # fmt: skip
    print()
    print(table(rows))
    bad = [r.name for r in rows if r.mismatch or r.failed]
    if bad:
        print(f"\nMISMATCH or FAILED: {', '.join(bad)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
