"""What runs after a commit (task regeneration) never fails the command that committed.

The fault is injected for real: the task planner raises, as a bug in it would. The data is
already committed by then, so the command exits 0 with a warning, a stored flag remembers that
tasks are stale, and the next open of the database regenerates them.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import cspm.service.task_regeneration as tasks_service
from cspm.cli import main
from cspm.service.context import AppContext
from cspm.storage import tasks_repo
from tests.files import HEADER, write_xlsx
from tests.service.test_import_semantics import ROWS

TODAY = "2026-11-23"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _broken_planner(*_args: object, **_kwargs: object) -> object:
    raise RuntimeError("injected fault in the task planner")


def stored_tasks(db_url: str) -> int:
    """How many tasks the store holds, read without going through the task service."""
    from cspm.storage.db import open_database, resolve_url

    database = open_database(resolve_url(db_url))
    try:
        with database.session() as s:
            return len(tasks_repo.load_tasks(s))
    finally:
        database.dispose()


def test_failing_task_update_after_import_exits_0_and_next_open_regenerates(
    capsys, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_xlsx(tmp_path / "accounts.xlsx", [HEADER, *ROWS])
    monkeypatch.setattr(tasks_service, "plan_tasks", _broken_planner)
    code, out, err = run(capsys, "--db", db_url, "--today", TODAY, "import", str(path))
    assert code == 0, err
    assert "new 3" in out
    assert "imported; tasks will refresh on next open" in err
    assert "Traceback" not in err and "internal error" not in err
    assert stored_tasks(db_url) == 0

    monkeypatch.undo()  # the fault is gone (a fixed bug, a corrected setting)
    ctx = AppContext.open(db_url, today=dt.date.fromisoformat(TODAY))
    ctx.close()
    assert stored_tasks(db_url) > 0  # the open regenerated, before anyone listed tasks
    code, out, err = run(capsys, "--db", db_url, "--today", TODAY, "accounts")
    assert code == 0 and err == ""  # the flag is cleared: no notice any more


def test_import_json_carries_the_notice(
    capsys, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_xlsx(tmp_path / "accounts.xlsx", [HEADER, *ROWS])
    monkeypatch.setattr(tasks_service, "plan_tasks", _broken_planner)
    code, out, _ = run(
        capsys, "--db", db_url, "--today", TODAY, "import", str(path), "--format", "json"
    )
    assert code == 0
    summary = json.loads(out)
    assert summary["status"] == "imported"
    assert any("tasks will refresh on next open" in n for n in summary["notices"])


def test_failing_task_update_after_undo_exits_0(
    capsys, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_xlsx(tmp_path / "accounts.xlsx", [HEADER, *ROWS])
    code, _, _ = run(capsys, "--db", db_url, "--today", TODAY, "import", str(path))
    assert code == 0
    monkeypatch.setattr(tasks_service, "plan_tasks", _broken_planner)
    code, out, err = run(capsys, "--db", db_url, "--today", TODAY, "imports", "undo")
    assert code == 0, err
    assert "Undid import" in out
    assert "undone; tasks will refresh on next open" in err


def test_a_fault_that_persists_does_not_break_opening(
    capsys, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_xlsx(tmp_path / "accounts.xlsx", [HEADER, *ROWS])
    monkeypatch.setattr(tasks_service, "plan_tasks", _broken_planner)
    run(capsys, "--db", db_url, "--today", TODAY, "import", str(path))
    code, out, err = run(capsys, "--db", db_url, "--today", TODAY, "accounts", "--format", "json")
    assert code == 0
    assert len(json.loads(out)) == 3
    assert "tasks will refresh on next open" in err  # still pending, said again
    monkeypatch.undo()
    code, out, _ = run(capsys, "--db", db_url, "--today", TODAY, "tasks", "--format", "json")
    assert code == 0 and json.loads(out)
