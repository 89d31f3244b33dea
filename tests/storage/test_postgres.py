"""The same schema, import and accounts commands on a real PostgreSQL server.

Skipped when no server is reachable on a developer machine; under CI=true (where .ci/run starts
one on 127.0.0.1) an unreachable server is a failure, so the test really runs in CI.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from cspm.cli import main
from tests.files import salesforce_rows, write_xlsx
from tests.service.test_import_semantics import ROWS

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@pytest.fixture
def pg_url() -> Iterator[str]:
    admin_url = os.environ.get("CSPM_TEST_PG_URL", DEFAULT_URL)
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL not reachable at {admin_url} under CI: {exc}")
        pytest.skip(f"no PostgreSQL server at {admin_url}")
    name = f"cspm_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_import_and_accounts_on_postgres(capsys, pg_url: str, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "report.xlsx", salesforce_rows(ROWS))
    assert main(["--db", pg_url, "--today", "2026-11-23", "import", str(path)]) == 0
    # the same file for another date is new history (for the same date it would change nothing)
    args = ["--db", pg_url, "--today", "2026-11-23", "import", str(path), "--as-of", "2026-11-20"]
    assert main(args) == 0
    capsys.readouterr()
    assert main(["--db", pg_url, "--today", "2026-11-23", "accounts", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [(r["external_id"], r["tier"]) for r in records] == [
        ("ACC-001", "Enterprise"),
        ("ACC-002", "Mid-Market"),
        ("ACC-003", "SMB"),
    ]
    assert records[0]["renewal_date"] == "2027-01-10"
    assert main(["--db", pg_url, "imports", "undo"]) == 0
    assert main(["--db", pg_url, "imports", "--format", "json"]) == 0
    imports = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert [i["status"] for i in imports] == ["undone", "committed"]
