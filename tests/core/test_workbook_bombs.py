"""Zip bombs are refused before anything inflates them; real workbooks still read.

A workbook is a zip archive. One that unpacks to gigabytes (honestly declared, or lying in its
headers) used to take the process to 4-7 GB and a Rust abort. The hostile files are built in
the test (see `zip_bombs`); the memory checks run the reader in a fresh process and look at its
peak resident size.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import xlsxwriter

from cspm.core.errors import BadInputError
from cspm.core.reading import list_sheets, read_raw
from cspm.core.settings import ReadingLimits, Settings

from .zip_bombs import (
    actual_bomb,
    declared_bomb,
    honest_workbook,
    repeated_sheet,
    workbook_parts,
    write_zip,
)

ROOT = Path(__file__).resolve().parents[2]
PEAK_LIMIT_MB = 500


def test_declared_size_above_the_limit_is_refused_in_one_sentence(tmp_path: Path) -> None:
    path = declared_bomb(tmp_path / "x.xlsx")
    with pytest.raises(BadInputError) as error:
        read_raw(path)
    message = str(error.value)
    assert message.startswith("'x.xlsx' would unpack to 4.1 GB (ratio ")
    assert "cspm refuses" in message and "reading.max_unpack_ratio" in message
    with pytest.raises(BadInputError, match=r"would unpack to 4\.1 GB"):
        list_sheets(path)  # the sheet list is read from the same archive


def test_honest_bomb_is_refused_by_its_ratio(tmp_path: Path) -> None:
    path = actual_bomb(tmp_path / "bomb.xlsx", honest=True)
    with pytest.raises(BadInputError, match=r"^'bomb\.xlsx' would unpack to 4\.0 GB \(ratio "):
        read_raw(path)


def test_a_bomb_split_into_many_small_parts_is_refused_as_a_whole(tmp_path: Path) -> None:
    """Each part stays under the 1 MB a part may compress freely; together they are a bomb."""
    stream, size = repeated_sheet(900_000, 1)
    assert size < 1_000_000
    parts = workbook_parts(stream, size)
    parts += [(f"xl/media/filler{i}.xml", stream, size, 0) for i in range(3300)]
    path = write_zip(tmp_path / "many.xlsx", parts)
    with pytest.raises(BadInputError, match=r"^'many\.xlsx' would unpack to 3\.0 GB \(ratio "):
        read_raw(path)


def test_lying_header_is_caught_while_inflating(tmp_path: Path) -> None:
    """The sheet claims 1 MB and really inflates to 4 GB: declared sizes alone cannot tell."""
    path = actual_bomb(tmp_path / "liar.xlsx", honest=False)
    with pytest.raises(BadInputError) as error:
        read_raw(path)
    assert str(error.value) == (
        "'liar.xlsx' is damaged or built to harm: its part xl/worksheets/sheet1.xml unpacks to "
        "more than the 1.0 MB it declares, so cspm does not read it."
    )


def test_total_limit_is_a_setting(tmp_path: Path) -> None:
    path = honest_workbook(tmp_path / "plain.xlsx", rows=20_000)  # 1.6 MB of XML, 10:1
    assert read_raw(path).cells.iloc[0, 0] == "Account Name"
    small = ReadingLimits(max_unpacked_mb=1)
    with pytest.raises(BadInputError) as error:
        read_raw(path, limits=small)
    assert str(error.value).startswith("'plain.xlsx' would unpack to 1.6 MB (ratio 10:1); ")
    assert "more than 1.0 MB (setting reading.max_unpacked_mb)" in str(error.value)


def test_limits_default_when_a_stored_document_lacks_them() -> None:
    assert Settings.from_dict({"date_order": "day_first"}).reading == ReadingLimits()
    stored = Settings.from_dict({"reading": {"max_unpacked_mb": 800, "unknown": 1}})
    assert stored.reading == ReadingLimits(max_unpacked_mb=800)
    assert Settings.from_dict(stored.to_dict()) == stored


def test_a_large_real_workbook_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "accounts.xlsx"
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = workbook.add_worksheet("Accounts")
    sheet.write_row(0, 0, ["Account ID", "Account Name", "Account Owner", "ARR", "Status"])
    for i in range(1, 50_001):
        sheet.write_row(i, 0, [f"001A{i:011d}", f"Account {i}", "Dana Scully", 1000 + i, "Active"])
    workbook.close()
    raw = read_raw(path)
    assert raw.cells.shape == (50_001, 5)
    assert raw.cells.iloc[50_000, 1] == "Account 50000"


def _stray_cell_workbook(path: Path, rows: int, stray: tuple[int, int]) -> Path:
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = workbook.add_worksheet("Accounts")
    sheet.write_row(0, 0, ["Account ID", "Account Name", "ARR"])
    for i in range(1, rows + 1):
        sheet.write_row(i, 0, [f"A{i}", f"Account {i}", i])
    sheet.write(*stray, "oops")
    workbook.close()
    return path


def test_two_cells_far_apart_are_refused_before_the_reader_allocates_the_block(
    tmp_path: Path,
) -> None:
    """A1 and XFD1048576: a 5 KB file that made the reader ask for 17 billion cells."""
    path = _stray_cell_workbook(tmp_path / "sparse.xlsx", 1, (1_048_575, 16_383))
    with pytest.raises(BadInputError) as error:
        read_raw(path)
    assert str(error.value) == (
        "'sparse.xlsx' has a sheet that spans A1:XFD1048576 (17,179,869,184 cells) with little "
        "data in it, more than cspm reads: delete the stray cells far below or right of the "
        "table (Ctrl+End finds them) or copy the table to a new sheet."
    )


def test_a_stray_wide_cell_deep_inside_the_sheet_is_seen(tmp_path: Path) -> None:
    path = _stray_cell_workbook(tmp_path / "stray.xlsx", 60_000, (900_000, 700))
    with pytest.raises(BadInputError, match=r"spans A1:ZY900001 \(630,900,701 cells\)"):
        read_raw(path)


def test_wide_and_long_real_sheets_are_not_mistaken_for_sparse(tmp_path: Path) -> None:
    path = tmp_path / "wide.xlsx"
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = workbook.add_worksheet("Accounts")
    sheet.write_row(0, 0, ["Account ID", *[f"Property {i}" for i in range(1, 300)]])
    for i in range(1, 2_001):
        sheet.write_row(i, 0, [f"A{i}", *range(299)])
    workbook.close()
    assert read_raw(path).cells.shape == (2_001, 300)


def test_xls_beyond_what_the_format_can_hold_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    with path.open("wb") as handle:  # an OLE2 signature, then a sparse 600 MB
        handle.write(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
        handle.truncate(600_000_000)
    with pytest.raises(BadInputError) as error:
        read_raw(path)
    assert str(error.value) == (
        "'old.xls' is 600.0 MB, more than an .xls workbook (at most 65,536 rows) ever needs "
        "(512.0 MB), so cspm does not read it."
    )


# --- memory, in a fresh process ------------------------------------------------------------------

_CHILD = """
import json, resource, subprocess, sys
proc = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=120)
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"code": proc.returncode, "err": proc.stderr, "peak_mb": peak_kb / 1024}))
"""


def _import_in_fresh_process(tmp_path: Path, workbook: Path) -> dict[str, object]:
    """`cspm import` in a grandchild, with the child reporting the grandchild's peak memory."""
    command = [sys.executable, "-m", "cspm", "--db", str(tmp_path / "t.sqlite3"), "import"]
    env = {**os.environ, "CSPM_CACHE_DIR": str(tmp_path / "cache")}
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, *command, str(workbook)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=180,
        check=True,
    )
    result: dict[str, object] = json.loads(out.stdout)
    return result


