"""The read of an import file beside the read of the stored accounts (service.import_prefetch).

For a copy of a portfolio database and the next monthly file, prints the wall and CPU time of
`prepare_any(file)` followed by `stored_frames` (what `cspm import` does before it writes),
with the stored frames read one after the other (the size floor raised out of reach) and
read in a second thread while the file is (the default), alternating, from a fresh context
with nothing held. The overlap pays where calamine (xlsx) or pandas' C tokenizer (csv)
releases the GIL and a second core is free: on a busy machine the two agree (cspm itself
skips the thread when the load average says no core is free; here it is forced). Asserts
nothing; prints medians.

    python benchmarks/bench_importread_overlap.py PORTFOLIO.sqlite3 NEXT.xlsx [--runs 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import _here  # noqa: F401  (measure the cspm beside this script)

TODAY = dt.date(2026, 11, 23)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("portfolio", type=Path, help="a portfolio database (copied, never opened)")
    ap.add_argument("file", type=Path, help="the file to prepare (xlsx or csv)")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CSPM_CACHE_DIR"] = str(Path(tmp) / "cache")  # no disk copy of the frames
        from cspm.service import import_prefetch
        from cspm.service.context import AppContext
        from cspm.service.imports import ImportOptions, prepare_any
        from cspm.service.portfolio import stored_frames

        db = Path(tmp) / "portfolio.sqlite3"
        shutil.copyfile(args.portfolio, db)
        floor = import_prefetch.MIN_FILE_BYTES
        times: dict[str, list[tuple[float, float]]] = {"one after the other": [], "overlapped": []}
        for _ in range(args.runs):
            for mode in times:
                import_prefetch.MIN_FILE_BYTES = 10**15 if mode == "one after the other" else floor
                import_prefetch.free_core = lambda: True  # measured whatever the load says
                ctx = AppContext.open(str(db), today=TODAY)
                ctx.cache.clear()
                wall, cpu = time.perf_counter(), time.process_time()
                prepare_any(ctx, args.file, ImportOptions())
                with ctx.db.session() as s:
                    stored_frames(ctx, s)
                times[mode].append((time.perf_counter() - wall, time.process_time() - cpu))
                ctx.cache.clear()  # nothing written to disk on close
                ctx.close()
        for mode, pairs in times.items():
            w = statistics.median(p[0] for p in pairs)
            c = statistics.median(p[1] for p in pairs)
            what = f"{args.file.name}: prepare + stored frames, {mode}"
            print(f"{what}: {w:.2f} s wall, {c:.2f} s CPU")
        print(f"load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
