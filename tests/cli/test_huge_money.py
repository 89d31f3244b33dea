"""Issue 12: one huge amount must not break every command after it was imported.

`printf 'Account ID,Account Name,ARR,Health Score\\nB1,Big,100000000000000000,50\\n'` used to
commit and then make `accounts`, `tasks`, `segments`, `outcomes`, `capacity` and `export` exit 1
(an IndexError in the money formatter) until the import was undone.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cspm.cli import main

HUGE = "Account ID,Account Name,ARR,Health Score\nB1,Big,100000000000000000,50\nA2,Small,1200,70\n"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_every_command_answers_after_a_huge_arr_import(
    capsys: pytest.CaptureFixture[str], db_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "h.csv"
    path.write_text(HUGE, encoding="utf-8")
    base = ("--db", db_url, "--today", "2026-11-23")
    code, out, err = _run(capsys, *base, "import", str(path))
    assert code == 0, out + err
    for command in (["accounts"], ["tasks"], ["segments"], ["outcomes"], ["capacity"]):
        code, out, err = _run(capsys, *base, *command)
        assert code == 0, f"{command}: {out}{err}"
        assert "Traceback" not in err
    target = tmp_path / "x.xlsx"
    code, out, err = _run(capsys, *base, "export", str(target))
    assert code == 0, out + err
    assert target.stat().st_size > 0