@pytest.mark.parametrize("kind", ["declared", "lying", "sparse"])
def test_cli_refuses_a_bomb_with_bounded_memory(tmp_path: Path, kind: str) -> None:
    if kind == "sparse":
        path = _stray_cell_workbook(tmp_path / "bomb.xlsx", 1, (1_048_575, 16_383))
    else:
        path = actual_bomb(tmp_path / "bomb.xlsx", honest=kind == "declared")
    result = _import_in_fresh_process(tmp_path, path)
    assert result["code"] == 2
    err = str(result["err"])
    assert err.startswith("cspm: 'bomb.xlsx' ") and err.count("\n") == 1
    assert "Traceback" not in err
    assert float(str(result["peak_mb"])) < PEAK_LIMIT_MB


def test_the_limits_are_set_from_the_cli_and_honoured_by_import(
    capsys: pytest.CaptureFixture[str], db_url: str, tmp_path: Path
) -> None:
    from cspm.cli import main

    path = honest_workbook(tmp_path / "plain.xlsx", rows=20_000)
    assert main(["--db", db_url, "settings", "set", "reading.max_unpacked_mb", "1"]) == 0
    capsys.readouterr()
    assert main(["--db", db_url, "import", str(path)]) == 2
    assert "'plain.xlsx' would unpack to 1.6 MB" in capsys.readouterr().err
    assert main(["--db", db_url, "settings", "set", "reading.max_unpack_ratio", "0"]) == 2
    assert "reading.max_unpack_ratio must be at least 1." in capsys.readouterr().err
