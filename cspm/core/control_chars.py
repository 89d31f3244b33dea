"""Control characters in cell text: removed, and each removal reported by row and column.

A NUL, a bell or a terminal escape code in an account name is never meant: it comes from a
broken export or a paste, and kept it lands in the database and in every report. Tabs and line
breaks are text (multi-line notes) and stay.
"""

from __future__ import annotations

import re

import numpy as np

from cspm.core.read_notes import ReadNote, column_letter

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NAMES = (
    *("NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF"),
    *("CR", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM"),
    *("SUB", "ESC", "FS", "GS", "RS", "US"),
)


def stripped(text: str) -> tuple[str, str] | None:
    """(the text without control characters, what was removed), or None if it had none."""
    found = CONTROL.findall(text)
    if not found:
        return None
    names = ", ".join(dict.fromkeys("DEL" if c == "\x7f" else _NAMES[ord(c)] for c in found))
    count = "1 control character" if len(found) == 1 else f"{len(found)} control characters"
    return CONTROL.sub("", text), f"removed {count} ({names}) from the text."


def note(row: int, column: int, message: str) -> ReadNote:
    return ReadNote(row, column_letter(column), message, "warning")


def strip_grid(grid: np.ndarray, first_row: int, first_column: int) -> list[ReadNote]:
    """Strip control characters from the text cells of an object grid, in place.

    Looks at every cell, so callers use it only when the file may hold one (the workbook
    check sees the `_x0000_`-style escapes that carry them while it inflates the file).
    """
    notes = []
    for i, j in zip(*np.nonzero(_is_text(grid)), strict=True):
        result = stripped(grid[i, j])
        if result is not None:
            grid[i, j] = result[0] or None
            notes.append(note(first_row + int(i), first_column + int(j), result[1]))
    return notes


_is_text = np.frompyfunc(lambda value: type(value) is str, 1, 1)
