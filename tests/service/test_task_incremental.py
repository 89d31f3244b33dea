"""Incremental task regeneration gives exactly the tasks a full regeneration gives.

After an import the same day as the last regeneration, only the accounts whose trigger inputs
changed are planned (`cspm.service.task_scope`). The check: one database, one first import
(a full run, its digest kept); then, per random change to the portfolio (ARR moving accounts
between tiers, renewals moving in and out of the renewal window, churn, health, activity and
QBR dates, accounts added and left out), the second file imported twice from the same start:
once as a user does (incremental), once with the kept digest removed (a full run). The tasks
table and the task events must be identical, row for row, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from cspm.service.context import AppContext
from cspm.service.frame_cache import cache_dir
from cspm.service.import_undo import undo_latest_import
from cspm.service.imports import import_file
from cspm.service.task_scope import SUFFIX
from cspm.service.tasks import complete_task, list_tasks
from tests.conftest import TODAY
from tests.files import write_csv

HEADER = [
    "Account ID",
    "Account Name",
    "Account Owner",
    "ARR",
    "Renewal Date",
    "Health Score",
    "Contract Start Date",
    "Last Activity Date",
    "Last QBR",
    "Status",
]
N = 36
OWNERS = ["Dana Scully", "Fox Mulder", "Walter Skinner"]


def _account(i: int) -> dict[str, Any]:
    """A Salesforce-report-shaped account row, spread over tiers, stages and dates."""
    d = TODAY
    return {
        "Account ID": f"001Hs00003K{i:05d}",
        "Account Name": f"Northwind {i} GmbH",
        "Account Owner": OWNERS[i % 3],
        "ARR": f"${(8_000 + (i * 7_919) % 160_000):,.2f}",
        "Renewal Date": (d + dt.timedelta(days=(i * 37) % 400 - 30)).strftime("%m/%d/%Y"),
        "Health Score": (i * 13) % 100,
        "Contract Start Date": (d - dt.timedelta(days=(i * 53) % 900)).strftime("%m/%d/%Y"),
        "Last Activity Date": (d - dt.timedelta(days=(i * 11) % 120)).strftime("%m/%d/%Y"),
        "Last QBR": (d - dt.timedelta(days=(i * 29) % 200)).strftime("%m/%d/%Y") if i % 4 else "",
        "Status": "Active",
    }


def _file(path: Path, rows: list[dict[str, Any]]) -> Path:
    return write_csv(path, [HEADER, *[[r[h] for h in HEADER] for r in rows]])


def _date(text_: str, shift: int) -> str:
    day = dt.datetime.strptime(text_, "%m/%d/%Y").date() + dt.timedelta(days=shift)
    return day.strftime("%m/%d/%Y")


EDITS = st.sampled_from(["arr", "renewal", "churn", "health", "activity", "qbr", "drop", "blank"])
CHANGES = st.lists(
    st.tuples(st.integers(0, N - 1), EDITS, st.integers(-200, 200)), min_size=0, max_size=10
)


def _changed(changes: list[tuple[int, str, int]], added: int) -> list[dict[str, Any]]:
    rows = {i: _account(i) for i in range(N)}
    rows[0]["Account Name"] = "Northwind 0 AG"  # a change no trigger reads: never a no-op file
    for i, edit, amount in changes:
        r = rows.get(i)
        if r is None:
            continue
        if edit == "arr":
            r["ARR"] = f"${max(500, 60_000 + amount * 700):,.2f}"
        elif edit == "renewal":
            r["Renewal Date"] = _date(r["Renewal Date"], amount)
        elif edit == "churn":
            r["Status"] = "Churned" if amount % 2 else "Cancelled"
        elif edit == "health":
            r["Health Score"] = abs(amount) % 100
        elif edit == "activity":
            r["Last Activity Date"] = _date(r["Last Activity Date"], -abs(amount))
        elif edit == "qbr":
            r["Last QBR"] = (TODAY - dt.timedelta(days=abs(amount))).strftime("%m/%d/%Y")
        elif edit == "blank":
            r["Last Activity Date"] = ""
        else:
            del rows[i]
    new = [_account(N + k) for k in range(added)]
    return [*rows.values(), *new]


class Store:
    """One database at a fixed URL that can be put back to a saved state (the digest on disk
    is keyed by the URL, so the restored store must keep it)."""

    def __init__(self, url: str, save: Any, restore: Any) -> None:
        self.url, self.save, self.restore = url, save, restore


def _tables(url: str) -> tuple[list[tuple], list[tuple]]:
    engine = create_engine(url if "://" in url else f"sqlite:///{url}")
    with engine.connect() as conn:
        tasks = conn.execute(
            text(
                'SELECT id, account_key, template_id, trigger_kind, "trigger", title, '
                "description, due_date, base_priority, status, created_on, closed_on, "
                "snoozed_until, episode_open, note FROM tasks ORDER BY id"
            )
        ).all()
        events = conn.execute(
            text("SELECT task_id, action, detail FROM task_events ORDER BY id")
        ).all()
    engine.dispose()
    return [tuple(r) for r in tasks], [tuple(r) for r in events]


def _import(url: str, path: Path, today: dt.date = TODAY) -> None:
    ctx = AppContext.open(url, today=today)
    try:
        result = import_file(ctx, path)
        assert result.status == "imported", result.problems
    finally:
        ctx.close()


def _drop_digests() -> None:
    for path in cache_dir().glob(f"*{SUFFIX}"):
        path.unlink()


def _complete_top_task(url: str) -> None:
    ctx = AppContext.open(url, today=TODAY)
    try:
        first = int(list_tasks(ctx, limit=1)["id"].iloc[0])
        complete_task(ctx, first, "called them")
    finally:
        ctx.close()


def _check(
    store: Store, tmp: Path, changes: list, added: int, caplog: Any, *, act: bool = False
) -> None:
    """act: a CSM completes the top task between the imports (in both runs)."""
    second = _file(tmp / f"second-{uuid.uuid4().hex[:6]}.csv", _changed(changes, added))
    store.restore()
    if act:
        _complete_top_task(store.url)
    with caplog.at_level(logging.INFO, logger="cspm.service.tasks"):
        caplog.clear()
        _import(store.url, second)
    said = [r.getMessage() for r in caplog.records if "planned" in r.getMessage()]
    assert said and "every one" not in said[-1], said  # the incremental path ran
    incremental = _tables(store.url)
    store.restore()
    if act:
        _complete_top_task(store.url)
    _drop_digests()
    with caplog.at_level(logging.INFO, logger="cspm.service.tasks"):
        caplog.clear()
        _import(store.url, second)
    said = [r.getMessage() for r in caplog.records if "planned" in r.getMessage()]
    assert said and "every one" in said[-1], said  # and this one planned everything
    full = _tables(store.url)
    assert incremental[0] == full[0]
    assert incremental[1] == full[1]


def _first(store: Store, tmp: Path) -> None:
    _import(store.url, _file(tmp / "first.csv", [_account(i) for i in range(N)]))
    store.save()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "tasks.sqlite3"
    saved = tmp_path / "saved"

    def save() -> None:
        saved.mkdir(exist_ok=True)
        shutil.copy(path, saved / path.name)
        shutil.copytree(cache_dir(), saved / "cache", dirs_exist_ok=True)

    def restore() -> None:
        for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            extra.unlink(missing_ok=True)
        shutil.copy(saved / path.name, path)
        shutil.rmtree(cache_dir())
        shutil.copytree(saved / "cache", cache_dir())

    store = Store(str(path), save, restore)
    _first(store, tmp_path)
    yield store


@pytest.fixture
def pg_store(tmp_path: Path) -> Iterator[Store]:
    admin_url = os.environ.get(
        "CSPM_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL not reachable at {admin_url} under CI: {exc}")
        pytest.skip(f"no PostgreSQL server at {admin_url}")
    name = f"cspm_inc_{uuid.uuid4().hex[:10]}"
    template = f"{name}_saved"
    saved_cache = tmp_path / "saved-cache"

    def run(sql: str) -> None:
        with admin.connect() as conn:
            conn.execute(text(sql))

    def save() -> None:
        run(f'CREATE DATABASE "{template}" TEMPLATE "{name}"')
        shutil.copytree(cache_dir(), saved_cache, dirs_exist_ok=True)

    def restore() -> None:
        run(f'DROP DATABASE "{name}" WITH (FORCE)')
        run(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        shutil.rmtree(cache_dir())
        shutil.copytree(saved_cache, cache_dir())

    run(f'CREATE DATABASE "{name}"')
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    store = Store(url, save, restore)
    try:
        _first(store, tmp_path)
        yield store
    finally:
        run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        run(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
        admin.dispose()


HYPOTHESIS = settings(
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@settings(HYPOTHESIS, max_examples=12)
@given(changes=CHANGES, added=st.integers(0, 3), act=st.booleans())
def test_incremental_equals_full_on_sqlite(
    sqlite_store: Store, tmp_path: Path, caplog: Any, changes: list, added: int, act: bool
) -> None:
    _check(sqlite_store, tmp_path, changes, added, caplog, act=act)


@settings(HYPOTHESIS, max_examples=4)
@given(changes=CHANGES, added=st.integers(0, 3))
def test_incremental_equals_full_on_postgres(
    pg_store: Store, tmp_path: Path, caplog: Any, changes: list, added: int
) -> None:
    _check(pg_store, tmp_path, changes, added, caplog)


def test_the_first_import_of_a_new_day_plans_every_account(
    sqlite_store: Store, tmp_path: Path, caplog: Any
) -> None:
    """Cadences fall due and playbook steps pass their horizon with the clock: the kept digest
    describes yesterday's run, so the next day's import plans the whole portfolio."""
    sqlite_store.restore()
    second = _file(tmp_path / "second.csv", _changed([(3, "arr", 150)], 1))
    with caplog.at_level(logging.INFO, logger="cspm.service.tasks"):
        caplog.clear()
        _import(sqlite_store.url, second, today=TODAY + dt.timedelta(days=1))
    said = [r.getMessage() for r in caplog.records if "planned" in r.getMessage()]
    assert said and "every one" in said[-1], said


def _undo(url: str) -> None:
    ctx = AppContext.open(url, today=TODAY)
    try:
        undo_latest_import(ctx)
    finally:
        ctx.close()


def test_undoing_an_import_that_added_accounts_resolves_their_tasks_as_a_full_run_does(
    sqlite_store: Store, tmp_path: Path, caplog: Any
) -> None:
    """Accounts an undone import brought in are gone from the portfolio: their open tasks are
    resolved by data, by the incremental run as by a full one."""
    second = _file(tmp_path / "second.csv", _changed([(5, "churn", 1), (7, "arr", -80)], 4))
    runs = []
    for full in (False, True):
        sqlite_store.restore()
        _import(sqlite_store.url, second)
        if full:
            _drop_digests()
        with caplog.at_level(logging.INFO, logger="cspm.service.tasks"):
            caplog.clear()
            _undo(sqlite_store.url)
        said = [r.getMessage() for r in caplog.records if "planned" in r.getMessage()]
        assert said and ("every one" in said[-1]) == full, said
        runs.append(_tables(sqlite_store.url))
    incremental, everything = runs
    assert incremental == everything
    added = {f"001Hs00003K{i:05d}".casefold() for i in range(N, N + 4)}
    theirs = [t for t in everything[0] if t[1].casefold() in added]
    assert theirs, "the added accounts had tasks"
    assert {t[9] for t in theirs} == {"resolved"}  # none left open for an account not there
