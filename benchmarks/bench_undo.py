"""A task action, its undo and its redo through the change records, on the demo portfolio.

Run: .venv/bin/python benchmarks/bench_undo.py [n_accounts]

Each action is one `changes.perform` (write, revision, change record, cache invalidation) plus
the task regeneration that subscribes to it. The baseline, measured in the same run on the same
database, is a forced `regenerate_tasks` alone: what any action costs at least, so the rest is
the change record's overhead. Best of several runs; asserts nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time

import _here  # noqa: F401  (measure the cspm beside this script)
from measuring import fastest as best

TODAY = dt.date(2026, 11, 23)
RUNS = 5


def main(n: int) -> None:
    folder = tempfile.mkdtemp(prefix="cspm-bench-undo-")
    os.environ.setdefault("CSPM_CONFIG_DIR", os.path.join(folder, "config"))
    os.environ.setdefault("CSPM_CACHE_DIR", os.path.join(folder, "cache"))
    from cspm.service.context import AppContext
    from cspm.service.demo import load_demo
    from cspm.service.tasks import complete_task, list_tasks, regenerate_tasks, snooze_task
    from cspm.service.undo import redo, undo, undo_state

    path = os.path.join(folder, "demo.sqlite3")
    t = time.perf_counter()
    load_demo(path, accounts=n, today=TODAY)
    print(f"demo portfolio of {n:,} accounts built in {time.perf_counter() - t:.1f} s")
    ctx = AppContext.open(path, today=TODAY)
    try:
        ids = list_tasks(ctx)["id"].astype(int).tolist()
        baseline = best(lambda: regenerate_tasks(ctx, force=True))
        tasks = iter(ids)
        figures = {
            "complete (with a call)": best(
                lambda: complete_task(ctx, next(tasks), touchpoint="call")
            ),
            "snooze": best(lambda: snooze_task(ctx, next(tasks), TODAY + dt.timedelta(days=7))),
        }
        undos, redos = [], []
        for _ in range(RUNS):  # the latest snooze taken back and done again, in turn
            undos.append(best(lambda: undo(ctx), 1))
            redos.append(best(lambda: redo(ctx), 1))
        figures["undo (a snooze)"] = min(undos)
        figures["redo (a snooze)"] = min(redos)
        figures["undo/redo labels"] = best(lambda: undo_state(ctx))
    finally:
        ctx.close()
    print(f"baseline: forced task regeneration alone  {baseline * 1000:8.1f} ms")
    for name, seconds in figures.items():
        print(f"{name:<40} {seconds * 1000:8.1f} ms  ({seconds / baseline:4.2f}x baseline)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2_000)
