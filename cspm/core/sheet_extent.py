"""How many cells the reader will allocate for a worksheet, read from its XML as it inflates.

calamine stores a sheet as one dense block from its first to its last used cell, about 32
bytes per cell whether used or not. Two cells, A1 and XFD1048576, make a 5 KB file that asks
for 17 billion cells: the process aborts. Legitimate sheets are dense (or their XML is large),
so the block is refused when it is larger than both a floor and what the sheet's own XML could
fill; then memory stays proportional to the data, not to where a stray cell sits.

The scan is cheap on purpose: row numbers come from the row elements (one match per row), and
columns only from references beyond the widest column seen so far (a sheet within A-Z counts
as 26 wide), so after the first step a regular sheet yields no column matches at all. Not
covered: rows without a row number whose cells name rows of their own within A-Z (at most
26 x 1,048,576 cells).
"""

from __future__ import annotations

import functools
import re

MIN_CELLS = 16_000_000
"""Any sheet may span this many cells (about 0.5 GB in the reader)."""
CELLS_PER_XML_BYTE = 0.5
"""Beyond the floor, the block may have one cell for every two bytes of the sheet's XML."""

_ROW = re.compile(rb'r="(\d{1,8})"')
_OVERLAP = 24


class ExtentScan:
    """Fed a worksheet's inflated XML step by step; `cells` is the block the reader builds."""

    def __init__(self) -> None:
        self.rows = 0
        self.columns = 26
        self.xml_bytes = 0
        self._tail = b""

    def feed(self, data: bytes) -> None:
        # The overlap re-reads a reference cut in two by the step boundary; one seen twice
        # changes no maximum.
        chunk = self._tail + data
        self._tail = data[-_OVERLAP:]
        self.xml_bytes += len(data)
        rows = _ROW.findall(chunk)
        if rows:
            self.rows = max(self.rows, max(map(int, rows)))
        for letters, row in set(_beyond(self.columns).findall(chunk)):
            self.columns = max(self.columns, _column_number(letters))
            self.rows = max(self.rows, int(row))

    @property
    def cells(self) -> int:
        return self.rows * self.columns

    def too_sparse(self) -> bool:
        return self.cells > max(MIN_CELLS, int(self.xml_bytes * CELLS_PER_XML_BYTE))

    def corner(self) -> str:
        """The far corner of the block, as Excel names it (XFD1048576)."""
        return f"{_letters(self.columns)}{self.rows}"


def _letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@functools.lru_cache(maxsize=64)
def _beyond(columns: int) -> re.Pattern[bytes]:
    """A regex for cell references (letters, row) to the right of column number `columns`."""
    current = _letters(columns)
    width = len(current)
    options = []
    for i, letter in enumerate(current):
        if letter < "Z":
            rest = f"[A-Z]{{{width - i - 1}}}" if width - i - 1 else ""
            options.append(f"{current[:i]}[{chr(ord(letter) + 1)}-Z]{rest}")
    if width < 3:
        options.append(f"[A-Z]{{{width + 1},3}}")
    if not options:
        options.append("(?!)")  # XFD and beyond: nothing can be wider
    return re.compile(f'r="({"|".join(options)})(\\d{{1,8}})"'.encode())


def _column_number(letters: bytes) -> int:
    number = 0
    for byte in letters:
        number = number * 26 + byte - 64
    return number
