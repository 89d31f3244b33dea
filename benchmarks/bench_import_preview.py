"""The wizard's preview before an import: big changes against 100,000 stored accounts.

The worst case: every account of a 100,000-row portfolio is in the file with other values (a
different seed: most ARRs move by more than half, many tiers and stages change). Prints, for
the same file in the same run, the time to prepare the import (read, map, parse: what the
wizard already waits for) beside the time of `big_changes` (the comparison the validation page
runs in a worker before Import is enabled) and of the values preview. Asserts nothing.

`--same` measures the everyday case instead: the same file again (nothing big changes).

    python benchmarks/bench_import_preview.py [--rows 100000] [--same]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

import _here  # noqa: F401  (measure the cspm beside this script)
from bench_import import write_file


def main() -> int:
    from cspm.service.context import AppContext
    from cspm.service.import_preview import big_changes, value_preview
    from cspm.service.imports import ImportOptions, import_file, prepare_import
    from cspm.service.portfolio import load_portfolio

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--same", action="store_true", help="the same file again (the daily case)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        first, second = folder / "first.xlsx", folder / "second.xlsx"
        write_file(first, args.rows, seed=1)
        write_file(second, args.rows, seed=1 if args.same else 2)
        ctx = AppContext.open(str(folder / "bench.sqlite3"), today=dt.date(2026, 11, 23))
        assert import_file(ctx, first).status == "imported"
        load_portfolio(ctx)  # as in the window, which shows the portfolio behind the wizard
        t0 = time.perf_counter()
        prepared = prepare_import(ctx, second, ImportOptions())
        t1 = time.perf_counter()
        changes = big_changes(ctx, prepared)
        t2 = time.perf_counter()
        value_preview(ctx, prepared)
        t3 = time.perf_counter()
        ctx.close()
    print(
        f"{args.rows:,} stored accounts, a file of {args.rows:,} rows"
        f" {'with the same values' if args.same else 'with other values'}:\n"
        f"  prepare (read, map, parse; baseline) {t1 - t0:.2f} s\n"
        f"  big changes {t2 - t1:.2f} s ({(t2 - t1) / (t1 - t0):.2f}x the prepare):"
        f" {changes.summary()}\n"
        f"  values preview (first 5 rows) {t3 - t2:.3f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
