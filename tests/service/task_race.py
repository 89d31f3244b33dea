"""Two task regenerations at once: what the race tests (threads, processes, PostgreSQL) share.

The race is made certain rather than left to the scheduler: every racer is held at its FIRST
write statement (an engine listener that runs before cspm's own SQLite lock listener) until the
other racer has reached its first write too. By then each has read the stored tasks and planned
its creations, which is exactly the window the fault lived in (check, then insert, no lock).
Nothing is mocked: the racers run the real `list_tasks` (what the Tasks view and `cspm tasks`
call) on a real demo portfolio whose `today` is a month after it was built, so a regeneration
has a hundred-odd tasks to create.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from cspm.service.context import AppContext
from cspm.service.demo import load_demo
from cspm.service.tasks import list_tasks
from cspm.storage import tasks_repo
from cspm.storage.db import Database
from tests.conftest import TODAY

DEMO_ACCOUNTS = 120
RACE_DAY = TODAY + dt.timedelta(days=30)
"""A new day for the demo (built on TODAY): cadences fall due, ~115 tasks to create."""
BARRIER_WAIT = 120.0
_WRITES = ("INSERT", "UPDATE", "DELETE")
_PG_WRITERS_LOCK = "SELECT PG_ADVISORY_XACT_LOCK"
"""On PostgreSQL a regeneration takes the writers' lock before it writes (storage.locks): the
racers line up there, else the first would wait at its write holding the lock the second
needs to get there."""


def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 120-account demo portfolio (a year of monthly snapshots, tasks made on TODAY),
    built once per test run (the same file tests/ui/test_tasks_view.py builds)."""
    path = tmp_path_factory.getbasetemp() / "cspm-demo-120" / "demo.sqlite3"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        load_demo(str(path), accounts=DEMO_ACCOUNTS, today=TODAY)
    return path


def copy_database(source: Path, target: Path) -> Path:
    """A private copy of a SQLite database (with its WAL files) for one test."""
    for suffix in ("", "-wal", "-shm"):
        origin = Path(str(source) + suffix)
        if origin.exists():
            shutil.copy(origin, str(target) + suffix)
    return target


def listen_before_write_lock(database: Database, listener: Any) -> None:
    """Add a `before_cursor_execute` listener that runs before cspm's own SQLite one (which
    takes the write lock at the first write), so a thread held in it holds no lock.
    SQLAlchemy's `insert=True` is not honoured for this event: cspm's listener is taken off
    and put back after this one."""
    engine = database.engine
    if database.is_sqlite:
        event.remove(engine, "before_cursor_execute", database._before_execute)
    event.listen(engine, "before_cursor_execute", listener)
    if database.is_sqlite:
        event.listen(engine, "before_cursor_execute", database._before_execute)


class FirstWriteBarrier:
    """Holds each thread of `database` at its first INSERT/UPDATE/DELETE (or, on PostgreSQL,
    the writers' lock it takes before) until every party of `barrier` (a threading or
    multiprocessing Barrier) got there.

    It must run before cspm's own SQLite listener, which takes the write lock at the first
    write: a racer waiting here while holding that lock would stop the other short of it.
    SQLAlchemy's `insert=True` is not honoured for `before_cursor_execute`, so cspm's listener
    is taken off and put back after this one."""

    def __init__(self, database: Database, barrier: Any) -> None:
        self.barrier = barrier
        self.waited: set[int] = set()
        self._lock = threading.Lock()
        listen_before_write_lock(database, self._before)

    def _before(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        head = statement.lstrip()[:40].upper()
        if not head.startswith((*_WRITES, _PG_WRITERS_LOCK)):
            return
        me = threading.get_ident()
        with self._lock:
            if me in self.waited:
                return
            self.waited.add(me)
        # broken: the other racer never writes, nothing left to line up with
        with contextlib.suppress(threading.BrokenBarrierError):
            self.barrier.wait(timeout=BARRIER_WAIT)


def race_threads(url: str) -> None:
    """Two Tasks-view loads at once, as two window workers ran them: one context, two threads."""
    ctx = AppContext.open(url, today=RACE_DAY)
    try:
        FirstWriteBarrier(ctx.db, threading.Barrier(2))
        errors: list[BaseException] = []

        def load() -> None:
            try:
                list_tasks(ctx)
            except BaseException as exc:  # re-raised on the test's thread below
                errors.append(exc)

        threads = [threading.Thread(target=load) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]
    finally:
        ctx.close()


def load_in_process(url: str, today: str, barrier: Any) -> None:
    """A process's share of the race (spawned: importable, plain arguments): open the database
    as the window or a `cspm tasks` command does and list the tasks."""
    ctx = AppContext.open(url, today=dt.date.fromisoformat(today))
    try:
        FirstWriteBarrier(ctx.db, barrier)
        list_tasks(ctx)
    finally:
        ctx.close()


def race_processes(url: str) -> None:
    """Two processes (the window and a command, or two CSMs) list tasks on one database."""
    import multiprocessing

    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(2)
    procs = [
        spawn.Process(target=load_in_process, args=(url, RACE_DAY.isoformat(), barrier))
        for _ in range(2)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=600)
    assert [p.exitcode for p in procs] == [0, 0], "a racing process failed (see its stderr)"


def single_load(url: str) -> None:
    """The reference: one regeneration alone on the same day."""
    ctx = AppContext.open(url, today=RACE_DAY)
    try:
        list_tasks(ctx)
    finally:
        ctx.close()


def task_state(url: str) -> tuple[list[tuple[str, str]], Counter[tuple[str, str]]]:
    """(the open tasks' (account, template) pairs, sorted; how often each pair has a task in an
    open episode). A duplicate shows in both: twice in the first, a count of 2 in the second."""
    ctx = AppContext.open(url, today=RACE_DAY)
    try:
        with ctx.db.session() as s:
            tasks = tasks_repo.load_tasks(s)
    finally:
        ctx.close()
    open_ = tasks[tasks["status"] == "open"]
    current = tasks[tasks["episode_open"]]
    pairs = sorted(zip(open_["account_key"], open_["template_id"], strict=True))
    return pairs, Counter(zip(current["account_key"], current["template_id"], strict=True))


def assert_like_one_regeneration(raced_url: str, reference_url: str) -> None:
    """The race left exactly the open tasks one regeneration makes, and no pair twice."""
    raced, raced_episodes = task_state(raced_url)
    alone, _ = task_state(reference_url)
    twice = sorted(pair for pair, n in raced_episodes.items() if n > 1)
    assert twice == [], f"{len(twice)} (account, template) pairs have two current tasks"
    assert len(raced) == len(alone)
    assert raced == alone
