"""The command line: exit codes, one-sentence errors, JSON shapes, global options anywhere."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cspm.cli import main
from tests.files import HEADER, salesforce_rows, write_xlsx
from tests.service.test_import_semantics import ROWS


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_then_accounts_json(capsys, db_url: str, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "report.xlsx", salesforce_rows(ROWS))
    code, out, _ = run(capsys, "--db", db_url, "--today", "2026-11-23", "import", str(path))
    assert code == 0
    assert "new 3" in out
    code, out, _ = run(
        capsys, "accounts", "--db", db_url, "--today", "2026-11-23", "--format", "json"
    )
    assert code == 0
    records = json.loads(out)
    assert [r["name"] for r in records] == ["Acme Corp", "Globex", "Initech"]
    first = records[0]
    for key in (
        "external_id",
        "name",
        "owner",
        "arr",
        "mrr",
        "tier",
        "lifecycle_stage",
        "health_score",
        "renewal_date",
        "last_interaction",
    ):
        assert key in first
    assert first["renewal_date"] == "2027-01-10"
    assert first["last_interaction"] is None
    assert first["tier"] == "Enterprise"


def test_import_json_reports_every_problem(capsys, db_url: str, tmp_path: Path) -> None:
    rows = [list(r) for r in ROWS] + [[None, None, "x", "1", None, None, None, None]]
    rows[0][3] = "lots"
    path = write_xlsx(tmp_path / "bad.xlsx", [HEADER, *rows])
    code, out, _ = run(capsys, "--db", db_url, "import", str(path), "--format", "json")
    assert code == 2
    summary = json.loads(out)
    assert summary["status"] == "refused"
    assert summary["rejected"] == 1
    problems = [p for p in summary["problems"] if p["severity"] != "info"]  # info: decisions
    assert {(p["row"], p["column"]) for p in problems} == {(5, None), (2, "ARR")}
    code, out, _ = run(capsys, "--db", db_url, "accounts", "--format", "json")
    assert json.loads(out) == []


def test_skip_invalid_exit_codes(capsys, db_url: str, tmp_path: Path) -> None:
    only_bad = write_xlsx(tmp_path / "bad.xlsx", [HEADER, [None, None, "x", "1"]])
    code, _, err = run(capsys, "--db", db_url, "import", str(only_bad), "--skip-invalid")
    assert code == 2
    assert err.count("\n") == 1
    mixed = write_xlsx(tmp_path / "mixed.xlsx", [HEADER, ROWS[0], [None, None, "x", "1"]])
    code, _, _ = run(capsys, "--db", db_url, "import", str(mixed), "--skip-invalid")
    assert code == 0


def test_dry_run_exit_code(capsys, db_url: str, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "ok.xlsx", [HEADER, *ROWS])
    code, out, _ = run(capsys, "--db", db_url, "import", str(path), "--dry-run")
    assert code == 0 and "nothing was written" in out
    code, out, _ = run(capsys, "--db", db_url, "accounts", "--format", "json")
    assert json.loads(out) == []


@pytest.mark.parametrize(
    "name,content,expect",
    [
        ("notes.xlsx", b"just some text, not a workbook\n", "notes.xlsx"),
        ("empty.csv", b"", "empty.csv"),
    ],
)
def test_bad_file_is_one_sentence_exit_2_and_db_untouched(
    capsys, db_url: str, tmp_path: Path, name: str, content: bytes, expect: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    code, out, err = run(capsys, "--db", db_url, "import", str(path))
    assert code == 2
    assert out == ""
    assert err.startswith("cspm: ") and expect in err
    assert err.strip().count("\n") == 0
    assert "Traceback" not in err
    code, out, _ = run(capsys, "--db", db_url, "imports", "--format", "json")
    assert json.loads(out) == []


def test_missing_file(capsys, db_url: str, tmp_path: Path) -> None:
    code, _, err = run(capsys, "--db", db_url, "import", str(tmp_path / "nope.xlsx"))
    assert code == 2 and "nope.xlsx" in err


def test_ambiguous_account_name_lists_candidates(capsys, db_url: str, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "twins.xlsx",
        [["Account ID", "Account Name", "ARR"], ["T1", "Twin Co", 5], ["T2", "twin co", 6]],
    )
    run(capsys, "--db", db_url, "import", str(path))
    code, _, err = run(capsys, "--db", db_url, "override", "Twin Co", "SMB", "--reason", "x")
    assert code == 2
    assert "T1" in err and "T2" in err
    code, _, _ = run(capsys, "--db", db_url, "override", "T1", "Enterprise", "--reason", "big logo")
    assert code == 0
    code, out, _ = run(
        capsys, "--db", db_url, "accounts", "--tier", "Enterprise", "--format", "json"
    )
    assert [r["external_id"] for r in json.loads(out)] == ["T1"]


def test_undo_via_cli(capsys, db_url: str, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "ok.xlsx", [HEADER, *ROWS])
    run(capsys, "--db", db_url, "import", str(path))
    code, out, _ = run(capsys, "--db", db_url, "imports", "undo")
    assert code == 0 and "ok.xlsx" in out
    code, out, _ = run(capsys, "--db", db_url, "accounts", "--format", "csv")
    assert out.strip().count("\n") == 0  # header only


def test_bad_date_option_is_usage_error(capsys, db_url: str) -> None:
    code, _, err = run(capsys, "--db", db_url, "--today", "23/11/2026", "accounts")
    assert code == 2 and "YYYY-MM-DD" in err


def test_python_dash_m_entry_point(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "cspm", "--db", str(tmp_path / "x.sqlite3"), "accounts"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "(none)" in proc.stdout
