"""Read a spreadsheet file's cells as they are, whatever the CRM or the user did to it.

This is the only place that knows file formats. Everything after it sees one shape, `RawSheet`:
a grid of plain Python values plus the row numbers the user sees in Excel, so that every later
message ("row 57, column ARR") points at the right place in the user's own file. No header
guessing happens here; see `cspm.core.header`.
"""

from __future__ import annotations

import mmap
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from python_calamine import (
    CalamineError,
    CalamineWorkbook,
    PasswordError,
    SheetTypeEnum,
    SheetVisibleEnum,
    TableNotFound,
    TablesNotLoaded,
    TablesNotSupported,
    WorkbookClosed,
    WorksheetNotFound,
)

from cspm.core.control_chars import strip_grid
from cspm.core.csv_reading import read_csv_grid
from cspm.core.errors import BadInputError
from cspm.core.read_notes import ReadNote
from cspm.core.settings import ReadingLimits
from cspm.core.workbook_limits import DamagedArchiveError, check_workbook_archive, check_xls_size

EXCEL_EXTENSIONS: frozenset[str] = frozenset({".xlsx", ".xlsm", ".xls"})
TEXT_EXTENSIONS: frozenset[str] = frozenset({".csv", ".tsv", ".txt"})
SUPPORTED_EXTENSIONS: frozenset[str] = EXCEL_EXTENSIONS | TEXT_EXTENSIONS

_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARKER = "EncryptedPackage".encode("utf-16-le")
_EXACT_INT_LIMIT = 2**53
# Calamine errors that mean our code used the library wrongly, not that the file is bad.
_CALAMINE_MISUSE = (
    WorkbookClosed,
    WorksheetNotFound,
    TablesNotLoaded,
    TablesNotSupported,
    TableNotFound,
)


@dataclass
class RawSheet:
    """One sheet's cells exactly as read, before any header or type interpretation.

    cells: object dtype, columns 0..n-1. Values are None, str, int, float, bool,
        datetime.datetime, datetime.date, datetime.time (and datetime.timedelta for Excel
        duration formats) as read. Empty and whitespace-only cells are None; whole numbers that
        Excel stores as floats are ints, so an ID 1001 does not become "1001.0" later. Trailing
        empty rows and columns are removed. For workbooks, column j is Excel column j + 1 (A = 0)
        even when the data starts further right, so column letters in messages stay true.
    row_numbers: int64, for each row of `cells` the 1-based row number Excel shows (CSV: the
        1-based record number in the file).
    notes: see `cspm.core.read_notes`; the import lists them in its summary.
    """

    path: Path
    sheet: str | None
    sheet_names: list[str]
    cells: pd.DataFrame
    row_numbers: np.ndarray
    notes: list[ReadNote] = field(default_factory=list)
    """What reading decided or repaired (encoding, stripped control characters), by row."""


def list_sheets(path: str | Path, limits: ReadingLimits | None = None) -> list[str]:
    """All sheet names of a workbook in workbook order; [] for a text file, which has none."""
    file = _checked_file(path)
    if file.suffix.lower() in TEXT_EXTENSIONS:
        return []
    with _workbook(file, limits or ReadingLimits()) as (workbook, _):
        return list(workbook.sheet_names)


def read_raw(
    path: str | Path, sheet: str | None = None, limits: ReadingLimits | None = None
) -> RawSheet:
    """Read one sheet (default: the first visible sheet with any data) or a text file's cells.

    `sheet` is ignored for text files. Every problem with the file itself raises
    BadInputError with one sentence naming the file; `limits` bound what a workbook may
    unpack to (see `workbook_limits`).
    """
    file = _checked_file(path)
    if file.suffix.lower() in TEXT_EXTENSIONS:
        return _read_text(file)
    return _read_workbook(file, sheet, limits or ReadingLimits())


def _checked_file(path: str | Path) -> Path:
    """The path, if it is an existing file of a type we read."""
    file = Path(path)
    if not file.exists():
        raise BadInputError(f"{file.name} was not found.")
    if not file.is_file():
        raise BadInputError(f"{file.name} is a folder, not a file.")
    if file.suffix.lower() not in SUPPORTED_EXTENSIONS:
        kinds = ", ".join(sorted(SUPPORTED_EXTENSIONS))
        raise BadInputError(f"{file.name} is not a file type cspm can read (use {kinds}).")
    return file


