"""The database forbids a second task for an account and template in an open episode, and the
upgrade that adds the rule (0007_open_task_unique) first settles the duplicates earlier races
left in real users' databases, so opening such a database never fails.

Each test runs on a SQLite file and, when CSPM_TEST_PG_URL is set, on PostgreSQL.
"""

from __future__ import annotations

import os
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Boolean, bindparam, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from cspm.service.context import AppContext
from cspm.service.imports import import_file
from cspm.service.tasks import list_tasks, regenerate_tasks
from cspm.storage import tasks_repo
from cspm.storage.migrate import alembic_config, current_revision
from tests.conftest import TODAY
from tests.files import write_csv
from tests.service.test_tasks_service import HEADER, ROWS

PG_URL = os.environ.get("CSPM_TEST_PG_URL")
BEFORE = "0005_currency"
COPY_COLUMNS = (
    "account_key, template_id, trigger_kind, trigger, title, description, due_date, "
    "base_priority, created_on, closed_on, snoozed_until, note"
)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "tasks.sqlite3")
        return
    if PG_URL is None:
        pytest.skip("CSPM_TEST_PG_URL is not set")
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"cspm_unique_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def _with_tasks(url: str, tmp_path: Path) -> pd.DataFrame:
    """Import the three-account file and list its tasks (at the newest schema)."""
    ctx = AppContext.open(url, today=TODAY)
    try:
        import_file(ctx, write_csv(tmp_path / "a.csv", [HEADER, *ROWS]))
        tasks = list_tasks(ctx)
    finally:
        ctx.close()
    assert len(tasks) >= 3
    return tasks


def _copy_task(conn: object, task_id: int, status: str, *, episode_open: bool = True) -> int:
    """A second row for the same task, as a race inserted it, then given `status`."""
    copied = conn.execute(  # type: ignore[attr-defined]
        text(
            f"INSERT INTO tasks ({COPY_COLUMNS}, status, episode_open) "
            f"SELECT {COPY_COLUMNS}, :status, :episode FROM tasks WHERE id = :id RETURNING id"
        ).bindparams(bindparam("episode", type_=Boolean)),
        {"id": task_id, "status": status, "episode": episode_open},
    ).scalar_one()
    return int(copied)


def _all_tasks(url: str) -> pd.DataFrame:
    ctx = AppContext.open(url, today=TODAY)
    try:
        with ctx.db.session() as s:
            return tasks_repo.load_tasks(s).set_index("id")
    finally:
        ctx.close()


def test_upgrade_settles_duplicates_left_by_a_race(url: str, tmp_path: Path) -> None:
    tasks = _with_tasks(url, tmp_path)
    a, b, c = (int(i) for i in tasks["id"].iloc[:3])
    engine = create_engine(make_url(url) if "://" in url else f"sqlite:///{url}")
    command.downgrade(alembic_config(engine), BEFORE)  # a database of the cspm before the rule
    with engine.begin() as conn:
        a_open = _copy_task(conn, a, "open")  # the copy a user never touched
        a_third = _copy_task(conn, a, "snoozed")  # three of one: two to settle
        b_done = _copy_task(conn, b, "done")  # the user completed the copy
        c_open = _copy_task(conn, c, "open")
    engine.dispose()

    stored = _all_tasks(url)  # opening upgrades; it must not fail on the duplicates
    engine = create_engine(make_url(url) if "://" in url else f"sqlite:///{url}")
    assert (
        current_revision(engine) == ScriptDirectory.from_config(alembic_config()).get_current_head()
    )
    engine.dispose()
    current = stored[stored["episode_open"]]
    pairs = Counter(zip(current["account_key"], current["template_id"], strict=True))
    assert max(pairs.values()) == 1
    assert set(stored.loc[[a, b, c], "status"]) == {"open"}  # the oldest of each pair stays
    assert stored.loc[[a, b, c], "episode_open"].all()
    for copy, keeper in ((a_open, a), (a_third, a), (c_open, c)):
        assert stored.loc[copy, "status"] == "resolved"
        assert not stored.loc[copy, "episode_open"]
        assert f"copy of task {keeper}" in stored.loc[copy, "note"]
    assert stored.loc[b_done, "status"] == "done"  # what the user did is kept
    assert not stored.loc[b_done, "episode_open"]
    assert sorted(stored.index[stored["status"] == "open"]) == sorted(tasks["id"])

    ctx = AppContext.open(url, today=TODAY)
    try:
        with ctx.db.session() as s:
            log = tasks_repo.task_events(s, a_open)
        assert [action for action, _at, _detail in log] == ["resolved"]
        assert "two task updates had run at once" in (log[0][2] or "")
        assert regenerate_tasks(ctx, force=True).created == 0  # the next run agrees
    finally:
        ctx.close()


def test_the_database_refuses_a_second_open_task(url: str, tmp_path: Path) -> None:
    tasks = _with_tasks(url, tmp_path)
    engine = create_engine(make_url(url) if "://" in url else f"sqlite:///{url}")
    try:
        with pytest.raises(IntegrityError), engine.begin() as conn:
            _copy_task(conn, int(tasks["id"].iloc[0]), "open")
        with engine.begin() as conn:  # a task of a closed episode is history, not a duplicate
            _copy_task(conn, int(tasks["id"].iloc[0]), "done", episode_open=False)
    finally:
        engine.dispose()


def test_inserting_a_task_that_exists_keeps_the_existing_row(url: str, tmp_path: Path) -> None:
    tasks = _with_tasks(url, tmp_path)
    ctx = AppContext.open(url, today=TODAY)
    try:
        with ctx.db.session() as s:
            before = tasks_repo.load_tasks(s)
            again = before[before["episode_open"]].head(2)[
                ["account_key", "template_id", "trigger_kind", "trigger", "title"]
            ]
            again = again.assign(
                description="written by the other regeneration",
                due_date=pd.Timestamp(TODAY),
                base_priority=1.0,
            )
            assert tasks_repo.insert_tasks(s, again, TODAY) == 0
        with ctx.db.session() as s:
            after = tasks_repo.load_tasks(s)
    finally:
        ctx.close()
    assert len(after) == len(before) == len(tasks)
    assert "written by the other regeneration" not in set(after["description"])
