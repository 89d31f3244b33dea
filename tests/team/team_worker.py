"""One colleague of the team run (tests/team/test_team_run.py), as its own process.

`python -m tests.team.team_worker ROLE URL SEED SECONDS FILES_DIR LOG` opens the shared
database once, as the window does, and works for SECONDS: an importer imports monthly exports
of a shared pool of accounts (a random part of it, random ARR moves, a random recent as-of
date), a tasker lists the task list and closes a random open task with a note of its own, a
toucher logs touchpoints with unique notes, a reader lists accounts and tasks. Every operation
is logged to LOG (JSON lines) as attempted, then confirmed with what the test checks and
replays; a refusal that is one sentence to the user (a task a colleague closed first) is
logged as refused. Anything else ends the process with its traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import time
from pathlib import Path

from cspm.core.errors import CspmError
from cspm.service.context import AppContext
from cspm.service.import_results import ImportOptions
from cspm.service.imports import import_file
from cspm.service.portfolio import list_accounts
from cspm.service.tasks import complete_task, dismiss_task, list_tasks, log_touchpoint
from tests.files import write_csv

TODAY = dt.date(2026, 11, 23)
POOL = 90
HEADER = ["Account ID", "Account Name", "Account Owner", "ARR", "Health Score", "Renewal Date"]


def pool_row(i: int, rng: random.Random) -> list[str]:
    """Account i of the shared pool, with this export's ARR and health."""
    arr = 5_000 + (i * 7919) % 200_000
    arr = int(arr * rng.uniform(0.8, 1.3))
    renewal = TODAY + dt.timedelta(days=15 + (i * 37) % 300)
    owner = ["Dana Lee", "Robin Park", "Sam Ortiz"][i % 3]
    health = rng.randint(20, 95)
    return [
        f"0015g0000{i:06d}",
        f"Pool Account {i:03d}",
        owner,
        str(arr),
        str(health),
        renewal.isoformat(),
    ]


def main(argv: list[str]) -> int:
    role, url, seed, seconds, files, log_path = argv
    rng = random.Random(int(seed))
    ctx = AppContext.open(url, today=TODAY)
    deadline = time.monotonic() + float(seconds)
    n = 0
    with open(log_path, "a", encoding="utf-8") as log:

        def record(**entry: object) -> None:
            log.write(json.dumps(entry, default=str) + "\n")
            log.flush()

        try:
            while time.monotonic() < deadline:
                n += 1
                record(op=role, state="attempted", n=n)
                try:
                    entry = ACTIONS[role](ctx, rng, Path(files), f"{role}{seed}-{n}")
                except CspmError as exc:
                    record(op=role, state="refused", n=n, why=str(exc))
                    continue
                if entry is not None:
                    record(op=role, state="confirmed", n=n, **entry)
        finally:
            ctx.close()
    return 0


def do_import(ctx: AppContext, rng: random.Random, files: Path, tag: str) -> dict:
    chosen = sorted(rng.sample(range(POOL), rng.randint(20, 45)))
    path = write_csv(files / f"{tag}.csv", [HEADER, *(pool_row(i, rng) for i in chosen)])
    as_of = TODAY - dt.timedelta(days=rng.randint(0, 20))
    result = import_file(ctx, path, ImportOptions(as_of=as_of))
    return {
        "file": str(path),
        "as_of": as_of.isoformat(),
        "import_id": result.import_id,
        "status": result.status,
    }


def do_task(ctx: AppContext, rng: random.Random, files: Path, tag: str) -> dict | None:
    tasks = list_tasks(ctx)
    if tasks.empty:
        return None
    task_id = int(tasks["id"].iloc[rng.randrange(min(len(tasks), 30))])
    note = f"handled {tag}"
    if rng.random() < 0.7:
        complete_task(ctx, task_id, note)
        return {"task_id": task_id, "status": "done", "note": note}
    dismiss_task(ctx, task_id, note)
    return {"task_id": task_id, "status": "dismissed", "note": note}


def do_touch(ctx: AppContext, rng: random.Random, files: Path, tag: str) -> dict | None:
    accounts = list_accounts(ctx)
    if accounts.empty:
        return None
    name = str(accounts["name"].iloc[rng.randrange(len(accounts))])
    note = f"call {tag}"
    key = log_touchpoint(ctx, name, "call", TODAY, note)
    return {"account_key": key, "note": note}


def do_read(ctx: AppContext, rng: random.Random, files: Path, tag: str) -> dict:
    return {"accounts": len(list_accounts(ctx)), "tasks": len(list_tasks(ctx))}


ACTIONS = {"import": do_import, "task": do_task, "touch": do_touch, "read": do_read}

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
