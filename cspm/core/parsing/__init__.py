"""Turning raw spreadsheet cells into typed column values, vectorised per column.

Public API: `parse_column` (one column as a FieldType -> `ParsedColumn`), `is_missing` and
`infer_type` (for custom columns). The per-type rules live in `numbers`, `dates`, `booleans`
and `text`; `cells` holds the distinct-value and digit-shape machinery they share.
"""

from cspm.core.parsing.column import ParsedColumn, parse_column
from cspm.core.parsing.infer import infer_type
from cspm.core.parsing.missing import is_missing

__all__ = ["ParsedColumn", "infer_type", "is_missing", "parse_column"]