def _read_text(file: Path) -> RawSheet:
    try:
        records = read_csv_grid(file)
    except OSError as exc:
        raise _unopenable(file, exc) from None
    grid = records.cells
    _clean_grid(grid)
    cells, row_numbers = _trimmed_frame(grid, first_row_number=records.first_record, first_column=0)
    if cells.empty:
        raise BadInputError(f"{file.name} is empty.")
    return RawSheet(file, None, [], cells, row_numbers, records.notes)


def _read_workbook(file: Path, sheet: str | None, limits: ReadingLimits) -> RawSheet:
    with _workbook(file, limits) as (workbook, may_hold_controls):
        names = list(workbook.sheet_names)
        if sheet is not None:
            wanted = [_resolve_sheet_name(file, names, sheet)]
        else:
            wanted = _default_sheet_order(workbook)
        for name in wanted:
            cells, row_numbers, notes = _sheet_frame(workbook, name, may_hold_controls)
            if not cells.empty:
                return RawSheet(file, name, names, cells, row_numbers, notes)
    if sheet is not None:
        raise BadInputError(f'The sheet "{wanted[0]}" in {file.name} has no data.')
    raise BadInputError(f"{file.name} has no data.")


def _default_sheet_order(workbook: CalamineWorkbook) -> list[str]:
    """Visible worksheets first, in workbook order: a hidden lookup sheet is not the export."""
    metadata = workbook.sheets_metadata
    shown = [
        m.name
        for m in metadata
        if m.visible == SheetVisibleEnum.Visible and m.typ == SheetTypeEnum.WorkSheet
    ]
    return shown + [m.name for m in metadata if m.name not in shown]


def _resolve_sheet_name(file: Path, names: list[str], sheet: str) -> str:
    """The exact sheet name, or the single one that differs only in case and outer spaces.

    Saved import profiles remember a sheet name; a re-export that writes "accounts " for
    "Accounts" should still be found, but never by guessing between two sheets.
    """
    if sheet in names:
        return sheet
    loose = [name for name in names if name.strip().casefold() == sheet.strip().casefold()]
    if len(loose) == 1:
        return loose[0]
    available = ", ".join(f'"{name}"' for name in names)
    raise BadInputError(f'{file.name} has no sheet named "{sheet}"; its sheets are {available}.')


def _sheet_frame(
    workbook: CalamineWorkbook, name: str, may_hold_controls: bool
) -> tuple[pd.DataFrame, np.ndarray, list[ReadNote]]:
    """A sheet's cells; calamine drops leading empty rows and columns, `start` says how many.

    Control characters are stripped from text (with a note each) when the file may hold any.
    """
    sheet = workbook.get_sheet_by_name(name)
    start = sheet.start
    rows = sheet.to_python() if start is not None else []
    first_row, first_column = start if start is not None else (0, 0)
    width = len(rows[0]) if rows else 0
    grid = _object_grid(rows, width)
    notes = strip_grid(grid, first_row + 1, first_column) if may_hold_controls else []
    cells, row_numbers = _trimmed_frame(
        grid, first_row_number=first_row + 1, first_column=first_column
    )
    return cells, row_numbers, notes


def _object_grid(rows: Sequence[Sequence[Any]], width: int) -> np.ndarray:
    """A 2-D object array of the rows (all of length `width`), cells cleaned in one C-level pass."""
    grid = np.empty((len(rows), width), dtype=object)
    if rows and width:
        grid[:, :] = rows
        _clean_grid(grid)
    return grid


def _clean_grid(grid: np.ndarray) -> None:
    """Clean a 2-D object grid in place: full per-cell cleaning only where headers live; the
    body needs just empty text -> None (a C-level comparison), because value parsing already
    treats blank text as missing and reads whole floats in text columns without ".0".
    Per-cell Python over 100,000 x 22 cells cost more than calamine's own parse."""
    if not grid.size:
        return
    head = min(len(grid), _FULL_CLEAN_ROWS)
    grid[:head] = _clean_cells(grid[:head])
    body = grid[head:]
    body[body == ""] = None


_FULL_CLEAN_ROWS = 60


def _clean_cell(value: Any) -> Any:
    """Blank text -> None; a whole-number float -> int (Excel stores every number as a float)."""
    kind = type(value)
    if kind is str:
        return None if not value or value.isspace() else value
    if kind is float and value.is_integer() and abs(value) <= _EXACT_INT_LIMIT:
        return int(value)
    return value


_clean_cells = np.frompyfunc(_clean_cell, 1, 1)


