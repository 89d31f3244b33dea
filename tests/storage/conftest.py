"""Fixtures shared by the storage tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cspm.service.context import AppContext
from tests.conftest import TODAY
from tests.storage.test_postgres import pg_url  # noqa: F401  (fixture)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[AppContext]:
    """A fresh store on SQLite, then on the PostgreSQL server the tests are given: the storage
    paths that differ per database run on both."""
    url = (
        f"sqlite:///{tmp_path / 'store.sqlite3'}"
        if request.param == "sqlite"
        else request.getfixturevalue("pg_url")
    )
    context = AppContext.open(url, today=TODAY)
    yield context
    context.close()
