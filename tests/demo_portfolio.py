"""A demo portfolio for service and report tests: built once per run, copied per test.

The demo goes through the real import pipeline and task regeneration, so what it holds is what
a CSM sees after `cspm demo`.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from cspm.service.context import AppContext
from cspm.service.demo import load_demo
from tests.conftest import TODAY

DEMO_ACCOUNTS = 150


@pytest.fixture(scope="session")
def demo_db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database (150 accounts, a year of monthly snapshots), built once per run."""
    path = tmp_path_factory.getbasetemp() / "cspm-demo-packs" / "demo.sqlite3"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        load_demo(str(path), accounts=DEMO_ACCOUNTS, today=TODAY)
    return path


@pytest.fixture
def demo(demo_db_file: Path, tmp_path: Path) -> Iterator[AppContext]:
    """A context on a fresh copy of the demo database (tests may change it)."""
    copy = tmp_path / "demo.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        source = Path(str(demo_db_file) + suffix)
        if source.exists():
            shutil.copy(source, str(copy) + suffix)
    ctx = AppContext.open(str(copy), today=TODAY)
    yield ctx
    ctx.close()
