"""`cspm me` and `--owner me` on the command line, on a real imported spreadsheet."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cspm.cli import main
from cspm.service.personal import my_owner
from tests.files import HEADER, write_xlsx
from tests.ui.test_export_dialog import ACCOUNTS


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def base(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    db = str(tmp_path / "cli.sqlite3")
    args = ["--db", db, "--today", "2026-11-23"]
    path = write_xlsx(tmp_path / "accounts.xlsx", [HEADER, *ACCOUNTS])
    assert run(capsys, *args, "import", str(path))[0] == 0
    return args


def test_owner_me_before_choosing_says_how(capsys, base) -> None:
    code, _out, err = run(capsys, *base, "accounts", "--owner", "me")
    assert code == 2
    assert "run `cspm me NAME` first (owners: Dana, Fox)" in err


def test_me_is_checked_saved_and_used_by_owner_me(capsys, base) -> None:
    code, _out, err = run(capsys, *base, "me", "Zed")
    assert code == 2 and "No account owner named 'Zed' (owners: Dana, Fox)" in err
    assert my_owner() is None
    code, out, _err = run(capsys, *base, "me", "dana")
    assert code == 0 and "You are Dana" in out
    assert my_owner() == "Dana"  # as spelled in the data
    code, out, _err = run(capsys, *base, "accounts", "--owner", "me", "--format", "json")
    assert code == 0
    names = sorted(r["name"] for r in json.loads(out))
    dana = sorted(row[1] for row in ACCOUNTS if row[2] == "Dana")
    assert names == dana
    code, out, _err = run(capsys, *base, "me")
    assert out.strip() == "You are Dana."
    assert run(capsys, *base, "me", "--clear")[0] == 0
    assert my_owner() is None
