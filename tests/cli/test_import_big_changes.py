"""`cspm import` prints the big changes the wizard would ask to confirm: after a dry run (what
would change) and after an import (what did), compared with the accounts stored before."""

from __future__ import annotations

import json

import pytest

from cspm.cli import main
from tests.files import write_xlsx

TODAY = "2026-11-23"
HEADER = ["Account ID", "Account Name", "ARR"]
BEFORE = [["E-1", "Evergreen Bank", 157_800], ["M-3", "Meridian Labs", 60_000]]
AFTER = [["E-1", "Evergreen Bank", "$1,250"]]


def run(capsys: pytest.CaptureFixture[str], db_url: str, *args: str) -> tuple[int, str]:
    code = main(["--db", db_url, "--today", TODAY, *args])
    return code, capsys.readouterr().out


def test_dry_run_then_import_list_the_big_changes(capsys, db_url, tmp_path) -> None:
    first = write_xlsx(tmp_path / "before.xlsx", [HEADER, *BEFORE])
    code, out = run(capsys, db_url, "import", str(first))
    assert code == 0 and "big change" not in out  # nothing stored before: nothing to compare

    second = write_xlsx(tmp_path / "after.xlsx", [HEADER, *AFTER])
    code, out = run(capsys, db_url, "import", str(second), "--dry-run")
    assert code == 0
    expected = [
        "3 big changes: 1 ARR change over 50%, 1 tier change, 1 account not in this file"
        " (compared with the accounts stored before this import):",
        "  Evergreen Bank: ARR $157,800 -> $1,250",
        "  Evergreen Bank: tier Enterprise -> SMB",
        "  Meridian Labs: not in this file (kept as it is)",
    ]
    assert out.splitlines()[-4:] == expected

    code, out = run(capsys, db_url, "import", str(second), "--format", "json")
    assert code == 0
    record = json.loads(out)
    assert record["status"] == "imported"
    kinds = [(c["name"], c["kind"]) for c in record["big_changes"]]
    assert kinds == [
        ("Evergreen Bank", "arr"),
        ("Evergreen Bank", "tier"),
        ("Meridian Labs", "missing"),
    ]
