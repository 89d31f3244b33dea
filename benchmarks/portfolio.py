"""The one generated portfolio every benchmark measures (issue 16: "the same generated portfolio").

100,000 accounts with six monthly snapshots by default, made by `generate_demo` and imported
through the service exactly as a user imports them: one CSV per month end, the last one dated
the benchmark's today, so its task regeneration ran and the tasks are the ones a user has.
The database is built once per checkout and size and kept in the temp folder; `fresh_copy`
gives a benchmark its own copy to change.

    python benchmarks/portfolio.py [--accounts 100000] [--snapshots 6]   # build (or reuse)
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

TODAY = dt.date(2026, 11, 23)
"""The benchmarks' today: the last snapshot is dated it, so its import regenerated tasks."""


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
    for leftover in partial.parent.glob(partial.name + "*"):
        leftover.unlink()
    ctx = AppContext.open(str(partial), today=TODAY)
    try:
        for snapshot in generate_demo(n, TODAY, months=max(13, snapshots))[-snapshots:]:
            csv = folder() / f"accounts-{n}-{snapshot.as_of}.csv"
            snapshot.frame.to_csv(csv, index=False)
            import_file(ctx, csv, ImportOptions(as_of=snapshot.as_of))
    finally:
        ctx.close()
    partial.rename(db)
    if not quiet:
        print(f"  imported {snapshots} snapshot(s) in {time.perf_counter() - t0:.1f} s")
    return db


def fresh_copy(db: Path, name: str) -> Path:
    """A copy of the built database a benchmark may change (the original stays as built)."""
    out = db.with_name(f"{name}.sqlite3")
    for leftover in out.parent.glob(out.name + "*"):
        leftover.unlink()
    shutil.copyfile(db, out)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--snapshots", type=int, default=6)
    args = parser.parse_args()
    print(build_portfolio(args.accounts, args.snapshots))


if __name__ == "__main__":
    main()
