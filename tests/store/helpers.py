"""Real account files and CLI runs shared by the store tests."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from cspm.cli import main
from tests.files import write_csv

HEADER = ["Account ID", "Account Name", "Account Owner", "ARR", "Health Score", "Renewal Date"]


def accounts_csv(path: Path, n: int, *, arr_shift: int = 0) -> Path:
    """A Salesforce-style account report with `n` rows (IDs A000000...)."""
    rows = [
        [
            f"A{i:06d}",
            f"Company {i} Ltd",
            "Dana Scully",
            1_000 + 37 * i + arr_shift,
            i % 101,
            "2027-03-01",
        ]
        for i in range(n)
    ]
    return write_csv(path, [HEADER, *rows])


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_sentence(err: str) -> str:
    """stderr is one `cspm:` line of prose: no SQL, no traceback."""
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("cspm: ")
    for leak in ("SELECT", "INSERT", "UPDATE ", "[SQL", "Traceback", "sqlite3.", "Error:"):
        assert leak not in lines[0], lines[0]
    return lines[0]
