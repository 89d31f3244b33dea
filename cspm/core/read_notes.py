"""What reading a file decided or repaired, for the import summary.

Reading happens before the header is known, so a note names a column by its Excel letter; when
the import turns notes into `Problem`s the letter becomes the header text the user sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from cspm.core.problems import Problem


@dataclass(frozen=True)
class ReadNote:
    """row: the file's row (record) number, or None for the whole file; column: Excel letter."""

    row: int | None
    column: str | None
    message: str
    severity: Literal["warning", "info"]


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the letter a spreadsheet shows for a 0-based column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(letter: str) -> int:
    index = 0
    for char in letter:
        index = index * 26 + ord(char) - 64
    return index - 1


def reading_problems(
    notes: list[ReadNote], cells: pd.DataFrame, row_numbers: np.ndarray, header_row: int
) -> list[Problem]:
    """The notes as import problems, columns named by their header cell where it has text."""
    at = np.flatnonzero(row_numbers == header_row)
    header = cells.iloc[int(at[0])].tolist() if len(at) else []
    problems = []
    for note in notes:
        column = note.column
        if column is not None:
            index = _column_index(column)
            name = header[index] if index < len(header) else None
            column = str(name).strip() if isinstance(name, str) and name.strip() else column
        problems.append(Problem(note.row, column, None, note.message, note.severity))
    return problems
