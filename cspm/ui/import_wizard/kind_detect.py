"""The kind page's worker: what kind of file the cells are, read with the chosen header row.

Pure core steps on the cells already in memory (the header row, the CRM's deleted rows left
out, the accounts mapping, then `detect_kind`), so choosing another header row re-detects
without reading the file again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cspm.core.deleted_rows import drop_deleted_rows
from cspm.core.header import extract_table
from cspm.core.mapping import auto_map
from cspm.core.related.detect import KindGuess, detect_kind

if TYPE_CHECKING:
    from cspm.service.imports import SheetCells

__all__ = ["KindGuess", "detect_job"]


def detect_job(cells: SheetCells, header_index: int | None) -> KindGuess:
    """In a worker: the detected kind, the headers that told, and the file's shape."""
    table = extract_table(cells.raw, header_index)
    table, _flag, _deleted = drop_deleted_rows(table)
    return detect_kind(table, auto_map(table.headers))
