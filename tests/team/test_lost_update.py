"""A task a colleague completed while a regeneration was running stays theirs.

The fault: a regeneration (after an import, a logged touchpoint) reads the open tasks, plans,
then writes. A colleague's `tasks done 1930 --note "B did the outreach"` committed in between
was overwritten: the data's "resolved" replaced their "done" and their note, which survived
only in the event log. Here the race is made certain, not left to the scheduler: CSM A's
import runs in a thread whose task regeneration is held while CSM B completes the task through
their own context; then A goes on. On SQLite A is held at its first UPDATE of the tasks table,
after it read and planned: the compare-and-set keeps B's close. On PostgreSQL a regeneration
runs under the writers' advisory lock (`storage.locks.WRITES`), so B could not write while A
held it; A is held just before it takes the lock, then reads B's close and leaves it alone.
Real stores, real import files, the real service calls.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from cspm.service.context import AppContext
from cspm.service.imports import import_file
from cspm.service.tasks import complete_task, list_tasks
from cspm.storage import tasks_repo
from cspm.storage.db import Database
from tests.conftest import TODAY, drain_workers
from tests.files import write_csv
from tests.service.task_race import listen_before_write_lock
from tests.service.test_tasks_service import HEADER, ROWS

WAIT = 120.0


class HoldAtTaskUpdate:
    """Holds the regeneration's first `UPDATE tasks` (SQLite) or its writers' lock (PostgreSQL:
    the second one this thread takes, the import's own being the first) until `go` is set;
    `reached` says it got there. Runs before cspm's own SQLite listener (which takes the write
    lock at the first write), so the held writer holds no lock and the colleague can write."""

    def __init__(self, database: Database) -> None:
        self.pattern = "UPDATE TASKS" if database.is_sqlite else "SELECT PG_ADVISORY_XACT_LOCK"
        self.skip = 0 if database.is_sqlite else 1
        self.reached = threading.Event()
        self.go = threading.Event()
        listen_before_write_lock(database, self._before)

    def _before(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if self.reached.is_set() or not statement.lstrip().upper().startswith(self.pattern):
            return
        if self.skip:
            self.skip -= 1
            return
        self.reached.set()
        assert self.go.wait(WAIT), "the colleague never finished"


def test_a_task_done_during_regeneration_keeps_done_and_the_note(
    store_url: str, tmp_path: Path
) -> None:
    csm_a = AppContext.open(store_url, today=TODAY)
    csm_b = AppContext.open(store_url, today=TODAY)
    try:
        import_file(csm_a, write_csv(tmp_path / "week1.csv", [HEADER, *ROWS]))
        tasks = list_tasks(csm_a)
        unpaid = tasks[(tasks["account_key"] == "M1") & (tasks["segment"] == "Unpaid invoices")]
        task_id = int(unpaid["id"].iloc[0])
        paid = [list(r) for r in ROWS]
        paid[1][9] = "0"  # the invoice got paid: the data clears the task's trigger
        week2 = write_csv(tmp_path / "week2.csv", [HEADER, *paid])

        hold = HoldAtTaskUpdate(csm_a.db)
        errors: list[BaseException] = []

        def import_week2() -> None:
            try:
                import_file(csm_a, week2)
            except BaseException as exc:  # re-raised on the test's thread below
                errors.append(exc)
            finally:
                hold.reached.set()

        worker = threading.Thread(target=import_week2)
        worker.start()
        assert hold.reached.wait(WAIT)
        assert not errors, errors
        complete_task(csm_b, task_id, "B did the outreach")
        hold.go.set()
        worker.join(WAIT)
        assert not errors, errors

        with csm_a.db.session() as s:
            task = tasks_repo.get_task(s, task_id)
            assert task is not None
            status, note = task.status, task.note
            events = [(action, who) for action, _, who in tasks_repo.task_events(s, task_id)]
        assert (status, note) == ("done", "B did the outreach")
        assert [action for action, _ in events] == ["created", "done"]
    finally:
        drain_workers()
        csm_a.close()
        csm_b.close()
