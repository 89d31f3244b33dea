"""Importing the very same file again is recognised by its hash and changes nothing.

It is new history only when it describes another date (--as-of), when it is read differently
(another mapping), when the earlier import was undone, or when another import of the same date
was loaded after it (loading the file again would then change the current state back).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cspm.cli import main
from cspm.storage.db import open_database, resolve_url
from cspm.storage.models import AccountSnapshot
from tests.files import HEADER, write_csv
from tests.service.test_import_semantics import ROWS

TODAY = "2026-11-23"


def run(capsys: pytest.CaptureFixture[str], db_url: str, *args: str) -> tuple[int, str, str]:
    code = main(["--db", db_url, "--today", TODAY, *args])
    out, err = capsys.readouterr()
    return code, out, err


def snapshots(db_url: str) -> int:
    database = open_database(resolve_url(db_url))
    try:
        with database.session() as s:
            return int(s.scalar(select(func.count()).select_from(AccountSnapshot)) or 0)
    finally:
        database.dispose()


def imports(capsys, db_url: str) -> list[dict]:
    code, out, _ = run(capsys, db_url, "imports", "--format", "json")
    assert code == 0
    return json.loads(out)


def accounts_file(tmp_path: Path, name: str = "accounts.csv", rows=ROWS) -> Path:
    return write_csv(
        tmp_path / name,
        [HEADER, *[[v.date() if hasattr(v, "date") else v for v in r] for r in rows]],
    )


def test_same_file_again_changes_nothing_and_says_so(capsys, db_url: str, tmp_path: Path) -> None:
    path = accounts_file(tmp_path)
    code, _, _ = run(capsys, db_url, "import", str(path), "--as-of", "2026-11-20")
    assert code == 0
    before = snapshots(db_url)
    (first,) = imports(capsys, db_url)

    code, out, err = run(capsys, db_url, "import", str(path), "--as-of", "2026-11-20")
    assert code == 0, err
    day = first["started_at"][:10]
    assert (
        f"this file was already imported on {day} as import {first['id']}; nothing changed" in out
    )
    assert snapshots(db_url) == before
    assert len(imports(capsys, db_url)) == 1

    code, out, _ = run(
        capsys, db_url, "import", str(path), "--as-of", "2026-11-20", "--format", "json"
    )
    summary = json.loads(out)
    assert code == 0 and summary["status"] == "already_imported"
    assert summary["same_as_import"] == first["id"]
    assert "nothing changed" in summary["message"]


def test_default_as_of_is_today_so_the_same_day_is_recognised(
    capsys, db_url: str, tmp_path: Path
) -> None:
    path = accounts_file(tmp_path)
    assert run(capsys, db_url, "import", str(path))[0] == 0
    code, out, _ = run(capsys, db_url, "import", str(path))
    assert code == 0 and "nothing changed" in out
    assert len(imports(capsys, db_url)) == 1


def test_another_as_of_date_is_new_history(capsys, db_url: str, tmp_path: Path) -> None:
    path = accounts_file(tmp_path)
    run(capsys, db_url, "import", str(path), "--as-of", "2026-10-20")
    before = snapshots(db_url)
    code, out, _ = run(capsys, db_url, "import", str(path), "--as-of", "2026-11-20")
    assert code == 0 and "nothing changed" not in out
    assert snapshots(db_url) == 2 * before
    assert len(imports(capsys, db_url)) == 2


def test_an_undone_import_does_not_count(capsys, db_url: str, tmp_path: Path) -> None:
    path = accounts_file(tmp_path)
    run(capsys, db_url, "import", str(path), "--as-of", "2026-11-20")
    assert run(capsys, db_url, "imports", "undo")[0] == 0
    code, out, _ = run(capsys, db_url, "import", str(path), "--as-of", "2026-11-20")
    assert code == 0 and "nothing changed" not in out
    code, out, _ = run(capsys, db_url, "accounts", "--format", "json")
    assert len(json.loads(out)) == 3


def test_another_mapping_is_a_new_import(capsys, db_url: str, tmp_path: Path) -> None:
    path = accounts_file(tmp_path)
    run(capsys, db_url, "import", str(path), "--as-of", "2026-11-20")
    code, out, _ = run(
        capsys, db_url, "import", str(path), "--as-of", "2026-11-20", "--map", "Status=ignore"
    )
    assert code == 0 and "nothing changed" not in out
    assert len(imports(capsys, db_url)) == 2


def test_same_file_after_another_of_the_same_date_is_loaded_again(
    capsys, db_url: str, tmp_path: Path
) -> None:
    """A, then B for the same date, then A again: A's values must win again, so it is written."""
    a = accounts_file(tmp_path, "a.csv")
    changed = [list(r) for r in ROWS]
    changed[0][3] = "$150,000.00"
    b = accounts_file(tmp_path, "b.csv", changed)
    for path in (a, b, a):
        code, out, _ = run(capsys, db_url, "import", str(path), "--as-of", "2026-11-20")
        assert code == 0 and "nothing changed" not in out
    code, out, _ = run(capsys, db_url, "accounts", "--format", "json")
    arr = {r["external_id"]: r["arr"] for r in json.loads(out)}
    assert arr["ACC-001"] == 120_000


def test_other_value_meanings_are_a_new_import(capsys, db_url: str, tmp_path: Path) -> None:
    """The same bytes read with another meaning for a status word change what is stored."""
    path = accounts_file(tmp_path)
    run(capsys, db_url, "import", str(path), "--as-of", "2026-11-20")
    code, out, _ = run(
        capsys,
        db_url,
        "import",
        str(path),
        "--as-of",
        "2026-11-20",
        "--value",
        "Status:Active=churned",
    )
    assert code == 0 and "nothing changed" not in out
    assert len(imports(capsys, db_url)) == 2
    code, out, _ = run(capsys, db_url, "accounts", "--format", "json")
    assert {r["lifecycle_stage"] for r in json.loads(out)} == {"Churned"}
