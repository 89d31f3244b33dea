"""Shared test set-up: offscreen Qt before any QApplication, a fresh database per test,
and writers for the real spreadsheet files the tests import."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from cspm.service.context import AppContext

TODAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never touch the developer's real data and cache folders or CSPM_DB."""
    home = tmp_path_factory.mktemp("userdata")
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    monkeypatch.setenv("CSPM_CACHE_DIR", str(home / "cache"))
    monkeypatch.setenv("CSPM_CONFIG_DIR", str(home / "config"))
    # the window's preferences too (last export folder, owner filter choice, columns)
    monkeypatch.setenv("CSPM_QSETTINGS_DIR", str(home / "qsettings"))
    monkeypatch.delenv("CSPM_DB", raising=False)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return str(tmp_path / "test.sqlite3")


def drain_workers() -> None:
    """Wait for the UI's background work so none outlives its context: the global pool (if Qt
    is in use), then every context's serial executor, then the pool again (a job may have
    been queued behind the other)."""
    from cspm.service.serial_jobs import drain_all

    pool = None
    if "PySide6.QtCore" in sys.modules:
        from PySide6.QtCore import QThreadPool

        pool = QThreadPool.globalInstance()
        pool.waitForDone(30_000)
    drain_all(30)
    if pool is not None:
        pool.waitForDone(30_000)


@pytest.fixture
def ctx(db_url: str) -> Iterator[AppContext]:
    context = AppContext.open(db_url, today=TODAY)
    yield context
    drain_workers()  # a worker still reading must not meet a closed database
    context.close()