def _trimmed_frame(
    grid: np.ndarray, first_row_number: int, first_column: int
) -> tuple[pd.DataFrame, np.ndarray]:
    """Drop trailing empty rows/columns, put back leading empty columns, number the rows."""
    height, width = _used_extent(grid)
    grid = grid[:height, :width]
    if grid.size == 0:
        return pd.DataFrame(dtype=object), np.empty(0, dtype=np.int64)
    if first_column:
        grid = np.hstack([np.full((grid.shape[0], first_column), None, dtype=object), grid])
    row_numbers = np.arange(grid.shape[0], dtype=np.int64) + first_row_number
    return pd.DataFrame(grid, dtype=object), row_numbers


def _used_extent(grid: np.ndarray) -> tuple[int, int]:
    """Rows and columns up to the last non-empty cell, walking in from the end.

    Trailing empties are usually none or a few, so this looks at a few rows instead of
    testing every cell of a 100,000-row sheet.
    """
    if grid.ndim != 2:
        return 0, 0
    height, width = grid.shape
    while height and pd.isna(grid[height - 1]).all():
        height -= 1
    while width and pd.isna(grid[:height, width - 1]).all():
        width -= 1
    return height, width


@contextmanager
def _workbook(file: Path, limits: ReadingLimits) -> Iterator[tuple[CalamineWorkbook, bool]]:
    """Open a workbook by its content, turning calamine's file errors into one clear sentence.

    Calamine picks its parser from the extension when given a path, so a file whose content
    disagrees with its name (an .xls saved as .xlsx) is opened from a file object, which makes
    calamine look at the bytes instead. Calamine bounds nothing it inflates, so the archive is
    checked against `limits` first. Yields the workbook and whether its text may hold
    control characters (always, for an .xls: nothing cheap tells).
    """
    magic = _magic_bytes(file)
    suffix = file.suffix.lower()
    is_ole2 = magic.startswith(_OLE2_MAGIC)
    may_hold_controls = True
    if is_ole2:
        check_xls_size(file)
        if _has_encrypted_package(file):
            raise _password_protected(file)
    elif magic.startswith(_ZIP_MAGIC):
        try:
            may_hold_controls = check_workbook_archive(file, limits)
        except DamagedArchiveError:
            raise _unreadable(file) from None
        except OSError as exc:
            raise _unopenable(file, exc) from None
    else:
        raise _unreadable(file)
    by_path = suffix == ".xls" if is_ole2 else suffix in {".xlsx", ".xlsm"}
    try:
        with ExitStack() as stack:
            if by_path:
                workbook = CalamineWorkbook.from_path(file)
            else:
                workbook = CalamineWorkbook.from_filelike(stack.enter_context(file.open("rb")))
            yield stack.enter_context(workbook), may_hold_controls
    except _CALAMINE_MISUSE:
        raise
    except PasswordError:
        raise _password_protected(file) from None
    except CalamineError:
        # An OLE2 container named .xlsx/.xlsm that is not a readable .xls is how Excel saves a
        # workbook with a password, whatever the marker scan above could see.
        if is_ole2 and suffix in {".xlsx", ".xlsm"}:
            raise _password_protected(file) from None
        raise _unreadable(file) from None
    except OSError as exc:
        raise _unopenable(file, exc) from None


def _magic_bytes(file: Path) -> bytes:
    try:
        with file.open("rb") as handle:
            magic = handle.read(8)
    except OSError as exc:
        raise _unopenable(file, exc) from None
    if not magic:
        raise BadInputError(f"{file.name} is empty.")
    return magic


def _has_encrypted_package(file: Path) -> bool:
    """Excel's password protection wraps the real xlsx in an OLE2 stream named EncryptedPackage."""
    with file.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as view:
        return view.find(_ENCRYPTED_MARKER) >= 0


def _password_protected(file: Path) -> BadInputError:
    return BadInputError(
        f"{file.name} is password-protected: remove the password in Excel and save it again."
    )


def _unreadable(file: Path) -> BadInputError:
    return BadInputError(
        f"{file.name} is not a readable Excel workbook: it may be truncated, damaged or not an "
        "Excel file."
    )


def _unopenable(file: Path, exc: OSError) -> BadInputError:
    if isinstance(exc, PermissionError):
        return BadInputError(
            f"{file.name} could not be opened: permission denied (is it open in another program?)."
        )
    return BadInputError(f"{file.name} could not be opened: {exc.strerror or exc}.")
