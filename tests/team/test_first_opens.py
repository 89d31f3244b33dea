"""Any number of first opens of a new team database at once all succeed.

The fault: four colleagues starting cspm on a new PostgreSQL database at once; three ended
"Cannot open database ...: duplicate key value violates unique constraint
pg_type_typname_nsp_index" (each ran the migrations), and on SQLite two of six ended
"internal error: IntegrityError: UNIQUE constraint failed: segments.name" (each seeded the
built-in segments). Real processes, as the colleagues ran them.
"""

from __future__ import annotations

import json
import subprocess
import sys

from sqlalchemy import create_engine, text

from cspm.storage.db import resolve_url

OPENS = 5


def test_first_opens_at_once_all_succeed_and_seed_once(store_url: str) -> None:
    command = [sys.executable, "-m", "cspm", "--db", store_url, "segments", "--format", "json"]
    procs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(OPENS)
    ]
    results = [(p.wait(timeout=300), p.stdout.read(), p.stderr.read()) for p in procs]  # type: ignore[union-attr]
    assert [code for code, _, _ in results] == [0] * OPENS, [err for _, _, err in results]
    lists = [sorted(s["name"] for s in json.loads(out)) for _, out, _ in results]
    assert all(names == lists[0] for names in lists) and len(lists[0]) > 5
    engine = create_engine(resolve_url(store_url))
    with engine.connect() as conn:
        seeded = conn.execute(
            text("SELECT count(*) FROM change_log WHERE action = 'Add the built-in segments'")
        ).scalar_one()
        segments = conn.execute(text("SELECT count(*) FROM segments")).scalar_one()
    engine.dispose()
    assert seeded == 1
    assert segments == len(lists[0])
