"""Values out of any sane range are warned about and left missing, so one absurd number in a
file cannot break the store: every command keeps working after such an import."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from cspm.cli import main

COMMANDS = [
    ["accounts"],
    ["tasks"],
    ["segments"],
    ["outcomes"],
    ["capacity"],
]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_huge_arr_is_warned_and_left_missing_and_every_command_works(
    capsys, db_url: str, tmp_path: Path
) -> None:
    """The issue's repro: ARR 1e17 used to commit, then break every command with an IndexError."""
    path = tmp_path / "h.csv"
    path.write_text("Account ID,Account Name,ARR,Health Score\nB1,Big,100000000000000000,50\n")
    code, out, err = run(capsys, "--db", db_url, "import", str(path))
    assert code == 0, err
    assert "Row 2, column 'ARR': '100000000000000000' is out of range" in out
    for command in COMMANDS:
        code, _, err = run(capsys, "--db", db_url, *command)
        assert code == 0, (command, err)
    for target in ("portfolio.xlsx", "accounts.csv"):
        code, _, err = run(capsys, "--db", db_url, "export", str(tmp_path / target))
        assert code == 0, (target, err)
    code, out, _ = run(capsys, "--db", db_url, "accounts", "--format", "json")
    (account,) = json.loads(out)
    assert account["arr"] is None
    assert account["health_score"] == 50


def test_out_of_range_warning_names_row_column_and_raw_text_in_json(
    capsys, db_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "ranges.csv"
    path.write_text(
        "Account ID,Account Name,Seats Purchased,NPS,Renewal Date,Open Tickets\n"
        "A1,Alpha,-5,11,2027-01-10,3\n"
        "A2,Beta,10,9,2250-12-31,-1\n"
    )
    # Values above 10 would make the NPS column an account NPS in points; the user says these
    # are 0-10 answers, so 11 is out of range.
    code, out, _ = run(
        capsys, "--db", db_url, "import", str(path), "--scale", "NPS=response", "--format", "json"
    )
    assert code == 0
    warned = {
        (p["row"], p["column"], p["value"])
        for p in json.loads(out)["problems"]
        if "out of range" in p["message"]
    }
    assert warned == {
        (2, "Seats Purchased", "-5"),
        (2, "NPS", "11"),
        (3, "Renewal Date", "2250-12-31"),
        (3, "Open Tickets", "-1"),
    }
    code, out, _ = run(capsys, "--db", db_url, "accounts", "--format", "json")
    by_id = {a["external_id"]: a for a in json.loads(out)}
    assert by_id["A1"]["seats_purchased"] is None and by_id["A1"]["nps"] is None
    assert by_id["A1"]["open_tickets"] == 3
    assert by_id["A2"]["renewal_date"] is None and by_id["A2"]["seats_purchased"] == 10


def test_tiny_and_huge_amounts_in_range_print_no_numpy_warnings(
    capsys, db_url: str, tmp_path: Path
) -> None:
    """In-range extremes (a denormal ARR against large unpaid invoices) must not put numpy's
    RuntimeWarnings on a user's terminal."""
    path = tmp_path / "tiny.csv"
    path.write_text(
        "Account ID,Account Name,ARR,Unpaid Invoices,Seats Purchased,Active Seats\n"
        "B1,Tiny,5e-324,100,1e12,1\n"
        "B2,Huge,9e12,9e12,0,5\n"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        code, _, err = run(capsys, "--db", db_url, "import", str(path))
        assert code == 0, err
        for command in COMMANDS:
            code, _, err = run(capsys, "--db", db_url, *command)
            assert code == 0, (command, err)
