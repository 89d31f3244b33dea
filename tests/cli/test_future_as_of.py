"""An as-of date after today is a typo (2062 for 2026), not history: refused, nothing written.

Accepted, it froze the portfolio: every later import "as of today" was older than it, so it
changed nothing ("unchanged 1"), while outcomes used the newer numbers: the accounts list
said $180,000 and the quarter's end ARR $999,999.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cspm.cli import main
from tests.files import write_csv

HEAD = ["Account ID", "Account Name", "ARR"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_an_import_dated_after_today_is_refused(capsys, db_url: str, tmp_path: Path) -> None:
    first = write_csv(tmp_path / "q1.csv", [HEAD, ["S1", "One", 150_000]])
    typo = write_csv(tmp_path / "q3.csv", [HEAD, ["S1", "One", 180_000]])
    base = ["--db", db_url, "--today", "2026-11-20"]
    assert run(capsys, *base, "import", str(first), "--as-of", "2026-07-01")[0] == 0
    code, _, err = run(capsys, *base, "import", str(typo), "--as-of", "2062-11-20")
    assert code == 2
    assert "2062-11-20 is after today (2026-11-20)" in err
    code, out, _ = run(capsys, *base, "accounts", "--format", "json")
    assert [a["arr"] for a in json.loads(out)] == [150_000]
    code, out, _ = run(capsys, *base, "imports", "list")
    assert "q3.csv" not in out


def test_an_import_cannot_be_redated_after_today(capsys, db_url: str, tmp_path: Path) -> None:
    first = write_csv(tmp_path / "q1.csv", [HEAD, ["S1", "One", 150_000]])
    base = ["--db", db_url, "--today", "2026-11-20"]
    assert run(capsys, *base, "import", str(first), "--as-of", "2026-07-01")[0] == 0
    code, _, err = run(capsys, *base, "imports", "redate", "1", "2062-07-01")
    assert code == 2 and "after today" in err
    code, out, _ = run(capsys, *base, "imports", "list")
    assert "2026-07-01" in out
