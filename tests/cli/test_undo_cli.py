"""`cspm undo`, `cspm redo`, `cspm tasks history` and `cspm tasks reopen` on real databases
(SQLite, and one PostgreSQL run): the command line shares the window's undo history."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cspm.cli import main
from tests.files import write_csv
from tests.service.test_tasks_service import HEADER, ROWS
from tests.storage.test_postgres import pg_url  # noqa: F401  (fixture)

TODAY = "2026-11-23"


def run(capsys: pytest.CaptureFixture[str], db: str, *args: str) -> tuple[int, str, str]:
    code = main(["--db", db, "--today", TODAY, *args])
    out, err = capsys.readouterr()
    return code, out, err


def open_tasks(capsys: pytest.CaptureFixture[str], db: str) -> dict[int, float]:
    code, out, err = run(capsys, db, "tasks", "--format", "json")
    assert code == 0, err
    return {t["id"]: t["priority"] for t in json.loads(out)}


def undo_cycle(capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path) -> None:
    csv = write_csv(tmp_path / "accounts.csv", [HEADER, *ROWS])
    assert run(capsys, db, "import", str(csv))[0] == 0
    before = open_tasks(capsys, db)
    task_id = min(before)
    code, _, err = run(capsys, db, "tasks", "done", str(task_id), "--touchpoint", "call")
    assert code == 0, err
    assert task_id not in open_tasks(capsys, db)

    code, out, err = run(capsys, db, "undo")
    assert code == 0, err
    assert out.startswith("Undo Complete '") and "for Eagle" in out
    assert open_tasks(capsys, db) == before  # the same id, open, the same priority
    code, out, _ = run(capsys, db, "redo")
    assert code == 0 and out.startswith("Redo Complete '")
    assert task_id not in open_tasks(capsys, db)

    code, out, _ = run(capsys, db, "tasks", "history", "--format", "json")
    assert code == 0
    done = {r["id"]: r for r in json.loads(out)}
    assert done[task_id]["what"] == "completed" and done[task_id]["by"]
    code, out, _ = run(capsys, db, "tasks", "reopen", str(task_id))
    assert code == 0 and f"Task {task_id} is open again" in out
    assert task_id in open_tasks(capsys, db)

    code, out, _ = run(capsys, db, "undo", "--list", "--format", "json")
    actions = [c["action"] for c in json.loads(out)]
    assert actions[0].startswith("Reopen '") and actions[-2] == "Import accounts.csv"


def test_undo_redo_history_reopen_on_sqlite(capsys, db_url: str, tmp_path: Path) -> None:
    undo_cycle(capsys, db_url, tmp_path)


def test_undo_redo_history_reopen_on_postgres(capsys, pg_url: str, tmp_path: Path) -> None:  # noqa: F811
    undo_cycle(capsys, pg_url, tmp_path)


def test_nothing_to_undo_is_exit_2_with_one_sentence(capsys, db_url: str) -> None:
    code, _, err = run(capsys, db_url, "undo")
    assert code == 2 and "There is nothing to undo." in err
    code, _, err = run(capsys, db_url, "redo")
    assert code == 2 and "There is nothing to redo." in err
