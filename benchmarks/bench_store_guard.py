"""What the store's self-checks cost: quick_check, the rolling backup, and an import with both
against the same import with backups off, on a 20,000-account database. Asserts nothing.

    python benchmarks/bench_store_guard.py [--rows 20000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import _here  # noqa: F401  (measure the cspm beside this script)

from cspm.service.backup import take_rolling_backup
from cspm.service.context import AppContext
from cspm.service.import_results import ImportOptions
from cspm.service.imports import import_file
from cspm.service.settings import set_value
from cspm.storage import integrity


def write_csv(path: Path, rows: int, shift: int) -> Path:
    lines = ["Account ID,Account Name,Account Owner,ARR,Health Score,Renewal Date"]
    lines += [
        f"A{i:06d},Company {i},Dana Scully,{1000 + 37 * i + shift},{i % 101},2027-03-01"
        for i in range(rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def timed(fn, *args, **kw):  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    out = fn(*args, **kw)
    return time.perf_counter() - t, out


def measure_guard(db: Path, runs: int = 3) -> dict[str, float]:
    """The guard before a write on `db` (a portfolio copy): quick_check and the rolling backup
    (median of `runs`), beside a plain file copy of the same database (the backup's floor)."""
    import shutil
    import statistics

    ctx = AppContext.open(str(db), today=dt.date(2026, 11, 23))
    try:
        qc = statistics.median(timed(integrity.check_engine, ctx.db.engine)[0] for _ in range(runs))
        bk = statistics.median(
            timed(take_rolling_backup, ctx, "bench", runs + 1)[0] for _ in range(runs)
        )
    finally:
        ctx.close()
    copy = db.with_name(db.name + ".plain-copy")
    cp = statistics.median(timed(shutil.copyfile, db, copy)[0] for _ in range(runs))
    copy.unlink()
    return {"quick_check": qc, "backup": bk, "copy": cp, "mb": db.stat().st_size / 1e6}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=20_000)
    rows = ap.parse_args().rows
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "bench.sqlite3"
        ctx = AppContext.open(str(db), today=dt.date(2026, 11, 23))
        import_file(ctx, write_csv(folder / "a.csv", rows, 0))
        size = db.stat().st_size + Path(f"{db}-wal").stat().st_size
        qc, _ = timed(integrity.check_engine, ctx.db.engine)
        ic, _ = timed(integrity.check_engine, ctx.db.engine, full=True)
        bk, _ = timed(take_rolling_backup, ctx, "bench", 5)
        from cspm.service.store_guard import guard_write

        ctx.cache.checked = False
        guard, _ = timed(guard_write, ctx, "bench")  # fresh quick_check + backup
        figures: dict[str, list[float]] = {"backups off": [], "backups on": []}
        for i in range(6):  # interleaved, so a growing database or a busy machine hits both
            label, kept = ("backups off", "0") if i % 2 == 0 else ("backups on", "5")
            set_value(ctx, "db.backups_kept", kept)
            path = write_csv(folder / f"run-{i}.csv", rows, i + 1)
            t, _ = timed(import_file, ctx, path, ImportOptions(as_of=dt.date(2026, 11, 1 + i)))
            figures[label].append(t)
        ctx.close()
    print(f"database: {rows} accounts, {size / 1e6:.1f} MB")
    print(f"quick_check        {qc * 1000:7.0f} ms")
    print(f"integrity_check    {ic * 1000:7.0f} ms")
    print(f"rolling backup     {bk * 1000:7.0f} ms")
    print(f"guard_write        {guard * 1000:7.0f} ms (quick_check + backup)")
    off, on = min(figures["backups off"]), min(figures["backups on"])
    print(f"import, backups off {off:6.2f} s (best of 3; quick_check still runs)")
    print(f"import, backups on  {on:6.2f} s (best of 3)  ratio {on / off:.2f}")


if __name__ == "__main__":
    main()
