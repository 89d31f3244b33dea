"""`cspm --help` and argument errors answer without loading the data stack.

Importing pandas, numpy, SQLAlchemy or Qt costs 0.3-0.7 s before the first line is printed;
a user who mistypes an option should get the sentence back at once. Checked in a fresh
interpreter by what got imported (no wall clock): the parser alone needs none of them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("pandas", "numpy", "sqlalchemy", "PySide6", "matplotlib", "xlsxwriter", "python_calamine")

PROBE = """
import sys
import cspm.cli
try:
    code = cspm.cli.main({args!r})
except SystemExit as exc:
    code = exc.code
heavy = sorted({{m.split(".")[0] for m in sys.modules}} & set({heavy!r}))
print("CODE", code)
print("HEAVY", ",".join(heavy))
"""


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--help"], 0),
        (["accounts", "--help"], 0),
        (["accounts", "--format", "xml"], 2),
        (["no-such-command"], 2),
    ],
)
def test_help_and_argument_errors_load_no_data_stack(args: list[str], code: int) -> None:
    probe = PROBE.format(args=args, heavy=HEAVY)
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False
    )
    lines = dict(line.split(" ", 1) for line in done.stdout.splitlines() if " " in line)
    assert lines.get("CODE") == str(code), done.stdout + done.stderr
    assert done.stdout.rstrip().endswith("HEAVY"), f"imported: {done.stdout.splitlines()[-1]}"


def test_a_command_on_a_current_database_loads_no_migration_tool(tmp_path: Path) -> None:
    """Alembic (with Mako and Pygments, ~70 ms) is for databases that need an upgrade: a
    command on a database already at the newest schema never imports it."""
    db = tmp_path / "current.sqlite3"
    args = ["--db", str(db), "accounts", "--format", "json"]
    first = subprocess.run(  # a new database: created (Alembic runs)
        [sys.executable, "-m", "cspm", *args], capture_output=True, text=True, timeout=120
    )
    assert first.returncode == 0, first.stderr
    probe = PROBE.format(args=args, heavy=("alembic", "mako"))
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=False
    )
    lines = dict(line.split(" ", 1) for line in done.stdout.splitlines() if " " in line)
    assert lines.get("CODE") == "0", done.stdout + done.stderr
    assert done.stdout.rstrip().endswith("HEAVY"), f"imported: {done.stdout.splitlines()[-1]}"
