"""The read side of an import: file -> prepared import (read, header, map, parse, validate).

Prints, for the 100,000 x 22 xlsx of `bench_import.py` and the same rows as CSV, the CPU
seconds of `read_cells` and of `prepare_any` on those cells, beside the same-run baseline
(`pandas.read_excel(engine="calamine")`, `pandas.read_csv(dtype=str)`) and the ratio. CPU time
(`time.process_time`) because the project machine is shared; medians of `--runs`. Asserts
nothing; the whole import's figures are `bench_import.py`'s.

    python benchmarks/bench_importread.py [--rows 100000] [--runs 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import _here  # noqa: F401  (measure the cspm beside this script)
import pandas as pd
from bench_import import write_file


def cpu(fn: Callable[[], object]) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    from cspm.service.context import AppContext
    from cspm.service.imports import ImportOptions, prepare_any, read_cells

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        xlsx = folder / "accounts.xlsx"
        write_file(xlsx, args.rows)
        csv = xlsx.with_suffix(".csv")
        pd.read_excel(xlsx, engine="calamine", dtype=str).to_csv(csv, index=False)
        ctx = AppContext.open(str(folder / "db.sqlite3"), today=dt.date(2026, 11, 23))
        baselines: dict[Path, Callable[[], object]] = {
            xlsx: lambda: pd.read_excel(xlsx, engine="calamine"),
            csv: lambda: pd.read_csv(csv, dtype=str),
        }
        for path, baseline in baselines.items():
            base, read, prep = [], [], []
            for _ in range(args.runs):
                base.append(cpu(baseline))
                start = time.process_time()
                cells = read_cells(path)
                read.append(time.process_time() - start)
                start = time.process_time()
                prepare_any(ctx, cells, ImportOptions())
                prep.append(time.process_time() - start)
            b, r, p = (statistics.median(x) for x in (base, read, prep))
            print(
                f"{path.suffix[1:]} {args.rows:,} rows: baseline {b:.2f} s CPU; read {r:.2f} s "
                f"({r / b:.2f}x) + prepare {p:.2f} s ({p / b:.2f}x) = {(r + p) / b:.2f}x"
            )
        ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
