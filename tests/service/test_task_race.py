"""Two task regenerations at once on a new day leave exactly the open tasks one makes.

The fault (issue 13): regeneration read the stored tasks, planned, then inserted, with nothing
in between; two Tasks-view loads at once on a new day left 434 open tasks, 128 of them
duplicates, where one load alone left 306. Here the two loads race in one process (threads on
one context, as two window workers did) and in two processes on one SQLite file (the window and
a command); tests/storage/test_task_race_postgres.py runs the same on PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.service.task_race import (
    assert_like_one_regeneration,
    copy_database,
    demo_file,
    race_processes,
    race_threads,
    single_load,
    task_state,
)


@pytest.fixture
def twin_demo(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> tuple[str, str]:
    """Two copies of the demo portfolio: one for the race, one for the reference run."""
    source = demo_file(tmp_path_factory)
    raced = copy_database(source, tmp_path / "raced.sqlite3")
    alone = copy_database(source, tmp_path / "alone.sqlite3")
    return str(raced), str(alone)


def _creates_tasks(url: str) -> None:
    """The day really has tasks to create (else a race could not duplicate any)."""
    before, _ = task_state(url)
    single_load(url)
    after, _ = task_state(url)
    assert len(after) > len(before) + 50


def test_two_loads_in_threads_make_the_tasks_of_one(twin_demo: tuple[str, str]) -> None:
    raced, alone = twin_demo
    _creates_tasks(alone)
    race_threads(raced)
    assert_like_one_regeneration(raced, alone)


def test_two_loads_in_processes_on_one_file_make_the_tasks_of_one(
    twin_demo: tuple[str, str],
) -> None:
    raced, alone = twin_demo
    _creates_tasks(alone)
    race_processes(raced)
    assert_like_one_regeneration(raced, alone)
