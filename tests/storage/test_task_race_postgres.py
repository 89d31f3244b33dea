"""Two task regenerations at once on PostgreSQL (two CSMs on one team database) leave exactly
the open tasks one makes: in threads of one process and in two processes.

Runs against the server named by CSPM_TEST_PG_URL (CI sets it) and is skipped only when that
variable is absent; a server named but unreachable is a failure. The demo portfolio is built
once per module into its own database and copied per test with CREATE DATABASE ... TEMPLATE.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from cspm.service.demo import load_demo
from tests.conftest import TODAY
from tests.service.task_race import (
    DEMO_ACCOUNTS,
    assert_like_one_regeneration,
    race_processes,
    race_threads,
    single_load,
    task_state,
)

ADMIN_URL = os.environ.get("CSPM_TEST_PG_URL")
pytestmark = pytest.mark.skipif(ADMIN_URL is None, reason="CSPM_TEST_PG_URL is not set")


def _url(name: str) -> str:
    assert ADMIN_URL is not None
    return make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def admin() -> Iterator[Engine]:
    assert ADMIN_URL is not None
    engine = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def demo_database(admin: Engine) -> Iterator[str]:
    """The demo portfolio in a database of its own, used only as a template."""
    name = f"cspm_race_demo_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        load_demo(_url(name), accounts=DEMO_ACCOUNTS, today=TODAY)
        yield name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))


@pytest.fixture
def copies(admin: Engine, demo_database: str) -> Iterator[Callable[[], str]]:
    """Makes copies of the demo database (URLs); drops them after the test."""
    made: list[str] = []

    def copy() -> str:
        name = f"cspm_race_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{demo_database}"'))
        made.append(name)
        return _url(name)

    yield copy
    with admin.connect() as conn:
        for name in made:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))


@pytest.mark.parametrize("race", [race_threads, race_processes], ids=["threads", "processes"])
def test_two_loads_at_once_on_postgres_make_the_tasks_of_one(
    copies: Callable[[], str], race: Callable[[str], None]
) -> None:
    raced, alone = copies(), copies()
    before, _ = task_state(alone)
    single_load(alone)
    assert len(task_state(alone)[0]) > len(before) + 50  # the day has tasks to create
    race(raced)
    assert_like_one_regeneration(raced, alone)
