"""A team at work on one PostgreSQL server: six processes for thirty seconds, then the state
is checked against what each of them was told, and the accounts against a serial replay.

Two importers, two CSMs closing tasks, one logging touchpoints, one reading, each its own
process with its own name (tests/team/team_worker.py). Afterwards:
- no (account, step) pair has two tasks in an open episode (the duplicates of a team run once
  reached six copies each);
- every task a CSM was told they closed is still closed their way, with their note (a lost
  update turned "done" into "resolved by data");
- every confirmed touchpoint is stored once, every confirmed import is committed and no other;
- a fresh database given the same imports one after another, in the order the server
  committed them, holds the same accounts with the same values.
The counts of operations attempted, confirmed and refused are printed (pytest -s shows them).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pandas as pd
from sqlalchemy import create_engine, text

from cspm.service.context import AppContext
from cspm.service.import_results import ImportOptions
from cspm.service.imports import import_file
from tests.team.conftest import pg_url_for
from tests.team.team_worker import TODAY

SECONDS = 30
ROLES = ["import", "import", "task", "task", "touch", "read"]
NAMES = ["Dana Lee", "Robin Park", "Sam Ortiz", "Alex Kim", "Jo Brown", "Lee Chan"]
ROOT = Path(__file__).resolve().parents[2]
ACCOUNT_COLUMNS = "key, name, owner, arr, health_score, renewal_date, tier, status"


def entries(logs: Path) -> list[dict]:
    found = []
    for path in sorted(logs.glob("*.jsonl")):
        found += [json.loads(line) for line in path.read_text().splitlines()]
    return found


def read(url: str, sql: str) -> pd.DataFrame:
    engine = create_engine(url)
    with engine.connect() as conn:
        frame = pd.read_sql(text(sql), conn)
    engine.dispose()
    return frame


def test_six_processes_for_thirty_seconds_lose_nothing_and_duplicate_nothing(
    new_pg_database, tmp_path: Path
) -> None:
    url = pg_url_for(new_pg_database())
    AppContext.open(url, today=TODAY).close()  # the schema, as the owner's first open
    files, logs = tmp_path / "files", tmp_path / "logs"
    files.mkdir()
    logs.mkdir()
    procs = []
    for i, (role, name) in enumerate(zip(ROLES, NAMES, strict=True)):
        config = tmp_path / f"config-{i}"
        config.mkdir()
        (config / "personal.json").write_text(json.dumps({"user": name}))
        env = {**os.environ, "CSPM_CONFIG_DIR": str(config), "PYTHONPATH": str(ROOT)}
        log = logs / f"{i}-{role}.jsonl"
        args = [role, url, str(100 + i), str(SECONDS), str(files), str(log)]
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "tests.team.team_worker", *args],
                cwd=ROOT,
                env=env,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    failures = [(p.wait(timeout=SECONDS + 600), p.stderr.read()) for p in procs]  # type: ignore[union-attr]
    assert [code for code, _ in failures] == [0] * len(procs), [e for _, e in failures]

    log = entries(logs)
    counts = Counter((e["op"], e["state"]) for e in log)
    print("\nteam run:", dict(sorted(counts.items())))
    confirmed = [e for e in log if e["state"] == "confirmed"]
    for op in ("import", "task", "touch", "read"):
        assert counts[(op, "confirmed")] >= 2, f"too few {op} operations: {dict(counts)}"

    # no duplicates: one task per (account, step) in an open episode
    tasks = read(url, "SELECT id, account_key, template_id, status, note, episode_open FROM tasks")
    current = tasks[tasks["episode_open"]]
    doubled = current.groupby(["account_key", "template_id"]).size()
    assert (doubled > 1).sum() == 0, doubled[doubled > 1]

    # no lost work: every close a CSM was told of stands, with their note
    closes = [e for e in confirmed if e["op"] == "task"]
    by_id = tasks.set_index("id")
    for e in closes:
        row = by_id.loc[e["task_id"]]
        assert (row["status"], row["note"]) == (e["status"], e["note"]), e

    touches = read(url, "SELECT account_key, note FROM touchpoints")
    told = Counter((e["account_key"], e["note"]) for e in confirmed if e["op"] == "touch")
    assert Counter(zip(touches["account_key"], touches["note"], strict=True)) == told

    imported = [e for e in confirmed if e["op"] == "import" and e["status"] == "imported"]
    stored = read(url, "SELECT id, status FROM imports ORDER BY id")
    assert sorted(e["import_id"] for e in imported) == stored["id"].tolist()
    assert set(stored["status"]) == {"committed"}

    # the same imports, one after another in the server's commit order, give the same accounts
    replay = pg_url_for(new_pg_database())
    ctx = AppContext.open(replay, today=TODAY)
    try:
        for e in sorted(imported, key=lambda e: e["import_id"]):
            as_of = pd.Timestamp(e["as_of"]).date()
            assert import_file(ctx, e["file"], ImportOptions(as_of=as_of)).status == "imported"
    finally:
        ctx.close()
    query = f"SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY key"
    pd.testing.assert_frame_equal(read(url, query), read(replay, query))
